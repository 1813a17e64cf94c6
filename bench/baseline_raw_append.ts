/**
 * The fixed shape's ceiling for uploads sent in pieces, a reference for
 * `bench/resumable_bench.ts`: the least a server built the way wireserve must be built can do
 * with a request body — `Deno.listen`, heads read by a BYOB reader over `conn.readable` and bodies
 * by plain `conn.read` (as wireserve reads them), appended to a
 * file by async writes that overlap the next socket reads (two 1 MiB buffers, as
 * `src/uploads/upload_pump.ts` does), then `conn.write` of a canned 204 — with no parsing beyond
 * the request line and Content-Length, no routing, no offsets, locks, records or checks, and the
 * file kept open from one request to the next on a connection.
 *
 * `PUT` and `PATCH /<name>` append their body to `<dir>/<name>`; any other request gets a canned
 * 200. It is not an HTTP server (it trusts the bench's requests); comparing one 256 MiB request
 * with the same bytes as 64 requests of 4 MiB, both through it, says how much of the resumable
 * row's gap is the request-per-piece shape itself (the turn-around between answer and next
 * head, the pipeline refilling) rather than our code.
 *
 * Usage: deno run -A bench/baseline_raw_append.ts --port <n> --dir <folder>
 * @module
 */

import { parseArgs } from "node:util";

/** Each of the two body buffers. */
const PIECE_BYTES = 1024 * 1024;
/** A piece goes to an idle writer once it holds this much (as upload_pump.ts). */
const EAGER_BYTES = 64 * 1024;
/** Room for a request head (the bench's are ~200 bytes). */
const HEAD_BYTES = 64 * 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const OK = encoder.encode("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
const NO_CONTENT = encoder.encode("HTTP/1.1 204 No Content\r\n\r\n");

type Byob = ReadableStreamBYOBReader;

/** Index just past the head's CRLF CRLF in `b`, or -1. */
function headEnd(b: Uint8Array): number {
  for (let i = 3; i < b.length; i++) {
    if (b[i] === 0x0a && b[i - 1] === 0x0d && b[i - 2] === 0x0a && b[i - 3] === 0x0d) return i + 1;
  }
  return -1;
}

/** Reads into `buf` (taken by the stream); resolves to the filled view, or null at the end. */
async function readInto(reader: Byob, buf: Uint8Array): Promise<Uint8Array | null> {
  const { value, done } = await reader.read(buf);
  return done || value === undefined ? null : value;
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await file.write(bytes.subarray(at));
}

/** Appends `length` body bytes (the first of them already in `first`) to `file`. */
async function pumpBody(conn: Deno.Conn, file: Deno.FsFile, first: Uint8Array, length: number) {
  const buffers = [new Uint8Array(PIECE_BYTES), new Uint8Array(PIECE_BYTES)];
  let left = length - first.length;
  let writing = false;
  let pending: Promise<void> = writeAll(file, first);
  writing = true;
  pending.then(() => writing = false);
  let turn = 0;
  while (left > 0) {
    const buf = buffers[turn];
    let at = 0;
    while (at < PIECE_BYTES && left > 0) {
      // Plain reads into the buffer (no stream machinery, the buffer stays ours), as wireserve
      // reads bodies; only heads go through the BYOB reader.
      const got = await conn.read(buf.subarray(at, Math.min(PIECE_BYTES, at + left)));
      if (got === null) throw new Error("body cut short");
      at += got;
      left -= got;
      if (at >= EAGER_BYTES && !writing) break;
    }
    await pending;
    writing = true;
    pending = writeAll(file, buf.subarray(0, at));
    pending.then(() => writing = false);
    turn ^= 1;
  }
  await pending;
}

async function serveConnection(conn: Deno.Conn, dir: string): Promise<void> {
  const reader = conn.readable.getReader({ mode: "byob" });
  let headBuf = new Uint8Array(HEAD_BYTES);
  // The file stays open between the requests that append to it: not even an open per piece.
  let open: Deno.FsFile | null = null;
  let openName = "";
  try {
    (conn as Deno.TcpConn).setNoDelay(true);
    for (;;) {
      let filled = 0;
      let end = -1;
      while (end < 0) {
        const got = await readInto(reader, headBuf.subarray(filled));
        if (got === null) return;
        headBuf = new Uint8Array(got.buffer as ArrayBuffer);
        filled += got.length;
        end = headEnd(headBuf.subarray(0, filled));
      }
      const head = decoder.decode(headBuf.subarray(0, end));
      const [method, target] = head.slice(0, head.indexOf("\r\n")).split(" ");
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? "0");
      if (method !== "PUT" && method !== "PATCH") {
        await conn.write(OK);
        continue;
      }
      const name = target.slice(1).replaceAll("/", "_");
      if (name !== openName) {
        open?.close();
        open = Deno.openSync(`${dir}/${name}`, { write: true, create: true, append: true });
        openName = name;
      }
      await pumpBody(conn, open!, headBuf.slice(end, filled), length);
      await conn.write(NO_CONTENT);
    }
  } catch {
    // the client went away: nothing to answer
  } finally {
    open?.close();
    try {
      conn.close();
    } catch {
      // closed already
    }
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    strict: true,
    options: { port: { type: "string" }, dir: { type: "string" } },
  });
  if (!values.port || !values.dir) {
    console.error("baseline: --port and --dir are required");
    Deno.exit(2);
  }
  const dir = values.dir;
  const listener = Deno.listen({ hostname: "127.0.0.1", port: Number(values.port) });
  console.log(`raw append baseline on http://127.0.0.1:${values.port}/`);
  for await (const conn of listener) void serveConnection(conn, dir);
}
