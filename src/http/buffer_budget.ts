/**
 * One server-wide budget for the large transfer buffers (file downloads, uploads): each
 * connection may ask for big buffers, but all of them together stay under a fixed total, and a
 * connection that finds the budget spent works with small buffers instead. Without it, a
 * thousand slow uploads would pin a thousand pairs of megabyte buffers.
 *
 * With several workers the bytes in use are counted in shared memory (`attach`), so the total
 * holds for the whole process, not per worker.
 *
 * This module must not know HTTP.
 * @module
 */

import { localCount, type SharedCount } from "./shared_count.ts";

/** Bytes of large transfer buffers the whole process may hold at once. */
export const LARGE_BUFFER_BUDGET_BYTES = 64 * 1024 * 1024;

/** A counter of bytes handed out against a total. */
export class BufferBudget {
  #total: number;
  #used: SharedCount = localCount();

  constructor(totalBytes: number) {
    this.#total = totalBytes;
  }

  /** Counts from now on in `used` (shared with other isolates); call before any acquire. */
  attach(used: SharedCount): void {
    this.#used = used;
  }

  /** Bytes still available. */
  get left(): number {
    return this.#total - this.#used.value;
  }

  /** Takes `bytes` from the budget when that much is left; false (nothing taken) otherwise. */
  acquire(bytes: number): boolean {
    return this.#used.tryAdd(bytes, this.#total);
  }

  /** Gives back what an `acquire` that returned true took. */
  release(bytes: number): void {
    this.#used.add(-bytes);
  }
}

/**
 * Bytes of request bodies that handlers hold whole (`/inspect`, `/anything`, WebDAV XML) and of
 * WebSocket messages being received that the whole process may keep at once: each is capped on
 * its own, but thousands of connections holding one each would add up to gigabytes.
 */
export const HELD_BODY_BUDGET_BYTES = 64 * 1024 * 1024;

/** The budget for bodies held whole (see `RequestBody.hold`); attached, every worker's. */
export const heldBodies: BufferBudget = new BufferBudget(HELD_BODY_BUDGET_BYTES);

/** The budget every connection of this isolate shares (and, attached, every worker). */
export const largeBuffers: BufferBudget = new BufferBudget(LARGE_BUFFER_BUDGET_BYTES);
