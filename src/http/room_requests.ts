/**
 * Making room across servers that share one connection limit (the workers, each with its own
 * listener): a newcomer past the limit whose server has no kept-alive idle connection of its own
 * asks the others to close one of theirs, and waits a short, bounded time for the slot that frees
 * before it is refused. Without it, `--max-connections` with several workers answered 503 while
 * idle connections of another worker could have made room (docs/limits.md promises they do).
 *
 * The requests are one cell of shared memory, changed only with `Atomics`: asking adds one and
 * wakes the servers waiting on the cell (`Atomics.waitAsync`, no polling while nothing is asked);
 * a server with an idle connection takes one request and closes its earliest idle connection; an
 * asker that gives up takes its request back if one is still pending.
 *
 * This module must not know HTTP: it counts requests, closes through a callback, and waits.
 * @module
 */

import type { SharedCount } from "./shared_count.ts";

/** How long a newcomer waits for room made elsewhere before its 503. */
export const ROOM_WAIT_MS = 250;
/** How often a waiting newcomer looks for a free slot. */
const ROOM_POLL_MS = 5;
/**
 * How often a server that cannot honour a pending request (no idle connection) looks again while
 * the request pends, instead of waking on every change; waits end within `ROOM_WAIT_MS` anyway.
 */
const ROOM_RECHECK_MS = 20;
/**
 * A server waiting for requests wakes at least this often, to notice its own shutdown (a pending
 * `Atomics.waitAsync` does not keep the process alive, and ends the loop at the next wake-up).
 */
const ROOM_WAKE_MS = 1000;
/** Newcomers waiting for room at once, per server: past them (a flood) the 503 comes at once. */
export const MAX_ROOM_WAITERS = 64;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The requests for room of every server sharing `cells` (see the module doc). */
export class RoomRequests {
  #cells: Int32Array;
  #index: number;

  /** The requests in `cells[index]` (a view of a SharedArrayBuffer to share them). */
  constructor(cells: Int32Array, index: number) {
    this.#cells = cells;
    this.#index = index;
  }

  /** Requests asked and not yet taken. */
  get pending(): number {
    return Atomics.load(this.#cells, this.#index);
  }

  /** Asks for one idle connection to be closed somewhere, and wakes the servers waiting. */
  ask(): void {
    Atomics.add(this.#cells, this.#index, 1);
    Atomics.notify(this.#cells, this.#index);
  }

  /**
   * Takes one pending request (to honour it, or, by its asker, to take it back); false when none
   * is pending (another server took it: a connection is being closed).
   */
  take(): boolean {
    const cells = this.#cells;
    const i = this.#index;
    for (;;) {
      const now = Atomics.load(cells, i);
      if (now <= 0) return false;
      if (Atomics.compareExchange(cells, i, now, now - 1) === now) return true;
    }
  }

  /** Resolves once a request may be pending, or after `timeoutMs`. */
  changed(timeoutMs: number): Promise<unknown> {
    const wait = Atomics.waitAsync(this.#cells, this.#index, 0, timeoutMs);
    return wait.async ? wait.value : Promise.resolve(wait.value);
  }
}

/**
 * Honours the requests of other servers until `stopped()`: when one is pending and this server
 * has an idle connection, takes the request and closes it (`closeOneIdle`, which says whether
 * one went). Runs detached for the server's life.
 */
export async function honourRoomRequests(
  requests: RoomRequests,
  hasIdle: () => boolean,
  closeOneIdle: () => boolean,
  stopped: () => boolean,
): Promise<void> {
  while (!stopped()) {
    if (requests.pending === 0) {
      await requests.changed(ROOM_WAKE_MS);
      continue;
    }
    // Checked, taken and closed in one turn: the idle connection cannot go away in between.
    if (hasIdle() && requests.take()) closeOneIdle();
    else await pause(ROOM_RECHECK_MS);
  }
}

/**
 * Waits for a slot of `open` under `max` after asking the other servers for room: true once one
 * is held (added to `open`), false after `ROOM_WAIT_MS` or when `stopped()`.
 */
export async function waitForRoom(
  requests: RoomRequests,
  open: SharedCount,
  max: number,
  stopped: () => boolean,
): Promise<boolean> {
  requests.ask();
  const until = Date.now() + ROOM_WAIT_MS;
  let room = false;
  while (!room && !stopped() && Date.now() < until) {
    await pause(ROOM_POLL_MS);
    room = open.tryAdd(1, max);
  }
  // Giving up: the request goes back unless a server took it. Room that came is kept with the
  // request left pending: requests have no owner, and taking "ours" back could take another
  // waiter's, leaving it to its 503 with idle connections still open; at worst one idle
  // connection more is closed (RFC 9112 §9.5: a client retries on a new one).
  if (!room) requests.take();
  return room;
}
