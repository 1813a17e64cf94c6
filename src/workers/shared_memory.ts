/**
 * The shared memory of a server with workers: one SharedArrayBuffer of counters (open
 * connections, bytes of large buffers) and one for the change board. The main thread makes
 * them; each worker views the same bytes.
 *
 * This module must not know routes or sockets.
 * @module
 */

import { CHANGE_BUCKETS, ChangeBoard } from "../app/change_board.ts";
import { SharedCount } from "../http/shared_count.ts";

const BYTES_PER_CELL = Int32Array.BYTES_PER_ELEMENT;
const COUNTERS = { openConnections: 0, largeBufferBytes: 1 } as const;
const COUNTER_CELLS = Object.keys(COUNTERS).length;

/** The buffers, as sent to each worker. */
export interface SharedMemory {
  counters: SharedArrayBuffer;
  changes: SharedArrayBuffer;
}

/** What the buffers hold, as objects. */
export interface SharedViews {
  openConnections: SharedCount;
  largeBufferBytes: SharedCount;
  changes: ChangeBoard;
}

/** New, zeroed shared memory (main thread). */
export function createSharedMemory(): SharedMemory {
  return {
    counters: new SharedArrayBuffer(COUNTER_CELLS * BYTES_PER_CELL),
    changes: new SharedArrayBuffer(CHANGE_BUCKETS * BYTES_PER_CELL),
  };
}

/** Views of `memory` (in any isolate). */
export function viewSharedMemory(memory: SharedMemory): SharedViews {
  const cells = new Int32Array(memory.counters);
  return {
    openConnections: new SharedCount(cells, COUNTERS.openConnections),
    largeBufferBytes: new SharedCount(cells, COUNTERS.largeBufferBytes),
    changes: new ChangeBoard(new Int32Array(memory.changes)),
  };
}
