/** A server that went quiet after work gives its grown heap back with one full collection. */

import { getHeapSpaceStatistics } from "node:v8";
import {
  fullCollection,
  GROWTH_BYTES,
  heapAndBufferBytes,
  IdleReclaimer,
  reclaimWhenIdle,
  RSS_GROWTH_BYTES,
} from "../../src/app/idle_memory.ts";
import { assert, assertEquals } from "../support/assert.ts";

const MIB = 1024 * 1024;

const QUIET = 3;

/** `n` ticks; what each returned. */
function ticks(reclaimer: IdleReclaimer, n: number): boolean[] {
  return Array.from({ length: n }, () => reclaimer.tick());
}

/** A fresh reclaimer over a settable request count and heap size, recording its collections. */
function started(heap = 10 * MIB) {
  const state = { requests: 0, heap, collections: 0 };
  const reclaimer = new IdleReclaimer({
    activity: () => state.requests,
    heapBytes: () => state.heap,
    collect: () => {
      state.collections++;
      state.heap = 10 * MIB;
    },
  }, QUIET);
  return { state, reclaimer };
}

/** A reclaimer past its start's collection, its count reset. */
function watched(heap = 10 * MIB) {
  const w = started(heap);
  assertEquals(ticks(w.reclaimer, QUIET).at(-1), true, "the start's collection");
  w.state.collections = 0;
  w.state.heap = heap;
  return w;
}

Deno.test("IdleReclaimer collects the start's garbage once, after the first quiet spell", () => {
  const { state, reclaimer } = started(2 * MIB); // however little the heap holds
  assertEquals(ticks(reclaimer, QUIET), [false, false, true]);
  assertEquals(state.collections, 1);
  assertEquals(ticks(reclaimer, 3 * QUIET).includes(true), false, "once: no work since");
  const busy = started(64 * MIB); // a server busy from its first second
  for (let i = 0; i < 10; i++) {
    busy.state.requests++;
    assertEquals(busy.reclaimer.tick(), false);
  }
  assertEquals(ticks(busy.reclaimer, QUIET).at(-1), true, "then quiet: collected");
});

Deno.test("IdleReclaimer collects once the count has stood still for its quiet ticks after work", () => {
  const { state, reclaimer } = watched();
  assertEquals(ticks(reclaimer, QUIET + 1), [false, false, false, false], "no work yet");
  state.requests = 500;
  state.heap = 30 * MIB;
  assertEquals(reclaimer.tick(), false, "working");
  assertEquals(ticks(reclaimer, QUIET - 1), [false, false], "quiet, not yet long enough");
  state.requests = 900; // a burst again: the quiet spell starts over
  assertEquals(reclaimer.tick(), false);
  assertEquals(ticks(reclaimer, QUIET - 1), [false, false]);
  assertEquals(state.collections, 0);
  assertEquals(reclaimer.tick(), true, `quiet for ${QUIET} ticks`);
  assertEquals(state.collections, 1);
  assertEquals(ticks(reclaimer, 2 * QUIET), Array(2 * QUIET).fill(false), "once per quiet spell");
  assertEquals(state.collections, 1);
});

Deno.test("IdleReclaimer leaves a heap that did not grow enough alone", () => {
  const { state, reclaimer } = watched();
  state.requests = 3; // a trickle of requests
  state.heap = 10 * MIB + GROWTH_BYTES - 1;
  assertEquals(ticks(reclaimer, QUIET + 2).includes(true), false);
  state.requests = 4;
  state.heap = 10 * MIB + GROWTH_BYTES;
  assertEquals(ticks(reclaimer, QUIET + 1).at(-1), true, "the heap grew by GROWTH_BYTES");
  state.heap = 10 * MIB + GROWTH_BYTES; // grew, but with no work since the collection
  assertEquals(ticks(reclaimer, QUIET + 2).includes(true), false);
  assertEquals(state.collections, 1);
});

