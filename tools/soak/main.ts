/**
 * `deno task soak --minutes N`: mixed load (`soak_load.ts`) against a child wireserve with its
 * default limits, sampling its RSS, open descriptors and upload temp files. The run passes when,
 * after the warm-up and N minutes, RSS is within +10% of its value at the end of the warm-up, and
 * once the load stops descriptors and temp files are back to their values before it — and no
 * answer was a 5xx other than 503/507. Prints a table; exits 1 on failure, 2 on a usage error.
 * `--hostile` runs the hostile connection patterns of `hostile.ts` instead of the load.
 *
 *   deno task soak --minutes 10 [--warm-up 120] [--clients 16] [--sample 15] [--workers N]
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { statusKiB } from "../../bench/proc.ts";
import { settle, startChildServer } from "../support/child_server.ts";
import { runHostile } from "./hostile.ts";
import { makeFixture, selfSignedCert } from "./fixture.ts";
import { type LoadCounts, runLoad } from "./soak_load.ts";
import { header, latencyLine, row, type Sample, type Timing, timing } from "./report.ts";

const DEFAULT_MINUTES = 10;
const DEFAULT_WARM_UP_S = 120;
const DEFAULT_CLIENTS = 16;
const DEFAULT_SAMPLE_S = 15;
/** Allowed RSS growth over the post-warm-up value (the issue's +10%). */
export const RSS_GROWTH_RATIO = 0.1;
/** How long descriptors and temp files may take to come back once the load stops: the default
 * keep-alive idle clock (5 s) and lingering close (2 s), with room on a shared machine. */
const SETTLE_MS = 30_000;
/**
 * How long after the load the last row is taken: each isolate gives its heap back after 10 s
 * without a request (src/app/idle_memory.ts), so RSS is read once that has had time to run.
 */
const IDLE_COLLECTION_WAIT_MS = 15_000;
/** How early a timer may fire and still count as on time. */
const TIMER_SLACK_MS = 50;
const MS_PER_S = 1000;
const S_PER_MIN = 60;
const KIB_PER_MIB = 1024;
/** `--hostile` defaults: the server's connection limit, the floods past it, the crowds below it. */
const DEFAULT_HOSTILE_MAX_CONNECTIONS = 4096;
const DEFAULT_HOSTILE_FLOOD = 5000;
const DEFAULT_HOSTILE_CROWD = 2000;
const DEFAULT_HOSTILE_READERS = 300;
/** Seconds each hostile scenario holds: past the 10 s head clock, within the 60 s write clock. */
const DEFAULT_HOSTILE_HOLD_S = 14;

