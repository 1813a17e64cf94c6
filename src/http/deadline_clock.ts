/**
 * One coarse clock for every connection's deadline, instead of a timer per read: arming a
 * deadline is a field write, and a single interval sweeps the connections that have one.
 *
 * This module must not know HTTP: it calls `expire()` on whatever registered.
 * @module
 */

import { SlotList, type Slotted } from "./slot_list.ts";

/**
 * Something with a deadline (ms since epoch; 0 = none) and what to do when it passes. It is in at
 * most one clock (the clock's `SlotList` keeps its index on it).
 */
export interface HasDeadline extends Slotted {
  deadline: number;
  expire(): void;
}

/**
 * Sweeps registered deadlines every `tickMs`.
 *
 * A deadline measures the client's silence, not the server's. When the event loop is blocked (a
 * long synchronous task, the process paused), bytes that arrive meanwhile wait unread behind the
 * late tick, and sweeping up to the late tick's time would close connections whose request is
 * already here: a fresh or kept-alive connection closed with no answer, a request its client may
 * not safely resend. So a tick sweeps only up to when it was due (the last tick plus `tickMs`):
 * a deadline that passed while the loop was blocked is expired by the next tick, after the loop
 * has delivered the waiting input (nginx, likewise, handles ready events before it expires
 * timers). A loop late at every tick still expires every deadline, a tick and its lateness after
 * it passes. (Intervals do not catch up: after a stall the next tick is a whole `tickMs` away.)
 */
export class DeadlineClock {
  /** A `SlotList`, not a Set: one member comes and goes per connection (see slot_list.ts). */
  #members = new SlotList<HasDeadline>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #tickMs: number;
  /** When the last tick ran (or the interval started). */
  #lastTick = 0;

  /** @param tickMs how often deadlines are checked: the granularity of every timeout */
  constructor(tickMs: number) {
    this.#tickMs = tickMs;
  }

  /** Starts watching `member`. */
  add(member: HasDeadline): void {
    this.#members.add(member);
    if (this.#timer === undefined) {
      const timer = setInterval(() => this.tick(Date.now()), this.#tickMs);
      this.#lastTick = Date.now();
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

  /** How many members it watches. */
  get size(): number {
    return this.#members.size;
  }

  /**
   * One tick of the interval at `now`: sweeps up to when the tick was due, not past it (see the
   * class: a late tick leaves what passed during the stall to the next one).
   */
  tick(now: number): void {
    const due = this.#lastTick + this.#tickMs;
    this.#lastTick = now;
    this.sweep(Math.min(now, due));
  }

  /**
   * Expires every member whose deadline is at or before `now`, once (the deadline is cleared
   * first, so a member visited twice is not expired twice).
   */
  sweep(now: number): void {
    this.#members.forEachFromLast((m) => {
      if (m.deadline !== 0 && m.deadline <= now) {
        m.deadline = 0;
        m.expire();
      }
    });
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
