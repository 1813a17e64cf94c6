/**
 * File responses without sockets: how representation selection meets the preconditions
 * (RFC 9110 §13.2.2) when the isolate's cap on streamed compressions is full.
 */

import { withSuffix } from "../../src/app/etag.ts";
import {
  compressStreamInPlace,
  MAX_STREAMED_COMPRESSIONS,
  type PlacedStream,
  streamedCompressionsRunning,
} from "../../src/app/streamed_compressions.ts";
import { SMALL_FILE_MAX_BYTES } from "../../src/files/file_facts.ts";
import type { HttpResponse } from "../../src/http/types.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { buildRequest, header } from "../support/request_builder.ts";
import { plainServedRoot } from "./served_root_fixture.ts";

const SUBSTANTIAL_TTL_MS = 60_000;
/** Larger than the cache keeps in memory, so a compressed answer would stream. */
const LARGE_TEXT = "a compressible line of text\n".repeat(SMALL_FILE_MAX_BYTES / 16);

/** A source that never yields: the places it holds stay taken until cancelled. */
const NEVER: AsyncIterable<Uint8Array> = {
  [Symbol.asyncIterator]: () => ({ next: () => new Promise(() => {}) }),
};

/** Runs `fn` with every place for a streamed compression taken. */
async function withCapFull(fn: () => Promise<void>): Promise<void> {
  const held: PlacedStream[] = [];
  try {
    for (let i = 0; i < MAX_STREAMED_COMPRESSIONS; i++) {
      held.push(compressStreamInPlace(NEVER, "gzip")!);
    }
    assertEquals(streamedCompressionsRunning(), MAX_STREAMED_COMPRESSIONS);
    await fn();
  } finally {
    for (const stream of held) await stream.cancel();
  }
}

/** Closes what a response body holds open (a file), so the test leaks nothing. */
function release(res: HttpResponse): void {
  const body = res.body;
  if (typeof body === "object" && body !== null && "kind" in body && body.kind === "file") {
    body.file.close();
  }
}

Deno.test("a revalidation of the compressed form is a 304 while the compressed-stream cap is full", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wireserve-rep-" }));
  try {
    await Deno.writeTextFile(`${root}/big.txt`, LARGE_TEXT);
    const served = plainServedRoot(root, SUBSTANTIAL_TTL_MS);
    const fsPath = `${root}/big.txt`;
    const facts = await served.lookup(fsPath);
    assert(facts.kind === "file" && facts.bytes === null, "a large file is opened per request");
    const gzipTag = withSuffix(facts.etag, "gzip");
    await withCapFull(async () => {
      for (const method of ["GET", "HEAD"]) {
        const req = buildRequest({
          method,
          target: "/big.txt",
          headers: [["Host", "t"], ["Accept-Encoding", "gzip"], ["If-None-Match", gzipTag]],
        });
        const res = await served.serve(req, fsPath, facts);
        release(res);
        assertEquals(res.status, 304, `${method}: the cached gzip form is still current`);
        assertEquals(header(res, "etag"), gzipTag);
        assertEquals(header(res, "vary"), "Accept-Encoding");
      }
      // The identity form a busy server sent earlier still revalidates too.
      const identity = buildRequest({
        target: "/big.txt",
        headers: [["Host", "t"], ["Accept-Encoding", "gzip"], ["If-None-Match", facts.etag]],
      });
      const res = await served.serve(identity, fsPath, facts);
      release(res);
      assertEquals([res.status, header(res, "etag")], [304, facts.etag]);
    });
    assertEquals(streamedCompressionsRunning(), 0);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/** Cancels a streamed body so the compression place it holds is given back. */
async function drop(res: HttpResponse): Promise<void> {
  release(res);
  const body = res.body;
  if (typeof body === "object" && body !== null && "kind" in body && body.kind === "stream") {
    await (body.stream as Partial<PlacedStream>).cancel?.(); // HEAD's empty stream has none
  }
}

Deno.test("a compressed 200 has no Accept-Ranges; the identity 200, its HEAD and a 206 have", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wireserve-rep-" }));
  try {
    const small = "a compressible line of text\n".repeat(100); // kept in memory, over 1 KiB
    await Deno.writeTextFile(`${root}/small.txt`, small);
    await Deno.writeTextFile(`${root}/big.txt`, LARGE_TEXT);
    await Deno.writeTextFile(`${root}/app.js`, "var a = 1;\n");
    await Deno.writeFile(`${root}/app.js.br`, new Uint8Array([0x0b, 0x05, 0x80]));
    const served = plainServedRoot(root, SUBSTANTIAL_TTL_MS);
    const ask = async (name: string, method: string, fields: Array<[string, string]>) => {
      const fsPath = `${root}/${name}`;
      const facts = await served.lookup(fsPath);
      assert(facts.kind === "file", name);
      const req = buildRequest({ method, target: `/${name}`, headers: [["Host", "t"], ...fields] });
      const res = await served.serve(req, fsPath, facts);
      await drop(res);
      return res;
    };
    for (const [name, coding] of [["small.txt", "gzip"], ["big.txt", "gzip"], ["app.js", "br"]]) {
      for (const method of ["GET", "HEAD"]) {
        const coded = await ask(name, method, [["Accept-Encoding", coding]]);
        const at = `${method} ${name}`;
        assertEquals([coded.status, header(coded, "content-encoding")], [200, coding], at);
        assertEquals(header(coded, "accept-ranges"), undefined, `${at}: coded`);
        const plain = await ask(name, method, []);
        assertEquals([plain.status, header(plain, "accept-ranges")], [200, "bytes"], at);
      }
      const part = await ask(name, "GET", [["Accept-Encoding", coding], ["Range", "bytes=0-3"]]);
      assertEquals([part.status, header(part, "content-encoding")], [206, undefined], name);
      assertEquals(header(part, "accept-ranges"), "bytes", name);
    }
    assertEquals(streamedCompressionsRunning(), 0);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
