/**
 * The shared memory of a server with workers: one SharedArrayBuffer of counters (open
 * connections, bytes of large buffers, bytes of bodies held whole, then the app's named counters)
 * and one for the change board. The main thread makes them; each worker views the same bytes.
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

import { CHANGE_CELLS, ChangeBoard } from "../app/change_board.ts";
import { SharedCount } from "../http/shared_count.ts";
import { RoomRequests } from "../http/room_requests.ts";

const BYTES_PER_CELL = Int32Array.BYTES_PER_ELEMENT;
/**
 * The server's cells in each row. `roomRequests` is a plain cell, not a counter with shares: a
 * request is asked by one worker and taken by another (see http/room_requests.ts), so its share
 * cells stay 0 and `releaseShares` leaves it alone.
 */
const COUNTERS = {
  openConnections: 0,
  largeBufferBytes: 1,
  heldBodyBytes: 2,
  roomRequests: 3,
} as const;
const SERVER_COUNTERS = Object.keys(COUNTERS).length;

/** The buffers, as sent to each worker. */
export interface SharedMemory {
  /** Row 0: the totals; row 1 + i: worker i's shares (a cell per counter in each row). */
  counters: SharedArrayBuffer;
  /** The app's counters, after the server's own in each row (`SharedState.counter`). */
  named: readonly string[];
  changes: SharedArrayBuffer;
}

/** What the buffers hold, as objects. */
export interface SharedViews {
  openConnections: SharedCount;
  largeBufferBytes: SharedCount;
  heldBodyBytes: SharedCount;
  /** Requests, between workers, to close an idle connection to make room under the limit. */
  roomRequests: RoomRequests;
  changes: ChangeBoard;
  /** The app's counter `name`; throws for a name that was not made. */
  counter(name: string): SharedCount;
}

/** New, zeroed shared memory for `workers` workers and the app's counters `named`. */
export function createSharedMemory(workers: number, named: readonly string[] = []): SharedMemory {
  const row = SERVER_COUNTERS + named.length;
  return {
    counters: new SharedArrayBuffer((1 + workers) * row * BYTES_PER_CELL),
    named: [...named],
    changes: new SharedArrayBuffer(CHANGE_CELLS * BYTES_PER_CELL),
  };
}

/**
 * Views of `memory`: as worker `worker` (its changes also counted in its shares), or, without
 * one, of the totals alone (the main thread, which only reads them).
 */
export function viewSharedMemory(memory: SharedMemory, worker?: number): SharedViews {
  const cells = new Int32Array(memory.counters);
  const row = SERVER_COUNTERS + memory.named.length;
  const count = (counter: number) =>
    new SharedCount(
      cells,
      counter,
      worker === undefined ? undefined : (1 + worker) * row + counter,
    );
  const named = new Map(memory.named.map((name, i) => [name, count(SERVER_COUNTERS + i)]));
  return {
    openConnections: count(COUNTERS.openConnections),
    largeBufferBytes: count(COUNTERS.largeBufferBytes),
    heldBodyBytes: count(COUNTERS.heldBodyBytes),
    roomRequests: new RoomRequests(cells, COUNTERS.roomRequests),
    changes: new ChangeBoard(new Int32Array(memory.changes)),
    counter(name: string): SharedCount {
      const found = named.get(name);
      if (found === undefined) throw new Error(`No shared counter is named "${name}"`);
      return found;
    },
  };
}

/**
 * Takes what worker `worker` still held off every total and zeroes its shares. Only for a worker
 * that is gone: a running one would go on giving back what is no longer counted.
 */
export function releaseShares(memory: SharedMemory, worker: number): void {
  const cells = new Int32Array(memory.counters);
  const row = SERVER_COUNTERS + memory.named.length;
  for (let counter = 0; counter < row; counter++) {
    const held = Atomics.exchange(cells, (1 + worker) * row + counter, 0);
    Atomics.sub(cells, counter, held);
  }
}
