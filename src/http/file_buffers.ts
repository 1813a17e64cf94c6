/**
 * The pair of buffers a connection reads file pieces into (see `sendFileBody`), kept from one
 * file response to the next. Full-size buffers are drawn from a shared budget while it lasts;
 * past it, small ones still stream, so many concurrent downloads cannot pin unbounded memory.
 *
 * This module must not know about files, sockets or HTTP: it only sizes and holds buffers.
 * @module
 */

import { type BufferBudget, largeBuffers } from "./buffer_budget.ts";

/** File piece size when the shared budget for large buffers is spent. */
export const SMALL_FILE_CHUNK_BYTES = 64 * 1024;

/** Two equal buffers for overlapped file reads and writes, charged to a budget while held. */
export class FileBuffers {
  #budget: BufferBudget;
  #pair: [Uint8Array, Uint8Array] | null = null;
  /** What the pair took from the budget (0 for small ones). */
  #budgetBytes = 0;

  /** @param budget where full-size buffers are charged (the process-wide one by default) */
  constructor(budget: BufferBudget = largeBuffers) {
    this.#budget = budget;
  }

  /**
   * Buffers of `sizeBytes` each, or of at most `SMALL_FILE_CHUNK_BYTES` when the budget cannot
   * cover two of that size. The pair held is reused when its buffers are large enough.
   */
  pair(sizeBytes: number): [Uint8Array, Uint8Array] {
    if (this.#pair === null || this.#pair[0].length < sizeBytes) {
      this.release();
      const big = this.#budget.acquire(2 * sizeBytes);
      const bytes = big ? sizeBytes : Math.min(sizeBytes, SMALL_FILE_CHUNK_BYTES);
      this.#pair = [new Uint8Array(bytes), new Uint8Array(bytes)];
      this.#budgetBytes = big ? 2 * sizeBytes : 0;
    }
    return this.#pair;
  }

  /** Lets go of the pair and gives back what it took from the budget. */
  release(): void {
    this.#budget.release(this.#budgetBytes);
    this.#budgetBytes = 0;
    this.#pair = null;
  }
}
