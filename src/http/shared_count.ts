/**
 * A count kept in one cell of an `Int32Array`, changed only with `Atomics`, so that several
 * isolates holding the same `SharedArrayBuffer` (the server's workers) count one thing together:
 * open connections against `--max-connections`, bytes of large buffers against their budget. A
 * count made with `localCount()` lives in a private array and behaves the same in one isolate.
 *
 * A count may also keep, in a second cell, the share its own isolate added (`shareIndex`), so that
 * what a worker held can be taken off the total when it dies. The two cells change one after the
 * other: a worker dies of an uncaught error at a throw, never between them.
 *
 * This module must not know HTTP.
 * @module
 */

/** A server-wide counter, bounded by whoever asks. */
export class SharedCount {
  #cells: Int32Array;
  #index: number;
  #share: number;

  /**
   * The count in `cells[index]` (a view of a SharedArrayBuffer to share it across isolates);
   * with `shareIndex`, this isolate's own part of it is kept in `cells[shareIndex]` too.
   */
  constructor(cells: Int32Array, index: number, shareIndex?: number) {
    this.#cells = cells;
    this.#index = index;
    this.#share = shareIndex ?? -1;
  }

  /** The current value. */
  get value(): number {
    return Atomics.load(this.#cells, this.#index);
  }

  /**
   * Adds `n` when the sum stays at or under `max`; false (nothing added) otherwise. A
   * compare-and-swap loop: two isolates racing for the last unit cannot both get it.
   */
  tryAdd(n: number, max: number): boolean {
    const cells = this.#cells;
    const i = this.#index;
    for (;;) {
      const now = Atomics.load(cells, i);
      if (now + n > max) return false;
      if (Atomics.compareExchange(cells, i, now, now + n) === now) break;
    }
    if (this.#share >= 0) Atomics.add(cells, this.#share, n);
    return true;
  }

  /** Adds `n` whatever the sum (a negative `n` takes away). */
  add(n: number): void {
    Atomics.add(this.#cells, this.#index, n);
    if (this.#share >= 0) Atomics.add(this.#cells, this.#share, n);
  }
}

/** A count that only this isolate sees. */
export function localCount(initial = 0): SharedCount {
  const cells = new Int32Array(1);
  cells[0] = initial;
  return new SharedCount(cells, 0);
}
