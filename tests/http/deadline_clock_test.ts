/**
 * The shared deadline clock: expiry once, at or after the deadline, never before.
 */

import { assertEquals } from "../support/assert.ts";
import { DeadlineClock, tickFor } from "../../src/http/deadline_clock.ts";

Deno.test("clock expires a member whose deadline has passed, once", () => {
  const clock = new DeadlineClock(1000);
  let expired = 0;
  const m = { deadline: 100, expire: () => expired++ };
  clock.add(m);
  clock.sweep(99);
  assertEquals(expired, 0, "not before the deadline");
  clock.sweep(100);
  clock.sweep(200);
  assertEquals([expired, m.deadline], [1, 0]);
  clock.delete(m);
});

Deno.test("clock ignores members without a deadline", () => {
  const clock = new DeadlineClock(1000);
  let expired = 0;
  const m = { deadline: 0, expire: () => expired++ };
  clock.add(m);
  clock.sweep(Number.MAX_SAFE_INTEGER);
  assertEquals(expired, 0);
  clock.delete(m);
});

Deno.test("tick is a quarter of the shortest timeout within 5 to 250 ms", () => {
  assertEquals(tickFor([10_000, 5_000]), 250);
  assertEquals(tickFor([200, 5_000]), 50);
  assertEquals(tickFor([8]), 5);
});
