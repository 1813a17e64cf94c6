/**
 * Search turns (src/files/search_turns.ts): at most so many searches run in a worker, the next
 * wait in order, and past the waiting bound one is refused — also through `searchResponse`, which
 * answers that 503 and searches once its turn comes.
 */

import { join } from "node:path";
import { SearchTurns } from "../../src/files/search_turns.ts";
import { searchResponse } from "../../src/files/listing_response.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { buildRequest } from "../support/request_builder.ts";
import { plainServedRoot } from "./served_root_fixture.ts";

Deno.test("SearchTurns runs so many at once, queues the next in order, refuses past the queue", async () => {
  const turns = new SearchTurns(2, 2);
  assertEquals([turns.take(), turns.take()], [true, true]);
  const order: string[] = [];
  const third = turns.take();
  const fourth = turns.take();
  assert(third instanceof Promise && fourth instanceof Promise, "waiting");
  third.then(() => order.push("third"));
  fourth.then(() => order.push("fourth"));
  assertEquals(turns.take(), false, "the queue is full");
  assertEquals([turns.running, turns.waiting], [2, 2]);
  turns.release();
  await third;
  assertEquals([order, turns.running, turns.waiting], [["third"], 2, 1]);
  turns.release();
  await fourth;
  turns.release();
  turns.release();
  assertEquals([order, turns.running, turns.waiting], [["third", "fourth"], 0, 0]);
});

Deno.test("searchResponse answers 503 past the waiting searches, and searches once its turn comes", async () => {
  const root = await Deno.makeTempDir({ prefix: "wireserve-search-turns-" });
  try {
    await Deno.writeTextFile(join(root, "photo.jpg"), "x");
    const served = plainServedRoot(root, 0);
    const req = buildRequest({ target: "/files/?q=photo&format=json" });
    const turns = new SearchTurns(1, 1);
    assertEquals(turns.take(), true); // another search runs
    const waiting = searchResponse(req, served, "/files/", [], root, "photo", undefined, turns);
    const refused = await searchResponse(
      req,
      served,
      "/files/",
      [],
      root,
      "photo",
      undefined,
      turns,
    );
    assertEquals(refused.status, 503);
    turns.release();
    const answered = await waiting;
    assertEquals(answered.status, 200);
    assertEquals(turns.running, 0, "its turn is given back");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