/** `deno task soak --help`. */
export const SOAK_USAGE = `Usage: deno task soak [options]

Mixed load against a child wireserve (started on port 0 over a temp folder), sampling its RSS,
RssAnon, open descriptors and upload temp files; exits 0 on PASS, 1 on FAIL, 2 on a bad option.
Details and past runs: docs/soak.md.

  --minutes <n>          load after the warm-up, in minutes (default ${DEFAULT_MINUTES})
  --warm-up <s>          warm-up before the reference sample, in seconds (default ${DEFAULT_WARM_UP_S})
  --clients <n>          client loops (default ${DEFAULT_CLIENTS})
  --sample <s>           seconds between samples (default ${DEFAULT_SAMPLE_S})
  --workers <n|auto>     the server's --workers (default: its own); 1 adds heap columns
  --log <format>         the server's access log: off, common, combined, json (default off)
  --hostile              hostile connection patterns instead of the load (tools/soak/hostile.ts)
  --connections <n>      hostile: connections of the floods (default ${DEFAULT_HOSTILE_FLOOD})
  --max-connections <n>  hostile: the server's --max-connections (default ${DEFAULT_HOSTILE_MAX_CONNECTIONS})
  --tls                  hostile: serve HTTPS (a throwaway CA and certificate made with openssl)
                         and attack the TLS handshake instead
  -h, --help             show this help
`;

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
        log: { type: "string" },
        hostile: { type: "boolean" },
        tls: { type: "boolean" },
        connections: { type: "string" },
        "max-connections": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (e) {
    console.error(`soak: ${e instanceof Error ? e.message : e}\n\n${SOAK_USAGE}`);
    return 2;
  }
  if (v.help) {
    console.log(SOAK_USAGE);
    return 0;
  }
  if (v.hostile) {
    const flood = Number(v.connections ?? DEFAULT_HOSTILE_FLOOD);
    const maxConnections = Number(v["max-connections"] ?? DEFAULT_HOSTILE_MAX_CONNECTIONS);
    if (![flood, maxConnections].every((n) => Number.isInteger(n) && n > 0)) {
      console.error("soak: --connections and --max-connections take positive integers");
      return 2;
    }
    return await hostile({
      workers: v.workers,
      logFormat: v.log,
      tls: v.tls ?? false,
      maxConnections,
      flood,
      log: (line) => console.log(line),
    });
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
    logFormat: v.log,
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
  /** `--log` for the server (off when undefined: `--quiet` alone). */
  logFormat?: string;
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
  const flags = serverFlags(opts.workers, opts.logFormat);
  // The heap report describes the serving isolate only when the main thread serves.
  const server = await startChildServer(dir, flags, opts.workers === "1");
  const counts: LoadCounts = {
    requests: 0,
    unexpected: {},
    errors: {},
    serverErrors: 0,
    done: {},
    ms: {},
  };
  /** The per-action counts at the end of the warm-up and at the last load sample. */
  let atWarmEnd: Timing | null = null;
  let atLastLoad: Timing | null = null;
  const samples: Sample[] = [];
  const failures: string[] = [];
  const t0 = performance.now();
  const sample = async (phase: Sample["phase"]) => {
    const s: Sample = {
      atS: (performance.now() - t0) / MS_PER_S,
      phase,
      rssMiB: await server.rssMiB(),
      rssAnonMiB: await rssAnonMiB(server.pid),
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
      // A timer may fire a little early: that sample is the end of the warm-up, not one before.
      if (warmEnd === null && performance.now() >= warmUpEnd - TIMER_SLACK_MS) {
        warmEnd = await sample("warm-up");
        atWarmEnd = timing(counts);
        continue;
      }
      const s = await sample(warmEnd === null ? "warm-up" : "load");
      if (warmEnd !== null) {
        lastLoad = s;
        atLastLoad = timing(counts);
      }
    }
    await load;
    if (atWarmEnd !== null && atLastLoad !== null) {
      opts.log(latencyLine(atWarmEnd, atLastLoad));
    }
    if (!server.alive()) failures.push("the server died");
    // A null read is /proc read through `find` while a descriptor vanished: not a settled
    // count, so it is read again (it used to pass the check unseen).
    const settledFds = start.fds === null ? null : await settle(
      () => server.fds(),
      (n) => n !== null && n <= start.fds!,
      SETTLE_MS,
    );
    const settledTemp = await settle(
      () => server.tempFiles(),
      (n) => n <= start.tempFiles,
      SETTLE_MS,
    );
    // The figure that says whether memory comes back: after each isolate's idle collection.
    await new Promise((r) => setTimeout(r, IDLE_COLLECTION_WAIT_MS));
    const end = await sample("settled");
    if (start.rssAnonMiB !== null && end.rssAnonMiB !== null) {
      opts.log(
        `soak: RssAnon ${start.rssAnonMiB.toFixed(1)} MiB before the load, ${
          Math.max(...samples.map((x) => x.rssAnonMiB ?? 0)).toFixed(1)
        } at its peak, ${end.rssAnonMiB.toFixed(1)} once idle`,
      );
    }
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
  if (start.fds !== null && end.fds === null) {
    failures.push("descriptors: /proc could not be read once the load stopped");
  } else if (end.fds !== null && start.fds !== null && end.fds > start.fds) {
    failures.push(`descriptors: ${start.fds} before the load, ${end.fds} after it settled`);
  }
  if (end.tempFiles > start.tempFiles) failures.push(`${end.tempFiles} temp files left`);
  if (counts.serverErrors > 0) failures.push(`${counts.serverErrors} answers were 5xx`);
}

/** The server's flags: quiet, deletes and folders allowed, `--workers` and `--log` as given. */
function serverFlags(workers: string | undefined, logFormat: string | undefined): string[] {
  const flags = ["--quiet", "--allow-delete", "--allow-mkdir"];
  if (workers !== undefined) flags.push("--workers", workers);
  if (logFormat !== undefined) flags.push("--log", logFormat);
  return flags;
}

async function rssAnonMiB(pid: number): Promise<number | null> {
  const kib = await statusKiB(pid, "RssAnon");
  return kib === null ? null : kib / KIB_PER_MIB;
}

/** What `--hostile` runs with. */
interface HostileRun {
  workers?: string;
  logFormat?: string;
  tls: boolean;
  maxConnections: number;
  flood: number;
  log: (line: string) => void;
}

/** `--hostile`: the scenarios of hostile.ts against one child server; resolves to the exit code. */
async function hostile(run: HostileRun): Promise<number> {
  const dir = await makeFixture(true);
  const flags = serverFlags(run.workers, run.logFormat);
  flags.push("--max-connections", String(run.maxConnections));
  // Outside the shared folder, so that the key is never served.
  const tlsDir = run.tls ? await Deno.makeTempDir({ prefix: "wireserve-soak-tls-" }) : null;
  const tlsCert = tlsDir === null ? undefined : await selfSignedCert(tlsDir);
  if (tlsDir !== null) {
    flags.push("--tls-cert", join(tlsDir, "cert.pem"), "--tls-key", join(tlsDir, "key.pem"));
  }
  const server = await startChildServer(dir, flags);
  let failures: string[] = [];
  try {
    ({ failures } = await runHostile(server, {
      tlsCert,
      maxConnections: run.maxConnections,
      flood: run.flood,
      crowd: Math.min(DEFAULT_HOSTILE_CROWD, run.maxConnections),
      readers: Math.min(DEFAULT_HOSTILE_READERS, run.maxConnections),
      holdS: DEFAULT_HOSTILE_HOLD_S,
      log: run.log,
    }));
  } finally {
    const code = await server.stop();
    if (code !== 0) failures.push(`server exited ${code} on SIGTERM`);
    if (tlsDir !== null) await Deno.remove(tlsDir, { recursive: true });
  }
  run.log(failures.length === 0 ? "soak: PASS" : `soak: FAIL\n  ${failures.join("\n  ")}`);
  return failures.length === 0 ? 0 : 1;
}
