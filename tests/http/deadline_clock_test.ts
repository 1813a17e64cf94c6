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

Deno.test("clock keeps sweeping every other member after one in the middle is deleted", () => {
  const clock = new DeadlineClock(1000);
  const expired: string[] = [];
  const make = (name: string) => ({ deadline: 100, expire: () => expired.push(name) });
  const [a, b, c, d] = [make("a"), make("b"), make("c"), make("d")];
  for (const m of [a, b, c, d]) clock.add(m);
  clock.delete(b);
  clock.delete(b); // not watched any more: ignored
  clock.delete({ deadline: 1, expire: () => {} }); // never added: ignored
  assertEquals(clock.size, 3);
  clock.sweep(100);
  assertEquals(expired.sort(), ["a", "c", "d"]);
  for (const m of [a, c, d]) clock.delete(m);
  assertEquals(clock.size, 0);
});

Deno.test("clock adds a member once however often it is added", () => {
  const clock = new DeadlineClock(1000);
  let expired = 0;
  const m = { deadline: 100, expire: () => expired++ };
  clock.add(m);
  clock.add(m);
  assertEquals(clock.size, 1);
  clock.sweep(100);
  assertEquals(expired, 1);
  clock.delete(m);
  assertEquals(clock.size, 0);
});

Deno.test("a member whose expiry deletes it does not make the sweep skip another", () => {
  const clock = new DeadlineClock(1000);
  const expired: string[] = [];
  const make = (name: string) => {
    const m = {
      deadline: 100,
      expire: () => {
        expired.push(name);
        clock.delete(m); // as a connection's end does
      },
    };
    return m;
  };
  for (const name of ["a", "b", "c", "d", "e"]) clock.add(make(name));
  clock.sweep(100);
  assertEquals([expired.sort(), clock.size], [["a", "b", "c", "d", "e"], 0]);
});

Deno.test("tick is a quarter of the shortest timeout within 5 to 250 ms", () => {
  assertEquals(tickFor([10_000, 5_000]), 250);
  assertEquals(tickFor([200, 5_000]), 50);
  assertEquals(tickFor([8]), 5);
});

Deno.test("a late tick sweeps only up to when it was due; the next tick sweeps the rest", () => {
  const tickMs = 100;
  const clock = new DeadlineClock(tickMs);
  const start = Date.now();
  const expired: string[] = [];
  // Passed before the tick was due: a client silent all along.
  const early = { deadline: start + 50, expire: () => expired.push("early") };
  // Passed while the loop was blocked: its request may be waiting unread.
  const duringStall = { deadline: start + 1000, expire: () => expired.push("during the stall") };
  clock.add(early);
  clock.add(duringStall);
  clock.tick(start + 1500); // 1.4 s late
  assertEquals(expired, ["early"]);
  clock.tick(start + 1500 + tickMs); // on time: the loop has run meanwhile
  assertEquals(expired, ["early", "during the stall"]);
  clock.delete(early);
  clock.delete(duringStall);
});

Deno.test("a loop late at every tick still expires a deadline, a tick later", () => {
  const tickMs = 100;
  const clock = new DeadlineClock(tickMs);
  const start = Date.now();
  let expired = 0;
  const m = { deadline: start + 500, expire: () => expired++ };
  clock.add(m);
  let now = start;
  const ticks: number[] = [];
  while (expired === 0 && ticks.length < 10) {
    now += tickMs + 400; // every tick 400 ms late
    clock.tick(now);
    ticks.push(now - start);
  }
  assertEquals(expired, 1);
  assertEquals(ticks, [500, 1000], "due at the first tick's time + tickMs = 600, swept at 1000");
  clock.delete(m);
});
