/**
 * `--workers` → how many isolates serve the port, from the value and what the machine offers:
 * `auto` is one per CPU where the kernel balances a shared port, and more than one worker is
 * refused where it does not.
 *
 * This module decides the count; it must not start workers or read the machine except through
 * `systemFacts` (tests pass their own).
 * @module
 */

import { BadValue, type OptionReader } from "./option_reader.ts";
import { isAuto, parseCount } from "./parse_values.ts";

/** What the machine offers, for `--workers auto` (injectable for tests). */
export interface SystemFacts {
  /** `Deno.build.os`. */
  os: string;
  /** Logical CPUs. */
  cpus: number;
}

/** The machine wireserve runs on. */
export function systemFacts(): SystemFacts {
  return { os: Deno.build.os, cpus: navigator.hardwareConcurrency || 1 };
}

/** Most workers `--workers` accepts (each is an isolate of its own: memory, start-up time). */
export const MAX_WORKERS = 256;

/**
 * `--workers`: `auto` is one per CPU where the kernel balances a shared port (Linux
 * SO_REUSEPORT), else 1. Elsewhere (macOS, Windows) a port shared by several listeners is not
 * balanced — one listener gets every connection — so more than one worker is refused.
 */
export function workerCount(r: OptionReader, system: SystemFacts): number {
  const text = r.string("workers");
  const balanced = system.os === "linux";
  if (text === undefined || isAuto(text)) return balanced ? Math.max(1, system.cpus) : 1;
  const n = parseCount(text);
  if (n === null || n < 1 || n > MAX_WORKERS) {
    throw new BadValue(
      `${r.source("workers")}: expected auto or a number from 1 to ${MAX_WORKERS}, got ${
        r.quoted("workers")
      }`,
    );
  }
  if (n > 1 && !balanced) {
    throw new BadValue(
      `${r.source("workers")}: more than 1 worker needs a port the system shares out ` +
        `(SO_REUSEPORT on Linux); on ${system.os} use 1`,
    );
  }
  return n;
}
