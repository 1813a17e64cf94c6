/**
 * `holdingEntries`: a large answer takes its places of the server-wide count of held entries
 * before it is made, is refused with 503 past the cap, and gives them back however its body
 * ends — read to the end, failed, cancelled midway, or discarded before its first piece; and a
 * streamed listing leaves the event loop a turn between its pieces.
 */

import {
  type HeldEntries,
  heldEntries,
  holdingEntries,
  listingResponse,
} from "../../src/files/listing_response.ts";
import { localCount } from "../../src/http/shared_count.ts";
import type { HttpResponse, StreamBody } from "../../src/http/types.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { buildRequest } from "../support/request_builder.ts";
import { plainServedRoot } from "./served_root_fixture.ts";

/** An answer whose body yields `pieces` pieces, failing at `failAt` if given. */
function answer(pieces: number, failAt = -1): () => HttpResponse {
  return () => ({
    status: 200,
    body: {
      kind: "stream",
      stream: (async function* () {
        for (let i = 0; i < pieces; i++) {
          if (i === failAt) throw new Error("disk gone");
          yield new Uint8Array([i]);
        }
      })(),
    },
  });
}

function streamOf(res: HttpResponse): AsyncIterable<Uint8Array> {
  return (res.body as StreamBody).stream;
}

function smallCap(): HeldEntries {
  return heldEntries(localCount(), 100);
}

Deno.test("holdingEntries refuses past the cap with 503 and Retry-After: 5", () => {
  const held = smallCap();
  const first = holdingEntries(held, 60, answer(1));
  assertEquals([first.status, held.count.value], [200, 60]);
  const refused = holdingEntries(held, 60, answer(1));
  assertEquals(refused.status, 503);
  assertEquals(refused.headers?.find(([n]) => n === "Retry-After")?.[1], "5");
  assertEquals(held.count.value, 60, "a refused answer takes nothing");
});

Deno.test("holdingEntries gives the place back when the stream is cancelled midway", async () => {
  const held = smallCap();
  const res = holdingEntries(held, 80, answer(3));
  const pieces = streamOf(res)[Symbol.asyncIterator]();
  await pieces.next();
  assertEquals(held.count.value, 80);
  await pieces.return!(); // the client went away
  assertEquals(held.count.value, 0);
  await pieces.return!(); // given back once, however often asked
  assertEquals(held.count.value, 0);
});

Deno.test("holdingEntries gives the place back when the body is discarded unsent (HEAD)", async () => {
  const held = smallCap();
  const res = holdingEntries(held, 80, answer(3));
  // The writer drops a HEAD's body before its first piece: a generator never started.
  await streamOf(res)[Symbol.asyncIterator]().return!();
  assertEquals(held.count.value, 0);
});

Deno.test("holdingEntries gives the place back at the end of the stream and when it fails", async () => {
  const held = smallCap();
  const read = holdingEntries(held, 50, answer(3));
  const failing = holdingEntries(held, 50, answer(3, 1));
  assertEquals(held.count.value, 100);
  for await (const _ of streamOf(read));
  assertEquals(held.count.value, 50);
  let failed = false;
  try {
    for await (const _ of streamOf(failing));
  } catch {
    failed = true;
  }
  assertEquals([failed, held.count.value], [true, 0]);
});

Deno.test("holdingEntries lets one answer larger than the cap through alone", async () => {
  const held = smallCap();
  const big = holdingEntries(held, 5_000, answer(1));
  assertEquals([big.status, held.count.value], [200, 100]);
  assertEquals(holdingEntries(held, 1, answer(1)).status, 503);
  for await (const _ of streamOf(big));
  assertEquals(held.count.value, 0);
});

Deno.test("a streamed listing gives the event loop a turn between its pieces", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-turns-" });
  try {
    await Promise.all(
      Array.from({ length: 1_500 }, (_, i) => Deno.writeTextFile(`${dir}/f${i}`, "x")),
    );
    const res = await listingResponse(
      buildRequest({ target: "/files/?format=json" }),
      plainServedRoot(dir, 0),
      "/files/",
      [],
      { fsPath: dir, realDir: dir },
      { maxEntries: 10_000, held: heldEntries() },
    );
    // A client that takes every piece at once (a socket with room): a timer set now must still
    // run before the page ends, or every other connection of the worker waits for it.
    let turned = false;
    const timer = setTimeout(() => turned = true, 0);
    let piecesBeforeTurn = 0;
    for await (const _ of streamOf(res)) if (!turned) piecesBeforeTurn++;
    clearTimeout(timer);
    assert(turned && piecesBeforeTurn < 3, `${piecesBeforeTurn} pieces before a turn`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
