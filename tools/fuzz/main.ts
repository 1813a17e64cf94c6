/**
 * `deno task fuzz`: the command line over `fuzz()`.
 *
 *   deno task fuzz [--seed N] [--cases N] [--concurrency N] [--workers N] [--out DIR]
 *   deno task fuzz --replay FILE [--replay FILE ...]
 *
 * Exits 0 when every oracle held, 1 when something was found, 2 on a usage error.
 * @module
 */

import { parseArgs } from "node:util";
import { fuzz, type FuzzReport } from "./fuzz_run.ts";

const DEFAULT_SEED = 1;
const DEFAULT_CASES = 20_000;
const DEFAULT_CONCURRENCY = 32;
const DEFAULT_OUT = ".fuzz/found";
const DEFAULT_WARM_UP_CASES = 20_000;
const PROGRESS_EVERY_S = 10;
const USAGE =
  `Usage: deno task fuzz [--seed N] [--cases N] [--concurrency N] [--workers N] [--warm-up N] [--out DIR]
       deno task fuzz --replay FILE [--replay FILE ...]
  --seed         run seed (default ${DEFAULT_SEED}); case i of a seed is always the same bytes
  --cases        cases to run (default ${DEFAULT_CASES})
  --concurrency  cases in flight at once (default ${DEFAULT_CONCURRENCY})
  --workers      --workers of the child server (default 1)
  --out          where failing cases are written as JSON (default ${DEFAULT_OUT})
  --warm-up      mutated cases run before the RSS/fd baseline is read (default ${DEFAULT_WARM_UP_CASES})
  --replay       run these case files instead (repeatable)`;

if (import.meta.main) Deno.exit(await cli(Deno.args));

/** Runs the command; resolves to the exit code. */
export async function cli(args: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args,
      options: {
        seed: { type: "string" },
        cases: { type: "string" },
        concurrency: { type: "string" },
        workers: { type: "string" },
        out: { type: "string" },
        replay: { type: "string", multiple: true },
        "warm-up": { type: "string" },
        help: { type: "boolean" },
      },
    }).values;
  } catch (e) {
    console.error(`fuzz: ${e instanceof Error ? e.message : e}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const count = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));
  const seed = count(values.seed, DEFAULT_SEED);
  const cases = count(values.cases, DEFAULT_CASES);
  const concurrency = count(values.concurrency, DEFAULT_CONCURRENCY);
  const workers = count(values.workers, 1);
  const warmUpCases = count(values["warm-up"], DEFAULT_WARM_UP_CASES);
  if (
    ![seed, cases, concurrency, workers, warmUpCases].every((n) =>
      Number.isSafeInteger(n) && n >= 0
    )
  ) {
    console.error(
      `fuzz: --seed, --cases, --concurrency and --workers take whole numbers\n${USAGE}`,
    );
    return 2;
  }
  const report = await fuzz({
    seed,
    cases,
    concurrency: Math.max(1, concurrency),
    workers: Math.max(1, workers),
    outDir: values.out ?? DEFAULT_OUT,
    replay: values.replay ?? [],
    warmUpCases: values.replay ? 0 : warmUpCases,
    log: (line) => console.log(line),
    progressEverySeconds: PROGRESS_EVERY_S,
  });
  console.log(summary(report, seed));
  return report.findings.length === 0 && report.serverFailures.length === 0 ? 0 : 1;
}

/** The run in a few lines. */
export function summary(r: FuzzReport, seed: number): string {
  const mib = (v: number | null) => (v === null ? "n/a" : `${v.toFixed(1)} MiB`);
  const statuses = Object.entries(r.statuses).map(([s, n]) => `${s}×${n}`).join(" ");
  return [
    `fuzz: seed ${seed}: ${r.cases} cases, ${r.requests} requests in ${r.seconds.toFixed(1)} s ` +
    `(${(r.cases / Math.max(r.seconds, 1e-9)).toFixed(0)} cases/s, ` +
    `${(r.requests / Math.max(r.seconds, 1e-9)).toFixed(0)} requests/s)`,
    `fuzz: statuses ${statuses}; ${r.resets} connections reset by the server`,
    `fuzz: RSS ${mib(r.baseline.rssMiB)} at baseline, ${mib(r.peakRssMiB)} peak, ` +
    `${mib(r.after.rssMiB)} after; fds ${r.baseline.fds} → ${r.after.fds}; ` +
    `temp files after: ${r.after.tempFiles}`,
    `fuzz: ${r.findings.length} failing cases, ${r.serverFailures.length} server failures` +
    r.serverFailures.map((f) => `\n  ${f}`).join(""),
  ].join("\n");
}
