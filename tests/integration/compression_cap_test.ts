/**
 * The cap on compressed streams over real TCP: with every place held by downloads that are not
 * read, a large file goes out whole as identity, with its own validators; once one download
 * closes, compression comes back. One worker is started here whatever WIRESERVE_TEST_WORKERS
 * says, because the cap is per isolate.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { startApp } from "../support/app_server.ts";
import { appConfig } from "../../src/app/app_config.ts";
import {
  MAX_STREAMED_COMPRESSIONS,
  streamedCompressionsRunning,
} from "../../src/app/streamed_compressions.ts";
import { STREAM_FROM_ENTRIES } from "../../src/files/listing_response.ts";

/**
 * Random base64 compresses to about 3/4: 12 MiB gives some 9 MB of gzip, far past what loopback
 * socket buffers hold (about 4 MiB of send buffer and 128 KiB of receive buffer when the client
 * does not read), so a download that is not read stays open, compressing.
 */
const FILE_BYTES = 12 * 1024 * 1024;
const SETTLE_MS = 5000;
const POLL_MS = 20;

function randomText(bytes: number): string {
  const raw = new Uint8Array((bytes / 4) * 3);
  for (let at = 0; at < raw.length; at += 65536) {
    crypto.getRandomValues(raw.subarray(at, Math.min(at + 65536, raw.length)));
  }
  return raw.toBase64();
}

/** A download whose head was read and whose body is left unread. */
interface OpenDownload {
  conn: Deno.TcpConn;
  status: number;
  headers: Map<string, string>;
}

async function openDownload(port: number, path: string): Promise<OpenDownload> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(
    new TextEncoder().encode(
      `GET ${path} HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n`,
    ),
  );
  let got = "";
  const buf = new Uint8Array(4096);
  while (!got.includes("\r\n\r\n")) {
    const n = await conn.read(buf);
    if (n === null) throw new Error("closed before the head");
    got += new TextDecoder("latin1").decode(buf.subarray(0, n));
  }
  const lines = got.slice(0, got.indexOf("\r\n\r\n")).split("\r\n");
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const i = line.indexOf(":");
    headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  return { conn, status: Number(lines[0].split(" ")[1]), headers };
}

async function until(check: () => boolean): Promise<boolean> {
  const deadline = Date.now() + SETTLE_MS;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, POLL_MS));
  return check();
}

Deno.test("a large file goes out as identity while the compressed-stream cap is full", async () => {
  const root = await Deno.makeTempDir({ prefix: "wireserve-cap-" });
  await Deno.writeTextFile(`${root}/big.txt`, randomText(FILE_BYTES));
  const srv = await startApp(appConfig({ directory: root, statCacheMs: 0 }), {}, 1);
  const open: OpenDownload[] = [];
  try {
    for (let i = 0; i < MAX_STREAMED_COMPRESSIONS; i++) {
      const d = await openDownload(srv.port, "/files/big.txt");
      open.push(d);
      assertEquals([d.status, d.headers.get("content-encoding")], [200, "gzip"]);
    }
    assertEquals(streamedCompressionsRunning(), MAX_STREAMED_COMPRESSIONS);

    const past = await openDownload(srv.port, "/files/big.txt");
    open.push(past);
    assertEquals(past.status, 200);
    assertEquals(past.headers.get("content-encoding"), undefined);
    assertEquals(past.headers.get("content-length"), String(FILE_BYTES));
    assertEquals(past.headers.get("accept-ranges"), "bytes");
    assertEquals(past.headers.get("vary"), "Accept-Encoding");
    const identityTag = past.headers.get("etag")!;
    assert(identityTag !== open[0].headers.get("etag"), "the identity form has its own ETag");

    open.shift()!.conn.close();
    assert(
      await until(() => streamedCompressionsRunning() < MAX_STREAMED_COMPRESSIONS),
      "a closed download gives its place back",
    );
    const again = await openDownload(srv.port, "/files/big.txt");
    open.push(again);
    assertEquals(again.headers.get("content-encoding"), "gzip");
  } finally {
    for (const d of open) d.conn.close();
    await srv.close();
    await Deno.remove(root, { recursive: true });
  }
  assertEquals(streamedCompressionsRunning(), 0);
});

/** The head of a HEAD request's answer: a HEAD has no body, so the head is all there is. */
async function headOnly(port: number, path: string, coding: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(
      new TextEncoder().encode(
        `HEAD ${path} HTTP/1.1\r\nHost: t\r\nAccept-Encoding: ${coding}\r\nConnection: close\r\n\r\n`,
      ),
    );
    let got = "";
    const buf = new Uint8Array(4096);
    for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) {
      got += new TextDecoder("latin1").decode(buf.subarray(0, n));
    }
    return got;
  } finally {
    conn.close();
  }
}

Deno.test("HEADs of a streamed listing give their compressed-stream places back", async () => {
  const root = await Deno.makeTempDir({ prefix: "wireserve-cap-head-" });
  await Deno.mkdir(`${root}/many`);
  for (let i = 0; i < STREAM_FROM_ENTRIES; i++) {
    await Deno.writeTextFile(`${root}/many/f${String(i).padStart(4, "0")}.txt`, "x");
  }
  const srv = await startApp(appConfig({ directory: root, statCacheMs: 0 }), {}, 1);
  try {
    // More HEADs than places: each one used to keep its place for good.
    for (let i = 0; i <= MAX_STREAMED_COMPRESSIONS; i++) {
      const html = await headOnly(srv.port, "/files/many/", "gzip");
      assert(/^content-encoding: gzip\r$/im.test(html), `HEAD ${i + 1} is compressed`);
      const json = await headOnly(srv.port, "/files/many/?format=json", "br");
      assert(/^content-encoding: br\r$/im.test(json), `HEAD ${i + 1} of the JSON is compressed`);
    }
    assert(await until(() => streamedCompressionsRunning() === 0), "every place is back");
    const listing = await openDownload(srv.port, "/files/many/");
    assertEquals(listing.headers.get("content-encoding"), "gzip");
    listing.conn.close();
  } finally {
    await srv.close();
    await Deno.remove(root, { recursive: true });
  }
  assertEquals(streamedCompressionsRunning(), 0);
});
