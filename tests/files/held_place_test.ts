/** holdingPlace: the held place, and any place its source holds, come back however the body ends. */

import { holdingPlace } from "../../src/files/held_place.ts";
import { discardBody } from "../../src/http/discard_body.ts";
import {
  compressStreamInPlace,
  streamedCompressionsRunning,
} from "../../src/app/streamed_compressions.ts";
import { assert, assertEquals } from "../support/assert.ts";

const piece = new TextEncoder().encode("a listing row\n".repeat(100));

async function* rows(n = 3): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < n; i++) yield piece;
}

/** A held body over a compressed stream, as a large listing with Accept-Encoding is. */
function heldCompressed(): { body: AsyncIterable<Uint8Array>; releases: () => number } {
  let releases = 0;
  const compressed = compressStreamInPlace(rows(), "gzip");
  assert(compressed !== null, "a place is free");
  const body = holdingPlace(compressed, () => releases++);
  return { body, releases: () => releases };
}

Deno.test("holdingPlace cancels an unstarted source when its body is discarded unsent", async () => {
  const { body, releases } = heldCompressed();
  assertEquals(streamedCompressionsRunning(), 1);
  // What the writer does with the body of a HEAD, or of an answer whose client has gone.
  await discardBody({ kind: "stream", stream: body });
  assertEquals([releases() > 0, streamedCompressionsRunning()], [true, 0]);
});

Deno.test("holdingPlace ends an unstarted source when its iterator is returned", async () => {
  const { body, releases } = heldCompressed();
  await body[Symbol.asyncIterator]().return?.();
  assertEquals([releases() > 0, streamedCompressionsRunning()], [true, 0]);
});
