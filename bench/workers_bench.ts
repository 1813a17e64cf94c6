/**
 * The workers benchmark (issue 13), every figure against a baseline measured in the same run:
 *
 * - wireserve `--workers 2` against nginx `worker_processes 2`: a 1 KiB and a 100 KiB file under
 *   keep-alive load, the 1 KiB file with `Connection: close` (wrk, 64 connections), a 64 MiB file
 *   and a 64 MiB raw `PUT`, each as a batch of transfers 4 at a time through one curl;
 * - echo (`GET /echo/wireserve`, keep-alive, 64 connections) with one worker against `Deno.serve`,
 *   and with two against `deno serve --parallel` on two isolates (`DENO_JOBS=2`), with the
 *   server's CPU per request read from /proc around each run;
 * - anonymous RSS idle with 1, 2 and 4 workers (→ per extra worker), and its growth with 1,000
 *   idle keep-alive connections spread over 2 workers; p99 from the keep-alive runs above.
 *
 * Every comparison runs `rounds` rounds, the two servers back to back with the order alternating,
 * and reports medians and the median of the per-round ratios. The files live on tmpfs (/dev/shm),
 * so uploads measure the servers and not a disk.
 *
 * Runnable alone (`deno run -A bench/workers_bench.ts [--duration 10s] [--rounds 3]`) or from
 * the main bench (`--only workers`). Writes bench/results/workers.md and prints it.
 * @module
 */

import { parseArgs } from "node:util";
import { measureIdleConnections } from "./memory.ts";
import { IDLE_TICK_MS, QUIET_MS } from "../src/app/idle_memory.ts";
import { findNginx, startNginx } from "./nginx.ts";
import { clockTicksPerSecond, statusKiB } from "./proc.ts";
import { getOnce, headerValue } from "./raw_http.ts";
import { pairOrder } from "./rounds.ts";
import { IDLE_CONNECTIONS, SMALL_PATH } from "./scenarios.ts";
import { type RunningServer, shellLine, startServer, wireserveSpec } from "./servers.ts";
import { curlBatch, wrkWithCpu } from "./workers_load.ts";
import {
  type IdleConnectionsRound,
  type PairOutcome,
  type PairRound,
  renderWorkersReport,
  type RunFigures,
  type WorkerMemory,
  type WorkersTargets,
} from "./workers_report.ts";
import { findWrk, runWrk, type Wrk, wrkArgs } from "./wrk.ts";

const REPO_ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname);
const RESULTS_FILE = decodeURIComponent(new URL("results/workers.md", import.meta.url).pathname);
const DENO_SERVE = decodeURIComponent(new URL("baseline_deno_serve.ts", import.meta.url).pathname);
const RAW_LISTEN = decodeURIComponent(new URL("baseline_raw_listen.ts", import.meta.url).pathname);
const DENO_SERVE_PARALLEL = decodeURIComponent(
  new URL("baseline_deno_serve_parallel.ts", import.meta.url).pathname,
);
const KIB = 1024;
const MIB = 1024 * KIB;
/** tmpfs, where the files and uploads live. */
const TMPFS = "/dev/shm";
/** The worker count the issue compares (this machine has 2 cores). */
const WORKERS = 2;
/** Worker counts whose idle memory is read. */
const MEMORY_WORKER_COUNTS = [1, 2, 4] as const;
const WRK_THREADS = 2;
const WRK_CONNECTIONS = 64;
/** Transfers in flight at once in the 64 MiB download and upload batches. */
const TRANSFER_PARALLEL = 4;
/** Transfers per batch: 16 × 64 MiB = 1 GiB down, 8 × 64 MiB = 512 MiB up. */
const DOWNLOADS_PER_BATCH = 16;
const UPLOADS_PER_BATCH = 8;
/** The memory warm-up: a short keep-alive run so every worker has run its hot code. */
const MEMORY_WARM = { duration: "2s", connections: 16 } as const;
/**
 * Pause before an idle RSS reading: past the quiet spell after which each isolate gives its grown
 * heap back (src/app/idle_memory.ts), so the reading is of a server that has been idle, not of
 * one that has just stopped working.
 */
