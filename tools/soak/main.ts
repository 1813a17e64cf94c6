/**
 * `deno task soak --minutes N`: mixed load (`soak_load.ts`) against a child wireserve with its
 * default limits, sampling its RSS, open descriptors and upload temp files. The run passes when,
 * after the warm-up and N minutes, RSS is within +10% of its value at the end of the warm-up, and
 * once the load stops descriptors and temp files are back to their values before it — and no
 * answer was a 5xx other than 503/507. Prints a table; exits 1 on failure, 2 on a usage error.
 *
 *   deno task soak --minutes 10 [--warm-up 120] [--clients 16] [--sample 15] [--workers N]
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { type ChildServer, settle, startChildServer } from "../support/child_server.ts";
import { type LoadCounts, runLoad, SOAK_FILES } from "./soak_load.ts";

const DEFAULT_MINUTES = 10;
const DEFAULT_WARM_UP_S = 120;
const DEFAULT_CLIENTS = 16;
const DEFAULT_SAMPLE_S = 15;
/** Allowed RSS growth over the post-warm-up value (the issue's +10%). */
export const RSS_GROWTH_RATIO = 0.1;
/** How long descriptors and temp files may take to come back once the load stops: the default
 * keep-alive idle clock (5 s) and lingering close (2 s), with room on a shared machine. */
const SETTLE_MS = 30_000;
const MS_PER_S = 1000;
const S_PER_MIN = 60;

/** One sample of the server. */
interface Sample {
  atS: number;
  phase: "start" | "warm-up" | "load" | "settled";
  rssMiB: number | null;
  fds: number | null;
  tempFiles: number;
  requests: number;
  /** V8 heap used, heap reserved and external MiB of the serving isolate (with --workers 1). */
  heapMiB: number | null;
  heapTotalMiB: number | null;
  externalMiB: number | null;
}

if (import.meta.main) Deno.exit(await cli(Deno.args));

/** Runs the soak; resolves to the exit code. */
export async function cli(args: string[]): Promise<number> {
  let v;
  try {
    v = parseArgs({
      args,
      options: {
        minutes: { type: "string" },
        "warm-up": { type: "string" },
        clients: { type: "string" },
        sample: { type: "string" },
        workers: { type: "string" },
      },
    }).values;
  } catch (e) {
    console.error(`soak: ${e instanceof Error ? e.message : e}`);
    return 2;
  }
  const minutes = Number(v.minutes ?? DEFAULT_MINUTES);
  const warmUpS = Number(v["warm-up"] ?? DEFAULT_WARM_UP_S);
  const clients = Number(v.clients ?? DEFAULT_CLIENTS);
  const sampleS = Number(v.sample ?? DEFAULT_SAMPLE_S);
  if (![minutes, warmUpS, clients, sampleS].every((n) => Number.isFinite(n) && n > 0)) {
    console.error("soak: --minutes, --warm-up, --clients and --sample take positive numbers");
    return 2;
  }
  const result = await soak({
    loadMs: minutes * S_PER_MIN * MS_PER_S,
    warmUpMs: warmUpS * MS_PER_S,
    clients: Math.round(clients),
    sampleMs: sampleS * MS_PER_S,
    workers: v.workers,
    log: (line) => console.log(line),
  });
  return result.failures.length === 0 ? 0 : 1;
}

/** What to run. */
export interface SoakOptions {
  loadMs: number;
  warmUpMs: number;
  clients: number;
  sampleMs: number;
  /** `--workers` for the server (its default when undefined). */
  workers?: string;
  log: (line: string) => void;
}

/** What it found. */
export interface SoakResult {
  samples: Sample[];
  counts: LoadCounts;
  failures: string[];
}

