/**
 * Turns for folder searches (`?q=`) in one worker. A search walks whole trees, a thousand entries
 * between turns of the event loop, so searches side by side share the worker with every other
 * request: an attack probe's 40 searches at once on a 100,000-file tree held an honest request up
 * to 2.9 s (one search: 0.13 s). At most {@link MAX_SEARCHES_RUNNING} run at once; the next ones
 * wait their turn, in order, and past {@link MAX_SEARCHES_WAITING} waiting a search is refused
 * (503) rather than queued without end.
 *
 * This module must not know HTTP.
 * @module
 */

/** Searches one worker walks at once. */
export const MAX_SEARCHES_RUNNING = 4;
/** Searches one worker keeps waiting for a turn; past it, refused. */
export const MAX_SEARCHES_WAITING = 64;

/** A count of running searches with a queue of waiting ones (see the module's documentation). */
export class SearchTurns {
  readonly #maxRunning: number;
  readonly #maxWaiting: number;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(maxRunning = MAX_SEARCHES_RUNNING, maxWaiting = MAX_SEARCHES_WAITING) {
    this.#maxRunning = maxRunning;
    this.#maxWaiting = maxWaiting;
  }

  /** Searches running now. */
  get running(): number {
    return this.#running;
  }

  /** Searches waiting for a turn now. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * A turn: true once the search may run (it must then call `release` when done), false at once
   * when too many are waiting already.
   */
  take(): boolean | Promise<boolean> {
    if (this.#running < this.#maxRunning) {
      this.#running++;
      return true;
    }
    if (this.#waiting.length >= this.#maxWaiting) return false;
    return new Promise<boolean>((resolve) => this.#waiting.push(() => resolve(true)));
  }

  /** Ends a turn: the first waiting search runs in its place. */
  release(): void {
    const next = this.#waiting.shift();
    if (next !== undefined) next(); // the turn passes on: `running` stays
    else this.#running--;
  }
}