const SETTLE_MS = QUIET_MS + 2 * IDLE_TICK_MS;
/** The ceilings. */
const TARGETS: WorkersTargets = { perWorkerMiB: 16, idleConnectionsMiB: 30, p99Ms: 5 };
/** rwxr-xr-x: folders nginx's worker user (nobody) must read; rwxrwxrwx: ones it writes. */
const PUBLIC_DIR_MODE = "755";
const WRITABLE_DIR_MODE = "777";
/** The files served, by name, with their sizes. */
const FILES = {
  small: ["1k.bin", KIB],
  medium: ["100k.bin", 100 * KIB],
  large: ["64m.bin", 64 * MIB],
} as const;

/** The servers the comparisons use. */
type ServerKey = "ws1" | "ws2" | "denoServe" | "denoParallel" | "nginx" | "raw1" | "raw2";

/** A comparison: its load, the two servers, and the targets. */
interface Case {
  title: string;
  load:
    | { kind: "wrk"; path: string; extra: readonly string[] }
    | { kind: "download" }
    | { kind: "upload" };
  subject: ServerKey;
  baseline: ServerKey;
  /** The floor; null for a reference row (the fixed shape's ceiling), judged by none. */
  minRatio: number | null;
  maxCpuRatio?: number;
  p99Judged?: boolean;
}

const FILE_PATH = (key: keyof typeof FILES) => `/files/${FILES[key][0]}`;

/** Every comparison, in the order it runs and prints, with the targets. */
const CASES: readonly Case[] = [
  {
    title: "echo, keep-alive, 1 worker",
    load: { kind: "wrk", path: SMALL_PATH, extra: [] },
    subject: "ws1",
    baseline: "denoServe",
    minRatio: 1.0,
    maxCpuRatio: 1.0,
    p99Judged: true,
  },
  {
    title: "echo, keep-alive, 1 isolate: the fixed shape's ceiling (reference)",
    load: { kind: "wrk", path: SMALL_PATH, extra: [] },
    subject: "raw1",
    baseline: "denoServe",
    minRatio: null,
  },
  {
    title: `echo, keep-alive, ${WORKERS} workers`,
    load: { kind: "wrk", path: SMALL_PATH, extra: [] },
    subject: "ws2",
    baseline: "denoParallel",
    minRatio: 1.0,
    p99Judged: true,
  },
  {
    title: "1 KiB file, keep-alive",
    load: { kind: "wrk", path: FILE_PATH("small"), extra: [] },
    subject: "ws2",
    baseline: "nginx",
    minRatio: 1.0,
    p99Judged: true,
  },
  {
    title: "100 KiB file, keep-alive",
    load: { kind: "wrk", path: FILE_PATH("medium"), extra: [] },
    subject: "ws2",
    baseline: "nginx",
    minRatio: 1.0,
  },
  {
    title: "1 KiB file, `Connection: close`",
    load: { kind: "wrk", path: FILE_PATH("small"), extra: ["-H", "Connection: close"] },
    subject: "ws2",
    baseline: "nginx",
    minRatio: 0.8,
  },
  {
    title: "1 KiB, `Connection: close`: the fixed shape's ceiling (reference)",
    load: { kind: "wrk", path: FILE_PATH("small"), extra: ["-H", "Connection: close"] },
    subject: "raw2",
    baseline: "nginx",
    minRatio: null,
  },
  {
    title: `64 MiB file, ${DOWNLOADS_PER_BATCH} downloads ${TRANSFER_PARALLEL} at a time`,
    load: { kind: "download" },
    subject: "ws2",
    baseline: "nginx",
    minRatio: 0.9,
  },
  {
    title: `64 MiB raw PUT, ${UPLOADS_PER_BATCH} uploads ${TRANSFER_PARALLEL} at a time`,
    load: { kind: "upload" },
    subject: "ws2",
    baseline: "nginx",
    minRatio: 0.9,
  },
];

