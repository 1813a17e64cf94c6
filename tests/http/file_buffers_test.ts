/**
 * The file buffer pair: full-size while the budget lasts, small past it, reused, given back —
 * the last one let go of kept as the isolate's spare until an idle spell drops it.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { BufferBudget } from "../../src/http/buffer_budget.ts";
import {
  dropSpareFileBuffers,
  FileBuffers,
  SMALL_FILE_CHUNK_BYTES,
} from "../../src/http/file_buffers.ts";

const BIG = 4 * SMALL_FILE_CHUNK_BYTES;

Deno.test("file buffers are full-size and charged to the budget while it lasts", () => {
  dropSpareFileBuffers();
  const budget = new BufferBudget(2 * BIG);
  const buffers = new FileBuffers(budget);
  const [a, b] = buffers.pair(BIG);
  assertEquals([a.length, b.length], [BIG, BIG]);
  assert(a !== b, "two distinct buffers");
  assertEquals(budget.left, 0);
  buffers.release();
  assertEquals(budget.left, 2 * BIG, "a spare pair is charged to no budget");
  dropSpareFileBuffers();
});

Deno.test("file buffers fall back to small ones, charging nothing, when the budget is spent", () => {
  dropSpareFileBuffers();
  const budget = new BufferBudget(2 * BIG - 1);
  const buffers = new FileBuffers(budget);
  const [a, b] = buffers.pair(BIG);
  assertEquals([a.length, b.length], [SMALL_FILE_CHUNK_BYTES, SMALL_FILE_CHUNK_BYTES]);
  assertEquals(budget.left, 2 * BIG - 1);
  buffers.release();
  assertEquals(budget.left, 2 * BIG - 1);
  dropSpareFileBuffers();
});

Deno.test("file buffers are reused for a size they cover and replaced for a larger one", () => {
  dropSpareFileBuffers();
  const budget = new BufferBudget(10 * BIG);
  const buffers = new FileBuffers(budget);
  const first = buffers.pair(BIG / 2);
  assertEquals(buffers.pair(BIG / 4), first);
  assert(buffers.pair(BIG / 2) === first, "same pair for the same size");
  const larger = buffers.pair(BIG);
  assertEquals(larger[0].length, BIG);
  // The smaller pair's charge went back when it was replaced (it is the spare now).
  assertEquals(budget.left, 10 * BIG - 2 * BIG);
  buffers.release();
  assertEquals(budget.left, 10 * BIG);
  dropSpareFileBuffers();
});

Deno.test("a pair let go of serves the next file response on another connection", () => {
  dropSpareFileBuffers();
  const budget = new BufferBudget(10 * BIG);
  const one = new FileBuffers(budget);
  const pair = one.pair(BIG);
  one.release(); // the connection waits for its next request
  assertEquals(budget.left, 10 * BIG);
  const other = new FileBuffers(budget);
  assert(other.pair(BIG / 2) === pair, "the spare, not a new allocation");
  assertEquals(budget.left, 10 * BIG - 2 * BIG, "charged again when taken");
  // Taken, it is no longer spare: a third connection allocates its own.
  const third = new FileBuffers(budget);
  assert(third.pair(BIG) !== pair);
  other.release();
  third.release();
  assertEquals(budget.left, 10 * BIG, "everything given back");
  dropSpareFileBuffers();
});

Deno.test("a spare pair the budget cannot cover now is not taken", () => {
  dropSpareFileBuffers();
  const roomy = new FileBuffers(new BufferBudget(10 * BIG));
  const pair = roomy.pair(BIG);
  roomy.release();
  const tight = new FileBuffers(new BufferBudget(BIG));
  const got = tight.pair(BIG);
  assert(got !== pair, "a small pair instead");
  assertEquals(got[0].length, SMALL_FILE_CHUNK_BYTES);
  dropSpareFileBuffers();
});
