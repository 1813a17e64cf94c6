/**
 * One process-wide budget for the large transfer buffers (file downloads, uploads): each
 * connection may ask for big buffers, but all of them together stay under a fixed total, and a
 * connection that finds the budget spent works with small buffers instead. Without it, a
 * thousand slow uploads would pin a thousand pairs of megabyte buffers.
 *
 * This module must not know HTTP.
 * @module
 */

/** Bytes of large transfer buffers the whole process may hold at once. */
export const LARGE_BUFFER_BUDGET_BYTES = 64 * 1024 * 1024;

/** A counter of bytes handed out against a total. */
export class BufferBudget {
  #left: number;

  constructor(totalBytes: number) {
    this.#left = totalBytes;
  }

  /** Bytes still available. */
  get left(): number {
    return this.#left;
  }

  /** Takes `bytes` from the budget when that much is left; false (nothing taken) otherwise. */
  acquire(bytes: number): boolean {
    if (bytes > this.#left) return false;
    this.#left -= bytes;
    return true;
  }

  /** Gives back what an `acquire` that returned true took. */
  release(bytes: number): void {
    this.#left += bytes;
  }
}

/** The budget every connection shares. */
export const largeBuffers: BufferBudget = new BufferBudget(LARGE_BUFFER_BUDGET_BYTES);
