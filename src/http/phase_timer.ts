/**
 * Which wait a connection is in (idle, head, body, write, linger) and when it runs out. Each wait
 * has its own limit; arming one is two field writes, and the shared `DeadlineClock` sweeps the
 * deadlines. A write may interrupt another wait (pipelined responses flushed before a read):
 * `interrupt` saves that wait and `resume` gives it back its own deadline.
 *
 * This module must not know HTTP or sockets: it reports the expired phase to its owner.
 * @module
 */

import type { HasDeadline } from "./deadline_clock.ts";

/** What a connection is waiting for. */
export type Phase = "none" | "idle" | "head" | "body" | "write" | "linger";

/** The current wait of one connection, registered with the deadline clock. */
export class PhaseTimer implements HasDeadline {
  /** When the current phase runs out (ms since epoch), or 0. */
  deadline = 0;
  /** The deadline clock's bookkeeping (see `SlotList`). */
  listSlot = -1;
  #phase: Phase = "none";
  #expired: Phase = "none";
  #savedPhase: Phase = "none";
  #savedDeadline = 0;
  #onExpire: (phase: Phase) => void;

  /** @param onExpire called (by the clock) with the phase whose deadline passed */
  constructor(onExpire: (phase: Phase) => void) {
    this.#onExpire = onExpire;
  }

  /** The phase being timed. */
  get phase(): Phase {
    return this.#phase;
  }

  /** The last phase whose deadline passed ("none" until one does). */
  get expired(): Phase {
    return this.#expired;
  }

  /** Times `phase` for `ms` from `now`. */
  arm(phase: Phase, ms: number, now: number = Date.now()): void {
    this.#phase = phase;
    this.deadline = now + ms;
  }

  /** Stops timing. */
  disarm(): void {
    this.#phase = "none";
    this.deadline = 0;
  }

  /** Times `phase` for `ms`, keeping the phase it interrupts for `resume`. */
  interrupt(phase: Phase, ms: number): void {
    this.#savedPhase = this.#phase;
    this.#savedDeadline = this.deadline;
    this.arm(phase, ms);
  }

  /** Gives the interrupted phase back its clock. */
  resume(): void {
    this.#phase = this.#savedPhase;
    this.deadline = this.#savedDeadline;
  }

  /** Called by the clock when the deadline passes. */
  expire(): void {
    const phase = this.#phase;
    this.#expired = phase;
    this.#onExpire(phase);
  }
}