/** How long and how often to measure. */
export interface WorkersBenchOptions {
  /** wrk duration per measured run, e.g. "10s". */
  duration: string;
  /** Rounds per comparison (and per memory reading); medians count. */
  rounds: number;
  /** Unmeasured wrk warm-up per server before each wrk comparison; "0s" skips it. */
  warmup: string;
}

/** Runs the benchmark; resolves to the markdown report, or throws when wrk is missing. */
export async function runWorkersBench(
  opts: WorkersBenchOptions,
  env: Record<string, string | undefined>,
): Promise<string> {
  const wrk = await findWrk(env);
  if (wrk === null) {
    throw new Error("wrk not found ($WRK, /usr/bin/wrk, PATH): apt-get install wrk");
  }
  const nginx = await findNginx(env);
  const loadBefore = Deno.loadavg();
  const ticksPerSecond = await clockTicksPerSecond();
  const warnings: string[] = [];
  const commands: string[] = [];
  // Deno touches /dev/shm only under --allow-all, which `deno task bench` does not grant: file
  // work there goes through small commands (--allow-run); nginx's own files stay in a disk temp.
  const shm = await sh(`mktemp -d -p ${TMPFS} wireserve-workers-bench-XXXXXX`);
  if (shm === null) throw new Error(`Cannot make a folder in ${TMPFS}`);
  const diskTmp = await Deno.makeTempDir({ prefix: "wireserve-workers-bench-" });
  const root = `${shm}/root`;
  const servers = new Map<ServerKey, RunningServer>();
  try {
    progress(`writing the files to ${root}`);
    const made = await sh(
      `chmod ${PUBLIC_DIR_MODE} ${shm} && mkdir -m ${PUBLIC_DIR_MODE} ${root} && ` +
        Object.values(FILES).map(([n, size]) => `head -c ${size} /dev/urandom > ${root}/${n}`)
          .join(" && ") +
        ` && mkdir -m ${WRITABLE_DIR_MODE} ${root}/up-ws ${root}/up-nginx ${shm}/nginx-body`,
    );
    if (made === null) throw new Error(`Cannot write the files in ${root}`);

    const memory = await measureMemory(wrk, opts.rounds, root, commands, warnings);

    progress("starting servers");
    const ws1 = await startServer(wireserveSpec(root, 1), REPO_ROOT);
    servers.set("ws1", ws1);
    servers.set("ws2", await startServer(wireserveSpec(root, WORKERS), REPO_ROOT));
    const page = await getOnce(ws1.port, SMALL_PATH);
    const bodyFile = `${diskTmp}/page.body`;
    await Deno.writeFile(bodyFile, page.body);
    const contentType = headerValue(page, "content-type") ?? "application/octet-stream";
    servers.set(
      "denoServe",
      await startServer({
        name: "Deno.serve",
        denoArgs: [
          "run",
          "-A",
          DENO_SERVE,
          "--port",
          "{port}",
          "--body-file",
          bodyFile,
          "--content-type",
          contentType,
        ],
      }, REPO_ROOT),
    );
    servers.set(
      "denoParallel",
      await startServer({
        name: `deno serve --parallel (${WORKERS})`,
        env: { DENO_JOBS: String(WORKERS) },
        denoArgs: [
          "serve",
          "-A",
          "--parallel",
          "--host",
          "127.0.0.1",
          "--port",
          "{port}",
          DENO_SERVE_PARALLEL,
          "--body-file",
          bodyFile,
          "--content-type",
          contentType,
        ],
      }, REPO_ROOT),
    );
    // The fixed shape's ceiling: Deno.listen, conn.readable, canned answers, nothing else.
    const rawSpec = (name: string, workers: number, body: string, type: string) => ({
      name,
      denoArgs: [
        "run",
        "-A",
        "--unstable-net",
        RAW_LISTEN,
        "--port",
        "{port}",
        "--body-file",
        body,
        "--content-type",
        type,
        "--workers",
        String(workers),
      ],
    });
    servers.set(
      "raw1",
      await startServer(rawSpec("raw Deno.listen", 1, bodyFile, contentType), REPO_ROOT),
    );
    const smallFile = `${root}/${FILES.small[0]}`;
    servers.set(
      "raw2",
      await startServer(
        rawSpec(`raw Deno.listen ×${WORKERS}`, WORKERS, smallFile, "application/octet-stream"),
        REPO_ROOT,
      ),
    );
    if (nginx !== null) {
      servers.set(
        "nginx",
        await startNginx(nginx.path, root, `${diskTmp}/nginx`, {
          workers: WORKERS,
          put: true,
          bodyTempPath: `${shm}/nginx-body`,
        }),
      );
    } else {
      warnings.push("nginx is not installed (apt-get install nginx): its comparisons are skipped.");
    }
    for (const s of servers.values()) commands.push(`# ${s.name}: ${s.command}`);
    await checkSameBytes(servers, warnings);

    const pairs: PairOutcome[] = [];
    for (const c of CASES) {
      const subject = servers.get(c.subject)!;
      const baseline = servers.get(c.baseline);
      if (baseline === undefined) continue;
      const pair = [subject, baseline] as const;
      if (c.load.kind === "wrk" && opts.warmup !== "0s") {
        for (const s of pair) {
          progress(`${c.title}: warm-up ${s.name} for ${opts.warmup}`);
          await runWrk(wrk, loadArgs(s, c.load.path, c.load.extra, opts.warmup), NO_ABORT);
        }
      }
      const rounds: PairRound[] = [];
      for (let round = 0; round < opts.rounds; round++) {
        const runs: RunFigures[] = [];
        for (const i of pairOrder(round)) {
          const s = pair[i];
          progress(`${c.title}: ${s.name}, round ${round + 1}/${opts.rounds}`);
          runs[i] = await measure(c, s, i === 0 ? "ws" : "nginx");
        }
        rounds.push({ subject: runs[0], baseline: runs[1] });
      }
      pairs.push({
        title: c.title,
        unit: c.load.kind === "wrk" ? "req/s" : "MB/s",
        subject: subject.name,
        baseline: baseline.name,
        minRatio: c.minRatio,
        maxCpuRatio: c.maxCpuRatio,
        p99Judged: c.p99Judged,
        rounds,
      });
    }
    for (const s of servers.values()) {
      if (s.exited() !== null) warnings.push(`${s.name} exited mid-run: ${s.output().slice(-300)}`);
    }
    return renderWorkersReport({
      date: new Date(),
      environment: [
        `deno ${Deno.version.deno}; ${wrk.version}; ${nginx?.version ?? "no nginx"}`,
        `${navigator.hardwareConcurrency} CPUs, ${Deno.build.os} ${Deno.osRelease()}; load ` +
        `average (1/5/15 min) before ${loadText(loadBefore)}, after ${loadText(Deno.loadavg())}`,
        `git ${await gitRevision()}`,
        `wrk: ${WRK_THREADS} threads, ${WRK_CONNECTIONS} connections, ${opts.duration} per run, ` +
        `${opts.warmup} warm-up per server and scenario; files and uploads on ${TMPFS}`,
      ],
      rounds: opts.rounds,
      pairs,
      perWorker: memory.perWorker,
      idleConnections: memory.idle,
      targets: TARGETS,
      commands,
      warnings,
    });
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    await sh(`rm -rf ${shm}`);
    await Deno.remove(diskTmp, { recursive: true }).catch(() => {});
  }

  /** One measured run of `server` under `c`'s load. */
  async function measure(c: Case, server: RunningServer, upDir: string): Promise<RunFigures> {
    if (c.load.kind === "wrk") {
      const args = loadArgs(server, c.load.path, c.load.extra, opts.duration);
      const { run, cpuUsPerRequest } = await wrkWithCpu(
        wrk!,
        args,
        server.pid,
        ticksPerSecond,
        NO_ABORT,
      );
      const line = shellLine(run.command);
      if (!commands.includes(line)) commands.push(line);
      const r = run.result;
      if (r === null) {
        warnings.push(`${server.name}, ${c.title}: wrk gave no result: ${run.output.slice(-300)}`);
        return { value: null, p99Ms: null, cpuUsPerRequest: null };
      }
      if (r.non2xx > 0 || r.socketErrors !== null) {
        warnings.push(
          `${server.name}, ${c.title}: ${r.non2xx} non-2xx responses, socket errors ` +
            `${r.socketErrors ?? "none"}.`,
        );
      }
      return { value: r.non2xx > 0 ? null : r.requestsPerSec, p99Ms: r.p99Ms, cpuUsPerRequest };
    }
    const upload = c.load.kind === "upload";
    const count = upload ? UPLOADS_PER_BATCH : DOWNLOADS_PER_BATCH;
    const urls = Array.from(
      { length: count },
      (_, i) => urlOf(server, upload ? `/files/up-${upDir}/put-${i}.bin` : FILE_PATH("large")),
    );
    const batch = await curlBatch(
      urls,
      TRANSFER_PARALLEL,
      upload ? `${root}/${FILES.large[0]}` : undefined,
    );
    if (upload) await sh(`find ${root}/up-${upDir} -mindepth 1 -delete`);
    const firstUrl = batch.command.indexOf(urls[0]);
    const shown = `${shellLine(batch.command.slice(0, firstUrl + 1))} … (${count} URLs)`;
    if (!commands.includes(shown)) commands.push(shown);
    const want = count * FILES.large[1];
    const okStatus = batch.statuses.every((s) => s >= 200 && s < 300);
    if (!okStatus || batch.statuses.length !== count || batch.bytes !== want) {
      warnings.push(
        `${server.name}, ${c.title}: statuses ${[...new Set(batch.statuses)].join("/")}, ` +
          `${batch.bytes} of ${want} bytes.`,
      );
      return { value: null, p99Ms: null, cpuUsPerRequest: null };
    }
    return { value: batch.bytes / batch.seconds, p99Ms: null, cpuUsPerRequest: null };
  }
}

