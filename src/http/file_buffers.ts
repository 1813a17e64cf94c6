/**
 * The pair of buffers a connection reads file pieces into (see `sendFileBody`), kept from one
 * file response to the next, and one pair let go of kept for the isolate's next. Full-size buffers are drawn from a shared budget while it lasts;
 * past it, small ones still stream, so many concurrent downloads cannot pin unbounded memory.
 *
 * This module must not know about files, sockets or HTTP: it only sizes and holds buffers.
 * @module
 */

import { type BufferBudget, largeBuffers } from "./buffer_budget.ts";

/** File piece size when the shared budget for large buffers is spent. */
export const SMALL_FILE_CHUNK_BYTES = 64 * 1024;

/**
 * The last pair a connection let go of, for the next file response on any connection of this
 * isolate: connections give theirs back each time they wait for a request, and allocating two
 * zeroed buffers of up to 1 MiB for every response took 8% of the CPU of a 300 KB download
 * (a load probe). At most one pair, charged to no budget while spare (a budget counts what
 * connections hold) and charged again when taken; an idle spell drops it
 * ({@link dropSpareFileBuffers}).
 */
let spare: [Uint8Array, Uint8Array] | null = null;

/** Lets go of the spare pair (the isolate is idle); true when there was one. */
export function dropSpareFileBuffers(): boolean {
  const held = spare !== null;
  spare = null;
  return held;
}

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
      // The spare, when it is large enough and the budget covers it as it would a new pair.
      if (spare !== null && spare[0].length >= sizeBytes) {
        const bytes = spare[0].length;
        const charged = this.#budget.acquire(2 * bytes);
        // Uncharged, as a new pair would be, only when it is no larger than a small one.
        if (charged || bytes <= SMALL_FILE_CHUNK_BYTES) {
          this.#pair = spare;
          this.#budgetBytes = charged ? 2 * bytes : 0;
          spare = null;
          return this.#pair;
        }
      }
      const big = this.#budget.acquire(2 * sizeBytes);
      const bytes = big ? sizeBytes : Math.min(sizeBytes, SMALL_FILE_CHUNK_BYTES);
      this.#pair = [new Uint8Array(bytes), new Uint8Array(bytes)];
      this.#budgetBytes = big ? 2 * sizeBytes : 0;
    }
    return this.#pair;
  }

  /**
   * Lets go of the pair, giving back what it took from the budget; it becomes the isolate's
   * spare when larger than the spare.
   */
  release(): void {
    if (this.#pair !== null && (spare === null || spare[0].length < this.#pair[0].length)) {
      spare = this.#pair;
    }
    this.#budget.release(this.#budgetBytes);
    this.#budgetBytes = 0;
    this.#pair = null;
  }
}
