/**
 * A count kept in one cell of an `Int32Array`, changed only with `Atomics`, so that several
 * isolates holding the same `SharedArrayBuffer` (the server's workers) count one thing together:
 * open connections against `--max-connections`, bytes of large buffers against their budget. A
 * count made with `localCount()` lives in a private array and behaves the same in one isolate.
 *
 * This module must not know HTTP.
 * @module
 */

/** A server-wide counter, bounded by whoever asks. */
export class SharedCount {
  #cells: Int32Array;
  #index: number;

  /** The count in `cells[index]` (a view of a SharedArrayBuffer to share it across isolates). */
  constructor(cells: Int32Array, index: number) {
    this.#cells = cells;
    this.#index = index;
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
      if (Atomics.compareExchange(cells, i, now, now + n) === now) return true;
    }
  }

  /** Adds `n` whatever the sum (a negative `n` takes away). */
  add(n: number): void {
    Atomics.add(this.#cells, this.#index, n);
  }
}

/** A count that only this isolate sees. */
export function localCount(initial = 0): SharedCount {
  const cells = new Int32Array(1);
  cells[0] = initial;
  return new SharedCount(cells, 0);
}