const NO_ABORT = new AbortController().signal;

function loadArgs(
  server: RunningServer,
  path: string,
  extra: readonly string[],
  duration: string,
): string[] {
  return wrkArgs({
    threads: WRK_THREADS,
    connections: WRK_CONNECTIONS,
    duration,
    url: urlOf(server, path),
    extra,
    scriptArgs: [],
  });
}

/**
 * Idle anonymous RSS of fresh servers with 1, 2 and 4 workers, `rounds` times each; with 2
 * workers also the growth under 1,000 idle keep-alive connections.
 */
async function measureMemory(
  wrk: Wrk,
  rounds: number,
  root: string,
  commands: string[],
  warnings: string[],
): Promise<{
  perWorker: WorkerMemory[];
  idle: { workers: number; count: number; rounds: IdleConnectionsRound[] } | null;
}> {
  const perWorker: WorkerMemory[] = MEMORY_WORKER_COUNTS.map((workers) => ({
    workers,
    rssAnonKiB: [],
    coldKiB: [],
  }));
  const idleRounds: IdleConnectionsRound[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const w of perWorker) {
      progress(`memory: ${w.workers} worker(s), round ${round + 1}/${rounds}`);
      const server = await startServer(wireserveSpec(root, w.workers), REPO_ROOT);
      try {
        if (round === 0) commands.push(`# memory, ${w.workers} worker(s): ${server.command}`);
        const cold = await statusKiB(server.pid, "RssAnon");
        if (cold !== null) w.coldKiB!.push(cold);
        await runWrk(
          wrk,
          wrkArgs({
            threads: WRK_THREADS,
            connections: MEMORY_WARM.connections,
            duration: MEMORY_WARM.duration,
            url: urlOf(server, SMALL_PATH),
            extra: [],
            scriptArgs: [],
          }),
          NO_ABORT,
        );
        await new Promise((r) => setTimeout(r, SETTLE_MS));
        const anon = await statusKiB(server.pid, "RssAnon");
        if (anon === null) warnings.push(`${server.name}: RssAnon could not be read from /proc.`);
        else w.rssAnonKiB.push(anon);
        if (w.workers === WORKERS) {
          progress(`memory: ${IDLE_CONNECTIONS} idle connections to ${w.workers} workers`);
          const m = await measureIdleConnections(
            server.pid,
            server.port,
            IDLE_CONNECTIONS,
            "RssAnon",
          )
            .catch((e: Error) => {
              warnings.push(`idle connections: ${e.message}`);
              return null;
            });
          if (m !== null) {
            idleRounds.push({
              growthKiB: m.growthMiB * KIB,
              opened: m.opened,
              heldByServer: m.heldByServer,
            });
          }
        }
      } finally {
        await server.stop();
      }
    }
  }
  return {
    perWorker,
    idle: idleRounds.length === 0
      ? null
      : { workers: WORKERS, count: IDLE_CONNECTIONS, rounds: idleRounds },
  };
}

