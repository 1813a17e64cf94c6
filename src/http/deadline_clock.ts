/**
 * One coarse clock for every connection's deadline, instead of a timer per read: arming a
 * deadline is a field write, and a single interval sweeps the connections that have one.
 *
 * This module must not know HTTP: it calls `expire()` on whatever registered.
 * @module
 */

/** Something with a deadline (ms since epoch; 0 = none) and what to do when it passes. */
export interface HasDeadline {
  deadline: number;
  expire(): void;
}

/** Sweeps registered deadlines every `tickMs`. */
export class DeadlineClock {
  #members = new Set<HasDeadline>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #tickMs: number;

  /** @param tickMs how often deadlines are checked: the granularity of every timeout */
  constructor(tickMs: number) {
    this.#tickMs = tickMs;
  }

  /** Starts watching `member`. */
  add(member: HasDeadline): void {
    this.#members.add(member);
    if (this.#timer === undefined) {
      const timer = setInterval(() => this.sweep(Date.now()), this.#tickMs);
      // The clock alone must not keep the process alive.
      Deno.unrefTimer(timer);
      this.#timer = timer;
    }
  }

  /** Stops watching `member`. */
  delete(member: HasDeadline): void {
    this.#members.delete(member);
    if (this.#members.size === 0) this.stop();
  }

  /** Expires every member whose deadline is at or before `now`. */
  sweep(now: number): void {
    for (const m of this.#members) {
      if (m.deadline !== 0 && m.deadline <= now) {
        m.deadline = 0;
        m.expire();
      }
    }
  }

  /** Stops the interval. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/** A tick fine enough for the shortest of `timeoutsMs`: a quarter of it, within 5–250 ms. */
export function tickFor(timeoutsMs: number[]): number {
  const shortest = Math.min(...timeoutsMs);
  return Math.max(5, Math.min(250, Math.floor(shortest / 4)));
}
