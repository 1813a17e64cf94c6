/** The body pump: every byte in order, pieces up to the buffer size, limits, errors, fallbacks. */

import { pumpBody } from "../../src/uploads/upload_pump.ts";
import { HttpError } from "../../src/http/errors.ts";
import type { RequestBody } from "../../src/http/types.ts";
import { assertEquals, assertRejects } from "../support/assert.ts";
import { FakeBody } from "../support/request_builder.ts";

const DATA = new Uint8Array(100_000).map((_, i) => (i * 7) & 0xff);

/** A body with `readInto` that fills at most `step` bytes per call, moving memory like a socket. */
function readIntoBody(data: Uint8Array, step: number, failAt = -1): RequestBody {
  const body = new FakeBody(data);
  let at = 0;
  return Object.assign(body, {
    readInto(view: Uint8Array): Promise<Uint8Array | null> {
      if (failAt >= 0 && at >= failAt) return Promise.reject(new HttpError("clientGone"));
      if (at >= data.length) return Promise.resolve(null);
      const n = Math.min(step, view.length, data.length - at);
      view.set(data.subarray(at, at + n));
      at += n;
      // Like a BYOB read: the caller's memory moves to a new ArrayBuffer.
      const moved = (view.buffer as ArrayBuffer).transfer();
      return Promise.resolve(new Uint8Array(moved, view.byteOffset, n));
    },
  });
}

async function collect(body: RequestBody, max: number, pieceBytes: number) {
  const pieces: number[] = [];
  const out: number[] = [];
  const total = await pumpBody(body, max, async (piece) => {
    pieces.push(piece.length);
    await new Promise((r) => setTimeout(r, 1)); // a slow disk: the next read overlaps
    out.push(...piece);
  }, pieceBytes);
  return { total, pieces, out: new Uint8Array(out) };
}

Deno.test("pumpBody delivers every byte in order in full pieces from read()", async () => {
  const got = await collect(new FakeBody(DATA, { pieceBytes: 3000 }), 1e9, 16_384);
  assertEquals(got.total, DATA.length);
  assertEquals(got.out, DATA);
  assertEquals(got.pieces.slice(0, -1).every((n) => n === 16_384), true);
});

Deno.test("pumpBody delivers every byte in order from readInto that moves the memory", async () => {
  const got = await collect(readIntoBody(DATA, 5000), 1e9, 16_384);
  assertEquals(got.out, DATA);
  assertEquals(got.pieces.slice(0, -1).every((n) => n === 16_384), true);
});

Deno.test("pumpBody splits read() pieces larger than its buffer", async () => {
  const got = await collect(new FakeBody(DATA), 1e9, 4096);
  assertEquals(got.out, DATA);
});

Deno.test("pumpBody accepts a body at its limit and refuses one byte past it with 413", async () => {
  const at = await collect(
    new FakeBody(DATA, { chunked: true, pieceBytes: 999 }),
    DATA.length,
    8192,
  );
  assertEquals(at.total, DATA.length);
  const past = new FakeBody(DATA, { chunked: true, pieceBytes: 999 });
  await assertRejects(
    () => pumpBody(past, DATA.length - 1, () => Promise.resolve(), 8192),
    (err: unknown) => err instanceof HttpError && err.kind === "contentTooLarge",
  );
});

Deno.test("pumpBody rejects with the body's error after the write in flight settles", async () => {
  let writing = 0;
  let maxWriting = 0;
  await assertRejects(
    () =>
      pumpBody(readIntoBody(DATA, 4096, 20_000), 1e9, async () => {
        writing++;
        maxWriting = Math.max(maxWriting, writing);
        await new Promise((r) => setTimeout(r, 2));
        writing--;
      }, 8192),
    (err: unknown) => err instanceof HttpError && err.kind === "clientGone",
  );
  assertEquals([writing, maxWriting], [0, 1]);
});

Deno.test("pumpBody rejects with the consumer's error", async () => {
  await assertRejects(
    () => pumpBody(new FakeBody(DATA), 1e9, () => Promise.reject(new Error("disk full")), 8192),
    { message: "disk full" },
  );
});

Deno.test("pumpBody resolves to 0 for an empty body without calling the consumer", async () => {
  let calls = 0;
  assertEquals(
    await pumpBody(new FakeBody(new Uint8Array(0)), 10, () => Promise.resolve(void calls++)),
    0,
  );
  assertEquals(calls, 0);
});

Deno.test("pumpBody hands on the bytes read before a failure, then rejects with it", async () => {
  let calls = 0;
  const body = new FakeBody(DATA, { pieceBytes: 1000 });
  const failing = Object.assign(body, {
    read(): Promise<Uint8Array | null> {
      if (++calls > 3) return Promise.reject(new HttpError("clientGone"));
      return FakeBody.prototype.read.call(body);
    },
  });
  const got: number[] = [];
  await assertRejects(
    () =>
      pumpBody(failing, Infinity, (piece) => {
        got.push(...piece);
        return Promise.resolve();
      }, 64 * 1024),
    HttpError,
  );
  assertEquals(got, [...DATA.subarray(0, 3000)]);
});
