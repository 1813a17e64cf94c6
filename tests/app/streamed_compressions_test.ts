/** The per-isolate cap on compressed streams: places are taken, refused past the cap, given back. */

import { gunzipSync } from "node:zlib";
import {
  compressStreamInPlace,
  MAX_STREAMED_COMPRESSIONS,
  type PlacedStream,
  streamedCompressionsRunning,
} from "../../src/app/streamed_compressions.ts";
import { assert, assertEquals, assertRejects } from "../support/assert.ts";

const piece = new TextEncoder().encode("compress me ".repeat(200));

async function* pieces(n = 3): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < n; i++) yield piece;
}

async function* failing(): AsyncGenerator<Uint8Array> {
  yield piece;
  throw new Error("source failed");
}

/** Takes every place; the streams come back to be released by each test. */
function fillPlaces(): PlacedStream[] {
  const held: PlacedStream[] = [];
  for (let i = 0; i < MAX_STREAMED_COMPRESSIONS; i++) {
    const s = compressStreamInPlace(pieces(), "gzip");
    assert(s !== null, `place ${i + 1} is free`);
    held.push(s);
  }
  return held;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function drain(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const p of stream) out.push(p);
  return out;
}

Deno.test("compressStreamInPlace refuses a stream past the cap and takes it once one ends", async () => {
  assertEquals(streamedCompressionsRunning(), 0);
  const held = fillPlaces();
  assertEquals(streamedCompressionsRunning(), MAX_STREAMED_COMPRESSIONS);
  assertEquals(compressStreamInPlace(pieces(), "gzip"), null);
  const out = await drain(held[0]);
  assertEquals(gunzipSync(concat(out)).length, piece.length * 3);
  assertEquals(streamedCompressionsRunning(), MAX_STREAMED_COMPRESSIONS - 1);
  const again = compressStreamInPlace(pieces(), "br");
  assert(again !== null, "the place came back");
  for (const s of [again, ...held.slice(1)]) await s.cancel();
  assertEquals(streamedCompressionsRunning(), 0);
});

Deno.test("compressStreamInPlace gives the place back on cancel, early stop and error", async () => {
  let closes = 0;
  const cancelled = compressStreamInPlace(pieces(), "gzip", () => closes++)!;
  await cancelled.cancel();
  await cancelled.cancel();
  assertEquals([streamedCompressionsRunning(), closes], [0, 1]);

  const stopped = compressStreamInPlace(pieces(100), "br", () => closes++)!;
  for await (const _ of stopped) break;
  assertEquals([streamedCompressionsRunning(), closes], [0, 2]);

  const broken = compressStreamInPlace(failing(), "gzip", () => closes++)!;
  await assertRejects(() => drain(broken));
  assertEquals([streamedCompressionsRunning(), closes], [0, 3]);
});

Deno.test("compressStreamInPlace cancels the source of a stream that never started", async () => {
  let sourceCancelled = false;
  const source = new ReadableStream<Uint8Array>({
    cancel() {
      sourceCancelled = true;
    },
  });
  const s = compressStreamInPlace(source, "gzip")!;
  await s.cancel();
  assert(sourceCancelled, "the source was cancelled");
  assertEquals(streamedCompressionsRunning(), 0);
});
