/**
 * The file buffer pair: full-size while the budget lasts, small past it, reused, given back.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { BufferBudget } from "../../src/http/buffer_budget.ts";
import { FileBuffers, SMALL_FILE_CHUNK_BYTES } from "../../src/http/file_buffers.ts";

const BIG = 4 * SMALL_FILE_CHUNK_BYTES;

Deno.test("file buffers are full-size and charged to the budget while it lasts", () => {
  const budget = new BufferBudget(2 * BIG);
  const buffers = new FileBuffers(budget);
  const [a, b] = buffers.pair(BIG);
  assertEquals([a.length, b.length], [BIG, BIG]);
  assert(a !== b, "two distinct buffers");
  assertEquals(budget.left, 0);
  buffers.release();
  assertEquals(budget.left, 2 * BIG);
});

Deno.test("file buffers fall back to small ones, charging nothing, when the budget is spent", () => {
  const budget = new BufferBudget(2 * BIG - 1);
  const buffers = new FileBuffers(budget);
  const [a, b] = buffers.pair(BIG);
  assertEquals([a.length, b.length], [SMALL_FILE_CHUNK_BYTES, SMALL_FILE_CHUNK_BYTES]);
  assertEquals(budget.left, 2 * BIG - 1);
  buffers.release();
  assertEquals(budget.left, 2 * BIG - 1);
});

Deno.test("file buffers are reused for a size they cover and replaced for a larger one", () => {
  const budget = new BufferBudget(10 * BIG);
  const buffers = new FileBuffers(budget);
  const first = buffers.pair(BIG / 2);
  assertEquals(buffers.pair(BIG / 4), first);
  assert(buffers.pair(BIG / 2) === first, "same pair for the same size");
  const larger = buffers.pair(BIG);
  assertEquals(larger[0].length, BIG);
  // The smaller pair's charge went back when it was replaced.
  assertEquals(budget.left, 10 * BIG - 2 * BIG);
  buffers.release();
  assertEquals(budget.left, 10 * BIG);
});
