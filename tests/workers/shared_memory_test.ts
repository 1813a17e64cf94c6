/** Shared memory: each worker's share of the totals, and what a dead worker gives back. */

import {
  createSharedMemory,
  releaseShares,
  viewSharedMemory,
} from "../../src/workers/shared_memory.ts";
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
