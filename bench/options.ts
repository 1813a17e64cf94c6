/**
 * Command line and environment → validated benchmark options, and the usage text.
 *
 * This module must not start processes or exit.
 * @module
 */

import { parseArgs } from "node:util";
import { CHECK_NAMES } from "./scenarios.ts";

/** What one bench run does. */
export interface BenchOptions {
  /** Length of each measured wrk run, in wrk's form (`10s`, `1m`). */
  duration: string;
  /** The same in seconds. */
  durationSeconds: number;
  /** Rounds per throughput scenario, each a back-to-back run of both servers. */
  rounds: number;
  /** Length of the unmeasured keep-alive warm-up per server (`0s` skips it). */
  warmup: string;
  /** The checks to run (scenario names and `memory`). */
  only: ReadonlySet<string>;
}

/** Defaults: 3 rounds of 10-second runs after a 2-second warm-up, every check. */
export const DEFAULT_DURATION = "10s";
export const DEFAULT_ROUNDS = 3;
export const DEFAULT_WARMUP = "2s";

/** The --help text. */
export const BENCH_USAGE = `Usage: deno task bench [-- options]

Runs wireserve and a Deno.serve baseline side by side under wrk and prints a markdown report
(also written to bench/results/latest.md).

Options:
  --duration <t>   length of each measured wrk run, e.g. 3s, 1m  (default: ${DEFAULT_DURATION}, env BENCH_DURATION)
  --rounds <n>     rounds per scenario; the ratio is their median  (default: ${DEFAULT_ROUNDS}, env BENCH_ROUNDS)
  --warmup <t>     unmeasured warm-up per server, 0s to skip    (default: ${DEFAULT_WARMUP}, env BENCH_WARMUP)
  --only <list>    comma list of checks: ${CHECK_NAMES.join(",")}  (default: all, env BENCH_ONLY)
  -h, --help       show this help
`;

/** What the command line asked for. */
export type BenchArgs =
  | { kind: "run"; options: BenchOptions }
  | { kind: "help"; text: string }
  | { kind: "error"; message: string };

/** Parses `args` (and BENCH_* from `env`); never throws. */
export function parseBenchArgs(
  args: string[],
  env: Record<string, string | undefined> = {},
): BenchArgs {
  let values;
  try {
    values = parseArgs({
      args,
      strict: true,
      options: {
        duration: { type: "string" },
        rounds: { type: "string" },
        warmup: { type: "string" },
        only: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (err) {
    return { kind: "error", message: (err as Error).message };
  }
  if (values.help) return { kind: "help", text: BENCH_USAGE };
  const duration = values.duration ?? env.BENCH_DURATION ?? DEFAULT_DURATION;
  const durationSeconds = parseSeconds(duration);
  if (durationSeconds === null || durationSeconds === 0) {
    return { kind: "error", message: `Invalid --duration "${duration}": expected e.g. 5s or 1m` };
  }
  const roundsText = values.rounds ?? env.BENCH_ROUNDS ?? String(DEFAULT_ROUNDS);
  const rounds = parseRounds(roundsText);
  if (rounds === null) {
    return { kind: "error", message: `Invalid --rounds "${roundsText}": expected e.g. 1 or 3` };
  }
  const warmup = values.warmup ?? env.BENCH_WARMUP ?? DEFAULT_WARMUP;
  if (parseSeconds(warmup) === null) {
    return { kind: "error", message: `Invalid --warmup "${warmup}": expected e.g. 2s or 0s` };
  }
  const onlyText = values.only ?? env.BENCH_ONLY ?? CHECK_NAMES.join(",");
  const only = new Set(onlyText.split(",").map((s) => s.trim()).filter((s) => s !== ""));
  for (const name of only) {
    if (!CHECK_NAMES.includes(name)) {
      return {
        kind: "error",
        message: `Unknown check "${name}" in --only: expected some of ${CHECK_NAMES.join(",")}`,
      };
    }
  }
  if (only.size === 0) return { kind: "error", message: "Empty --only: name at least one check" };
  return {
    kind: "run",
    options: {
      duration: normalize(duration),
      durationSeconds,
      rounds,
      warmup: normalize(warmup),
      only,
    },
  };
}

/** `5`, `5s`, `2m` → seconds, or null when it is not that shape. */
export function parseSeconds(text: string): number | null {
  const m = /^(\d{1,5})(s|m)?$/.exec(text.trim());
  if (m === null) return null;
  return Number(m[1]) * (m[2] === "m" ? 60 : 1);
}

/** A whole number of rounds from 1, or null. */
function parseRounds(text: string): number | null {
  const m = /^\d{1,4}$/.exec(text.trim());
  if (m === null || Number(m[0]) === 0) return null;
  return Number(m[0]);
}

/** A bare number means seconds; wrk wants the unit spelled out. */
function normalize(text: string): string {
  const t = text.trim();
  return /\d$/.test(t) ? `${t}s` : t;
}
