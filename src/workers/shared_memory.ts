/**
 * The shared memory of a server with workers: one SharedArrayBuffer of counters (open
 * connections, bytes of large buffers, bytes of bodies held whole) and one for the change board.
 * The main thread makes them; each worker views the same bytes.
 *
 * Each counter has a server-wide total and, beside it, each worker's share of that total. A
 * worker that dies cannot give back what it held (its connections were closed with it, its
 * buffers freed), so the main thread takes the dead worker's shares off the totals
 * (`releaseShares`) before it starts the replacement: otherwise every crash would leave the
 * connection limit and the budgets that much smaller for good.
 *
 * This module must not know routes or sockets.
 * @module
 */

import { CHANGE_BUCKETS, ChangeBoard } from "../app/change_board.ts";
import { SharedCount } from "../http/shared_count.ts";

const BYTES_PER_CELL = Int32Array.BYTES_PER_ELEMENT;
const COUNTERS = { openConnections: 0, largeBufferBytes: 1, heldBodyBytes: 2 } as const;
const COUNTER_CELLS = Object.keys(COUNTERS).length;

/** The buffers, as sent to each worker. */
export interface SharedMemory {
  /** Row 0: the totals; row 1 + i: worker i's shares (COUNTER_CELLS cells a row). */
  counters: SharedArrayBuffer;
  changes: SharedArrayBuffer;
}

/** What the buffers hold, as objects. */
export interface SharedViews {
  openConnections: SharedCount;
  largeBufferBytes: SharedCount;
  heldBodyBytes: SharedCount;
  changes: ChangeBoard;
}

/** New, zeroed shared memory for `workers` workers (main thread). */
export function createSharedMemory(workers: number): SharedMemory {
  return {
    counters: new SharedArrayBuffer((1 + workers) * COUNTER_CELLS * BYTES_PER_CELL),
    changes: new SharedArrayBuffer(CHANGE_BUCKETS * BYTES_PER_CELL),
  };
}

/**
 * Views of `memory`: as worker `worker` (its changes also counted in its shares), or, without
 * one, of the totals alone (the main thread, which only reads them).
 */
export function viewSharedMemory(memory: SharedMemory, worker?: number): SharedViews {
  const cells = new Int32Array(memory.counters);
  const count = (counter: number) =>
    new SharedCount(
      cells,
      counter,
      worker === undefined ? undefined : (1 + worker) * COUNTER_CELLS + counter,
    );
  return {
    openConnections: count(COUNTERS.openConnections),
    largeBufferBytes: count(COUNTERS.largeBufferBytes),
    heldBodyBytes: count(COUNTERS.heldBodyBytes),
    changes: new ChangeBoard(new Int32Array(memory.changes)),
  };
}

/**
 * Takes what worker `worker` still held off every total and zeroes its shares. Only for a worker
 * that is gone: a running one would go on giving back what is no longer counted.
 */
export function releaseShares(memory: SharedMemory, worker: number): void {
  const cells = new Int32Array(memory.counters);
  for (let counter = 0; counter < COUNTER_CELLS; counter++) {
    const held = Atomics.exchange(cells, (1 + worker) * COUNTER_CELLS + counter, 0);
    Atomics.sub(cells, counter, held);
  }
}