Deno.test("IdleReclaimer never collects while the count keeps moving", () => {
  const { state, reclaimer } = watched(64 * MIB);
  for (let i = 0; i < 20; i++) {
    state.requests++;
    assertEquals(reclaimer.tick(), false);
  }
  assertEquals(state.collections, 0);
});

/** The young generation's reserved size in bytes. */
function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_size ?? 0;
}

Deno.test("fullCollection reaches V8's collector and shrinks a grown young generation", () => {
  const collect = fullCollection();
  assert(collect !== null, "V8's gc() should be reachable through node:v8 and node:vm");
  // Short-lived objects with a few survivors each round grow the young generation, as load does.
  let survivors: object[] = [];
  for (let i = 0; i < 2_000_000; i++) {
    const o = { i, s: `item ${i}` };
    if (i % 50 === 0) survivors.push(o);
    if (survivors.length > 20_000) survivors = [];
  }
  const grown = newSpaceBytes();
  assert(grown >= 4 * MIB, `the young generation should have grown (${grown} bytes)`);
  collect();
  const after = newSpaceBytes();
  assert(after < grown / 2, `after the collection: ${after} bytes, before: ${grown}`);
  assert(survivors.length >= 0);
});

Deno.test("reclaimWhenIdle stops when asked and leaves no timer behind", () => {
  const stop = reclaimWhenIdle(() => 0);
  stop(); // the test sanitizer fails this test if the interval is still armed
});

Deno.test("the reclaimer's measure grows with ArrayBuffers, which only a collection gives back", () => {
  const before = heapAndBufferBytes();
  const buffers = Array.from({ length: 8 }, () => new Uint8Array(MIB));
  const grown = heapAndBufferBytes() - before;
  assert(grown >= GROWTH_BYTES, `grew by ${grown} bytes with ${buffers.length} MiB of buffers`);
});

Deno.test("IdleReclaimer collects when resident memory grew though the heap did not", () => {
  const state = { requests: 0, heap: 10 * MIB, rss: 80 * MIB, collections: 0 };
  const reclaimer = new IdleReclaimer({
    activity: () => state.requests,
    heapBytes: () => state.heap,
    rssBytes: () => state.rss,
    collect: () => {
      state.collections++;
      state.rss = 80 * MIB; // the trim gave the pages back
    },
  }, QUIET);
  assertEquals(ticks(reclaimer, QUIET).at(-1), true, "the start's collection");
  // A burst whose buffers the young generation freed: the heap as before, the pages kept.
  state.requests = 200;
  state.rss = 80 * MIB + RSS_GROWTH_BYTES - 1;
  assertEquals(ticks(reclaimer, QUIET + 1).includes(true), false, "not grown enough");
  state.requests = 400;
  state.rss = 210 * MIB;
  assertEquals(ticks(reclaimer, QUIET + 1).at(-1), true, "grown: collected and trimmed");
  assertEquals(state.collections, 2);
});

Deno.test("IdleReclaimer collects after a quiet spell that let go of kept buffers, whatever the heap", () => {
  let spare = true;
  const state = { requests: 0, collections: 0, releases: 0 };
  const reclaimer = new IdleReclaimer({
    activity: () => state.requests,
    heapBytes: () => 10 * MIB, // never grows
    collect: () => state.collections++,
    release: () => {
      state.releases++;
      const held = spare;
      spare = false;
      return held;
    },
  }, QUIET);
  ticks(reclaimer, QUIET); // the start's collection
  state.collections = 0;
  state.requests = 1; // a download kept a spare pair
  spare = true;
  assertEquals(ticks(reclaimer, QUIET + 1).at(-1), true, "dropped, then collected");
  assertEquals(state.collections, 1);
  state.requests = 2; // work that kept nothing: the heap's rule alone, which says no
  assertEquals(ticks(reclaimer, QUIET + 2).includes(true), false);
  assertEquals(state.collections, 1);
});