/** Runs the soak as `opts` says. */
export async function soak(opts: SoakOptions): Promise<SoakResult> {
  const dir = await makeFixture();
  const flags = ["--quiet", "--allow-delete", "--allow-mkdir"];
  if (opts.workers !== undefined) flags.push("--workers", opts.workers);
  // The heap report describes the serving isolate only when the main thread serves.
  const server = await startChildServer(dir, flags, opts.workers === "1");
  const counts: LoadCounts = { requests: 0, unexpected: {}, errors: {}, serverErrors: 0 };
  const samples: Sample[] = [];
  const failures: string[] = [];
  const t0 = performance.now();
  const sample = async (phase: Sample["phase"]) => {
    const s: Sample = {
      atS: (performance.now() - t0) / MS_PER_S,
      phase,
      rssMiB: await server.rssMiB(),
      fds: await server.fds(),
      tempFiles: server.tempFiles(),
      requests: counts.requests,
      heapMiB: server.heap()?.usedMiB ?? null,
      heapTotalMiB: server.heap()?.totalMiB ?? null,
      externalMiB: server.heap()?.externalMiB ?? null,
    };
    samples.push(s);
    opts.log(row(s));
    return s;
  };
  try {
    opts.log(header());
    const start = await sample("start");
    let stopAt = t0 + opts.warmUpMs;
    const load = runLoad(server.port, opts.clients, () => performance.now() >= stopAt, counts);
    let warmEnd: Sample | null = null;
    let lastLoad: Sample | null = null;
    const loadEnd = t0 + opts.warmUpMs + opts.loadMs;
    stopAt = loadEnd;
    const warmUpEnd = t0 + opts.warmUpMs;
    while (performance.now() < loadEnd && server.alive()) {
      // One sample falls exactly at the end of the warm-up: the value the run is judged against.
      const due = warmEnd === null ? warmUpEnd : loadEnd;
      const next = Math.min(performance.now() + opts.sampleMs, due, loadEnd);
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
      if (warmEnd === null && performance.now() >= warmUpEnd) {
        warmEnd = await sample("warm-up");
        continue;
      }
      const s = await sample(warmEnd === null ? "warm-up" : "load");
      if (warmEnd !== null) lastLoad = s;
    }
    await load;
    if (!server.alive()) failures.push("the server died");
    const settledFds = await settle(
      () => server.fds(),
      (n) => n === null || n <= (start.fds ?? n),
      SETTLE_MS,
    );
    const settledTemp = await settle(
      () => server.tempFiles(),
      (n) => n <= start.tempFiles,
      SETTLE_MS,
    );
    const end = await sample("settled");
    judge(
      start,
      warmEnd,
      lastLoad,
      { ...end, fds: settledFds, tempFiles: settledTemp },
      counts,
      failures,
    );
  } finally {
    const code = await server.stop();
    if (code !== 0) failures.push(`server exited ${code} on SIGTERM`);
    const errors = server.stderr().split("\n").filter((l) => l.includes("failed")).slice(-5);
    if (errors.length > 0) opts.log(`soak: server stderr (last lines):\n  ${errors.join("\n  ")}`);
  }
  const seconds = opts.loadMs / MS_PER_S;
  opts.log(
    `soak: ${counts.requests} requests (${
      (counts.requests / ((opts.warmUpMs + opts.loadMs) / MS_PER_S)).toFixed(0)
    }/s) ` +
      `over ${(opts.warmUpMs / MS_PER_S).toFixed(0)} s warm-up + ${
        seconds.toFixed(0)
      } s, ${opts.clients} clients`,
  );
  opts.log(
    `soak: unexpected statuses ${JSON.stringify(counts.unexpected)}; client errors ${
      JSON.stringify(counts.errors)
    }`,
  );
  opts.log(failures.length === 0 ? "soak: PASS" : `soak: FAIL\n  ${failures.join("\n  ")}`);
  return { samples, counts, failures };
}

function judge(
  start: Sample,
  warmEnd: Sample | null,
  lastLoad: Sample | null,
  end: Sample,
  counts: LoadCounts,
  failures: string[],
): void {
  if (warmEnd?.rssMiB != null && lastLoad?.rssMiB != null) {
    const allowed = warmEnd.rssMiB * (1 + RSS_GROWTH_RATIO);
    const verdict = lastLoad.rssMiB <= allowed ? "within" : "over";
    const line = `RSS ${lastLoad.rssMiB.toFixed(1)} MiB at the end of the load, ${verdict} ` +
      `${allowed.toFixed(1)} (post-warm-up ${warmEnd.rssMiB.toFixed(1)} + 10%)`;
    if (verdict === "over") failures.push(line);
    else console.log(`soak: ${line}`);
  }
  if (end.fds !== null && start.fds !== null && end.fds > start.fds) {
    failures.push(`descriptors: ${start.fds} before the load, ${end.fds} after it settled`);
  }
  if (end.tempFiles > start.tempFiles) failures.push(`${end.tempFiles} temp files left`);
  if (counts.serverErrors > 0) failures.push(`${counts.serverErrors} answers were 5xx`);
}

function header(): string {
  return "   time  phase       RSS MiB   fds  temp  requests  heap used/total MiB  external MiB";
}

function row(s: Sample): string {
  return `${s.atS.toFixed(0).padStart(6)} s  ${s.phase.padEnd(10)}${
    (s.rssMiB?.toFixed(1) ?? "n/a").padStart(8)
  }${String(s.fds ?? "n/a").padStart(6)}${String(s.tempFiles).padStart(6)}${
    String(s.requests).padStart(10)
  }${
    (s.heapMiB === null ? "-" : `${s.heapMiB.toFixed(1)}/${s.heapTotalMiB?.toFixed(1)}`).padStart(
      21,
    )
  }${(s.externalMiB?.toFixed(1) ?? "-").padStart(14)}`;
}

async function makeFixture(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-soak-" });
  for (let i = 0; i < SOAK_FILES.smallCount; i++) {
    await Deno.writeTextFile(join(dir, `s${i}.txt`), `${i}`.repeat(SOAK_FILES.smallBytes / 2));
  }
  const large = new Uint8Array(SOAK_FILES.largeBytes);
  for (let i = 0; i < large.length; i += 4096) large[i] = i & 0xff;
  await Deno.writeFile(join(dir, "large.bin"), large);
  await Deno.mkdir(join(dir, "up"));
  return dir;
}

export type { ChildServer };
