/**
 * `sendFileBody`: the exact bytes of a file range, a short body read in one synchronous call
 * (no round trip to a runtime thread), a long one in overlapped pieces, and a file that ends
 * early refused, never padded.
 */

import { sendFileBody, SYNC_READ_MAX_BYTES } from "../../src/http/file_sender.ts";
import { assert, assertEquals } from "../support/assert.ts";

const SIZE = 3 * SYNC_READ_MAX_BYTES + 123;

async function withFile(fn: (path: string, bytes: Uint8Array) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-sender-" });
  const bytes = new Uint8Array(SIZE).map((_, i) => (i * 7 + (i >> 8)) & 0xff);
  try {
    await Deno.writeFile(`${dir}/f.bin`, bytes);
    await fn(`${dir}/f.bin`, bytes);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Sends `length` bytes from `offset` through buffers of `bufBytes`; what was written, joined. */
async function send(
  file: Deno.FsFile,
  offset: number,
  length: number,
  bufBytes: number,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const buffers: [Uint8Array, Uint8Array] = [new Uint8Array(bufBytes), new Uint8Array(bufBytes)];
  const sent = await sendFileBody({ kind: "file", file, offset, length }, buffers, (b) => {
    parts.push(b.slice());
    return Promise.resolve();
  });
  assertEquals(sent, length);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}

Deno.test("a short range is read in one synchronous call, its exact bytes", async () => {
  await withFile(async (path, bytes) => {
    const file = await Deno.open(path);
    // The asynchronous calls must not be used for a body one read covers.
    file.read = () => Promise.reject(new Error("async read used"));
    file.seek = () => Promise.reject(new Error("async seek used"));
    assertEquals(await send(file, 1000, 1000, 1000), bytes.subarray(1000, 2000));
  });
});

Deno.test("a long body goes in overlapped pieces, its exact bytes", async () => {
  await withFile(async (path, bytes) => {
    const file = await Deno.open(path);
    const length = SIZE - 5;
    assertEquals(await send(file, 5, length, SYNC_READ_MAX_BYTES), bytes.subarray(5));
  });
});

Deno.test("a file shorter than the body announced fails, on either path", async () => {
  await withFile(async (path) => {
    for (const [offset, length] of [[SIZE - 10, 20], [10, SIZE]]) {
      const file = await Deno.open(path);
      const err = await send(file, offset, length, Math.min(length, SYNC_READ_MAX_BYTES))
        .catch((e) => e);
      assert(err instanceof Error && /ended before/.test(err.message), String(err));
    }
  });
});
