/**
 * The watch over workers whose event loop stops turning: a synchronous task that runs away (a
 * pathological regular expression, a loop that never ends) leaves a worker alive and listening but
 * deaf — the kernel goes on handing it its share of new connections, which then wait, and nothing
 * else would say so. Each listening worker is pinged every second (one ping at a time, so a deaf
 * worker's queue stays short); one silent for `stalledAfterMs` is reported, and reported again
 * when it answers.
 *
 * The watch does not replace a stalled worker: in Deno 2.9 `Worker.terminate()` does not interrupt
 * an isolate stuck in a loop (measured: its listener stays open and its thread keeps spinning), so
 * a replacement would only add a listener beside the deaf one, and a worker that is merely slow
 * would lose every exchange it had in flight.
 *
 * This module must not know routes or sockets.
 * @module
 */

/** How often each listening worker is pinged. */
export const PING_EVERY_MS = 1000;
/** How long a worker may go without answering before it is reported as stalled. */
export const STALLED_AFTER_MS = 10_000;

/** What the watch keeps of one worker. */
export interface Watched {
  /** 0-based; reported 1-based, as the rest of the pool's lines do. */
  readonly index: number;
  /** Whether it listens (only then is it pinged: starting, it loads modules and cannot answer). */
  listening: boolean;
  /** When it last sent anything (performance.now()). */
  heardAt: number;
  /** Whether a ping is waiting for its answer. */
  pinged: boolean;
  /** Whether it has been reported as stalled and has not answered since. */
  stalled: boolean;
  /** Sends it a ping (any message it sends back counts as the answer). */
  ping(): void;
}

/** The fields a new worker starts the watch with. */
export function freshWatch(): Pick<Watched, "listening" | "heardAt" | "pinged" | "stalled"> {
  return { listening: false, heardAt: performance.now(), pinged: false, stalled: false };
}

/** Notes that `w` sent something — its event loop turns — and says so if it had been reported. */
export function heardFrom(w: Watched, report: (line: string) => void): void {
  const now = performance.now();
  if (w.stalled) {
    w.stalled = false;
    report(`wireserve: worker ${w.index + 1} answers again after ${seconds(now - w.heardAt)} s`);
  }
  w.heardAt = now;
  w.pinged = false;
}

/**
 * One round of the watch at `now`: reports each listening worker silent since its last ping for
 * `stalledAfterMs` (once per stall) and pings those with no ping outstanding.
 */
export function watchRound(
  workers: Iterable<Watched>,
  now: number,
  stalledAfterMs: number,
  report: (line: string) => void,
): void {
  for (const w of workers) {
    if (!w.listening) continue;
    const silentMs = now - w.heardAt;
    if (!w.stalled && w.pinged && silentMs >= stalledAfterMs) {
      w.stalled = true;
      report(
        `wireserve: worker ${w.index + 1} has not answered for ${seconds(silentMs)} s: ` +
          `its event loop is blocked (a long synchronous task, or a loop that never ends); ` +
          `the connections the kernel hands it wait until it answers`,
      );
    }
    if (!w.pinged) {
      w.pinged = true;
      w.ping();
    }
  }
}

/** Milliseconds as whole seconds, for log lines. */
function seconds(ms: number): number {
  return Math.round(ms / 1000);
}
