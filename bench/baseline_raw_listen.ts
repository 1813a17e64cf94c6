/**
 * The fixed shape's ceiling, a reference for `bench/workers_bench.ts`: the least a server built
 * the way wireserve must be built can do — `Deno.listen`, each connection read through a BYOB
 * reader over `conn.readable`, answers written with `conn.write` — with no parsing, routing or
 * bookkeeping at all. Every request head gets the same canned answer (exactly the body and
 * Content-Type it is given); `Connection: close` anywhere in the bytes read makes it the last.
 *
 * It is not an HTTP server (it trusts wrk's requests to come whole, bodiless, and to end each
 * read); its figures say how much of a gap to Deno.serve or nginx is the runtime's and the
 * shape's rather than ours.
 *
 * With `--workers N` it runs N isolates on the port (SO_REUSEPORT), as `--workers` does.
 *
 * Usage: deno run -A --unstable-net bench/baseline_raw_listen.ts --port <n> --body-file <path>
 *          --content-type <t> [--workers <n>]
 * @module
 */

import { parseArgs } from "node:util";

/** How many bytes one read may bring (wrk's requests are far smaller). */
const READ_BYTES = 16 * 1024;
const CR = 0x0d;
const LF = 0x0a;
const encoder = new TextEncoder();
/** "connection: close", lower-cased, as the bytes to look for. */
const CLOSE = encoder.encode("connection: close");

interface Settings {
  port: number;
  body: Uint8Array;
  contentType: string;
}

/** The canned answer: head and body in one buffer, kept alive or closing. */
function answer(s: Settings, close: boolean): Uint8Array {
  const head = encoder.encode(
    `HTTP/1.1 200 OK\r\nContent-Type: ${s.contentType}\r\nContent-Length: ${s.body.length}\r\n` +
      (close ? "Connection: close\r\n" : "") + "\r\n",
  );
  const out = new Uint8Array(head.length + s.body.length);
  out.set(head);
  out.set(s.body, head.length);
  return out;
}

/** How many request heads (CRLF CRLF) `bytes` ends, and whether it asks to close. */
function scan(bytes: Uint8Array): { heads: number; close: boolean } {
  let heads = 0;
  for (let i = 3; i < bytes.length; i++) {
    if (bytes[i] === LF && bytes[i - 1] === CR && bytes[i - 2] === LF && bytes[i - 3] === CR) {
      heads++;
    }
  }
  return { heads, close: includesLower(bytes, CLOSE) };
}

function includesLower(bytes: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      const c = bytes[i + j];
      if ((c >= 0x41 && c <= 0x5a ? c + 0x20 : c) !== needle[j]) continue outer;
    }
    return true;
  }
  return false;
}

async function serveConnection(conn: Deno.Conn, keep: Uint8Array, last: Uint8Array) {
  const reader = conn.readable.getReader({ mode: "byob" });
  let buf = new Uint8Array(READ_BYTES);
  try {
    (conn as Deno.TcpConn).setNoDelay(true);
    for (;;) {
      const { value, done } = await reader.read(buf);
      if (done || value === undefined) break;
      const { heads, close } = scan(value);
      buf = new Uint8Array(value.buffer);
      if (close) {
        await conn.write(last);
        break;
      }
      for (let i = 0; i < heads; i++) await conn.write(keep);
    }
  } catch {
    // the client went away: nothing to answer
  }
  try {
    conn.close();
  } catch {
    // closed already
  }
}

async function serve(s: Settings): Promise<void> {
  const keep = answer(s, false);
  const last = answer(s, true);
  const listener = Deno.listen({ hostname: "127.0.0.1", port: s.port, reusePort: true });
  for await (const conn of listener) void serveConnection(conn, keep, last);
}

/** Worker isolates get their settings in a message. */
const scope = globalThis as unknown as {
  WorkerGlobalScope?: unknown;
  onmessage: ((e: MessageEvent<Settings>) => void) | null;
};
if (scope.WorkerGlobalScope !== undefined) {
  scope.onmessage = (e) => void serve(e.data);
} else {
  const { values } = parseArgs({
    args: Deno.args,
    strict: true,
    options: {
      port: { type: "string" },
      "body-file": { type: "string" },
      "content-type": { type: "string" },
      workers: { type: "string", default: "1" },
    },
  });
  if (!values.port || !values["body-file"] || !values["content-type"]) {
    console.error("baseline: --port, --body-file and --content-type are required");
    Deno.exit(2);
  }
  const settings: Settings = {
    port: Number(values.port),
    body: await Deno.readFile(values["body-file"]),
    contentType: values["content-type"],
  };
  for (let i = 1; i < Number(values.workers); i++) {
    new Worker(import.meta.url, { type: "module" }).postMessage(settings);
  }
  console.log(`raw Deno.listen baseline on http://127.0.0.1:${settings.port}/`);
  await serve(settings);
}
