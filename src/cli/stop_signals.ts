/**
 * The stop signals of one run, watched from before the server starts: a signal that comes while
 * workers are still starting must stop the start gracefully, not kill the process by the
 * signal's default action (no handler installed yet) with requests in flight and temp files left.
 * The first signal aborts `startAborted` (what a start in progress watches) and settles `first`;
 * the next settles `second` (which forces the exit).
 *
 * This module must not start, stop or wait for a server: it only counts signals.
 * @module
 */

import type { MainIo, StopSignal } from "./main_io.ts";

/** The stop signals received since `watchStopSignals`. */
export interface StopSignals {
  /** Settles with the first signal. */
  readonly first: Promise<StopSignal>;
  /** Settles with the second signal. */
  readonly second: Promise<StopSignal>;
  /** Aborted at the first signal. */
  readonly startAborted: AbortSignal;
  /** Whether a signal has come. */
  readonly received: boolean;
  /** Stops listening. */
  close(): void;
}

/** Subscribes to the stop signals of `io` now; `close()` unsubscribes. */
export function watchStopSignals(io: MainIo): StopSignals {
  let first!: (s: StopSignal) => void;
  let again!: (s: StopSignal) => void;
  const firstSignal = new Promise<StopSignal>((r) => first = r);
  const secondSignal = new Promise<StopSignal>((r) => again = r);
  const abort = new AbortController();
  let count = 0;
  const unsubscribe = io.onSignal((signal) => {
    count++;
    if (count === 1) {
      abort.abort();
      first(signal);
    } else again(signal);
  });
  return {
    first: firstSignal,
    second: secondSignal,
    startAborted: abort.signal,
    get received() {
      return count > 0;
    },
    close: unsubscribe,
  };
}
