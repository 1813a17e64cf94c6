/**
 * wireserve's exit codes, as the `--help` text documents them: 0 stopped cleanly; 1 could not
 * start (a file, folder or port problem); 2 bad option or value; 128 + the signal number (130 for
 * SIGINT, 143 for SIGTERM, 129 for SIGHUP) when a second signal forced the exit before in-flight
 * requests finished.
 *
 * This module must not exit: only the root `main.ts` calls Deno.exit, with what `main` returns.
 * @module
 */

import type { StopSignal } from "./main_io.ts";

/** Exit codes, as documented in the help. */
export const EXIT = { ok: 0, cannotStart: 1, usage: 2 } as const;

/** Shell convention for "ended by signal N": 128 + N. */
const SIGNAL_EXIT_BASE = 128;
const SIGNAL_NUMBERS: Readonly<Record<StopSignal, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/** The exit code of a run that `signal` forced to end: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP. */
export function signalExitCode(signal: StopSignal): number {
  return SIGNAL_EXIT_BASE + SIGNAL_NUMBERS[signal];
}