/** Warns when the servers answer their shared paths with different bytes. */
async function checkSameBytes(
  servers: Map<ServerKey, RunningServer>,
  warnings: string[],
): Promise<void> {
  const groups: Array<[string, ServerKey[]]> = [
    [SMALL_PATH, ["ws1", "ws2", "denoServe", "denoParallel", "raw1"]],
    [FILE_PATH("small"), ["ws2", "nginx", "raw2"]],
  ];
  for (const [path, keys] of groups) {
    const present = keys.map((k) => servers.get(k)).filter((s) => s !== undefined);
    const bodies = await Promise.all(present.map(async (s) => (await getOnce(s.port, path)).body));
    for (const [i, b] of bodies.entries()) {
      if (b.length !== bodies[0].length || !b.every((x, j) => x === bodies[0][j])) {
        warnings.push(
          `${present[i].name} answers ${path} with other bytes than ${present[0].name}.`,
        );
      }
    }
  }
}

/** Runs a shell command line (paths here are our own, without spaces); its stdout, or null. */
async function sh(line: string): Promise<string | null> {
  const out = await new Deno.Command("sh", { args: ["-c", line], stdout: "piped", stderr: "null" })
    .output();
  return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
}

async function gitRevision(): Promise<string> {
  try {
    const run = (args: string[]) =>
      new Deno.Command("git", { args, cwd: REPO_ROOT, stdout: "piped", stderr: "null" }).output();
    const head = new TextDecoder().decode((await run(["rev-parse", "--short", "HEAD"])).stdout);
    const dirty = (await run(["status", "--porcelain"])).stdout.length > 0;
    return `${head.trim()}${dirty ? " + uncommitted changes" : ""}`;
  } catch {
    return "unknown";
  }
}

function loadText(avg: number[]): string {
  return avg.map((l) => l.toFixed(2)).join(" ");
}

function urlOf(server: RunningServer, path: string): string {
  return `http://127.0.0.1:${server.port}${path}`;
}

function progress(message: string): void {
  console.error(`workers bench: ${message}`);
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    strict: true,
    options: {
      duration: { type: "string", default: "10s" },
      rounds: { type: "string", default: "3" },
      warmup: { type: "string", default: "2s" },
    },
  });
  const report = await runWorkersBench(
    {
      duration: values.duration,
      rounds: Math.max(1, Number(values.rounds) || 1),
      warmup: values.warmup,
    },
    Deno.env.toObject(),
  );
  console.log(report);
  await Deno.mkdir(new URL("results", import.meta.url), { recursive: true });
  await Deno.writeTextFile(RESULTS_FILE, report);
  console.error(`workers bench: written to ${RESULTS_FILE}`);
}
