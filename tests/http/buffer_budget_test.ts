/**
 * The shared budget for large transfer buffers grants while it lasts.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { BufferBudget } from "../../src/http/buffer_budget.ts";

Deno.test("budget grants up to its total and again after a release", () => {
  const b = new BufferBudget(10);
  assert(b.acquire(6));
  assert(!b.acquire(5), "only 4 left");
  assert(b.acquire(4));
  assertEquals(b.left, 0);
  b.release(6);
  assert(b.acquire(5));
});
