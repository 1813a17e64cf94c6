/** Shared memory: each worker's share of the totals, and what a dead worker gives back. */

import {
  createSharedMemory,
  releaseShares,
  viewSharedMemory,
} from "../../src/workers/shared_memory.ts";
import { throws } from "node:assert/strict";
import { assert, assertEquals } from "../support/assert.ts";

Deno.test("releaseShares takes a dead worker's part off every total and no one else's", () => {
  const memory = createSharedMemory(2);
  const first = viewSharedMemory(memory, 0);
  const second = viewSharedMemory(memory, 1);
  const totals = viewSharedMemory(memory);
  assert(first.openConnections.tryAdd(3, 100));
  assert(second.openConnections.tryAdd(2, 100));
  first.largeBufferBytes.add(1024);
  second.heldBodyBytes.add(512);
  first.heldBodyBytes.add(256);
  releaseShares(memory, 0);
  assertEquals(totals.openConnections.value, 2);
  assertEquals(totals.largeBufferBytes.value, 0);
  assertEquals(totals.heldBodyBytes.value, 512);
  // The replacement starts from nothing, and the survivor still gives back what it holds.
  releaseShares(memory, 0);
  assertEquals(totals.openConnections.value, 2);
  second.openConnections.add(-2);
  second.heldBodyBytes.add(-512);
  assertEquals(totals.openConnections.value, 0);
  assertEquals(totals.heldBodyBytes.value, 0);
});

Deno.test("the app's named counters are shared, given back by a dead worker, and checked", () => {
  const memory = createSharedMemory(2, ["a", "b"]);
  const first = viewSharedMemory(memory, 0);
  const second = viewSharedMemory(memory, 1);
  assert(first.counter("b").tryAdd(2, 3));
  assert(!second.counter("b").tryAdd(2, 3), "the cap holds across workers");
  second.counter("a").add(1);
  assert(second.openConnections.tryAdd(1, 1), "named counters do not touch the server's own");
  releaseShares(memory, 0);
  assertEquals(viewSharedMemory(memory).counter("b").value, 0);
  assertEquals(viewSharedMemory(memory).counter("a").value, 1);
  throws(() => first.counter("c"), /No shared counter is named "c"/);
});
