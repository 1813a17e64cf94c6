/**
 * A fuzz run: starts wireserve as a child on port 0 with small limits and short clocks, sends the
 * unmutated corpus (which must pass every oracle), takes the baseline RSS (of a quiet server) and
 * descriptor count, runs the seeded cases with a fixed concurrency while a probe checks every
 * second that the server still answers, then checks that descriptors, temp files and RSS came back. Every failing case is
 * written to a JSON file that `--replay` runs again.
 *
 * This module must not parse the command line or exit the process.
 * @module
 */

import { join } from "node:path";
import { corpus, serialize } from "./corpus.ts";
import {
  type CaseFile,
  fromCaseFile,
  type FuzzCase,
  generateCase,
  toCaseFile,
} from "./fuzz_case.ts";
import { type Clocks, runCase } from "./run_case.ts";
import { parseResponseStream } from "./response_parser.ts";
import { type ChildServer, settle, startChildServer } from "../support/child_server.ts";
import { IDLE_TICK_MS, QUIET_MS } from "../../src/app/idle_memory.ts";

/** What to run. */
export interface FuzzOptions {
  seed: number;
  /** Cases to run (ignored with `replay`). */
  cases: number;
  /** Cases in flight at once. */
  concurrency: number;
  /** Where found cases are written (null: not written). */
  outDir: string | null;
  /** Found-case files to run instead of generated cases. */
  replay: string[];
  /** `--workers` of the child server. */
  workers: number;
  /** Progress lines. */
  log: (line: string) => void;
  /**
   * A fixed ceiling for RSS after the run instead of the relative check: for short runs, which
   * end before the server's bounded caches and tables have filled (see docs/fuzzing.md).
   */
  rssCeilingMiB?: number;
  /** Mutated cases run before the baseline is read (not counted). */
  warmUpCases: number;
  /** Seconds between progress lines. */
  progressEverySeconds: number;
}

/** One failure: what, for which case, and the file it went to. */
export interface Finding {
  index: number;
  failure: string;
  file: string | null;
}

/** The result of a run. */
export interface FuzzReport {
  cases: number;
  requests: number;
  seconds: number;
  findings: Finding[];
  /** Server-level failures (probe, exit, leaks), not tied to one case. */
  serverFailures: string[];
  statuses: Record<string, number>;
  resets: number;
  baseline: { rssMiB: number | null; fds: number | null };
  after: { rssMiB: number | null; fds: number | null; tempFiles: number };
  peakRssMiB: number | null;
}

/** The child server's clocks and caps: small, so limits are reached and timeouts are quick. */
export const FUZZ_CLOCKS: Clocks = {
  headerTimeoutMs: 2_000,
  bodyTimeoutMs: 2_000,
  idleTimeoutMs: 1_000,
  lingerTimeoutMs: 2_000,
  slackMs: 8_000,
};
const SERVER_FLAGS = [
  "--header-timeout",
  `${FUZZ_CLOCKS.headerTimeoutMs}ms`,
  "--body-timeout",
  `${FUZZ_CLOCKS.bodyTimeoutMs}ms`,
  "--idle-timeout",
  `${FUZZ_CLOCKS.idleTimeoutMs}ms`,
  "--max-upload",
  "64K",
  "--max-capture",
  "16K",
  "--max-generated",
  "64K",
  "--max-delay",
  "1s",
  "--max-connections",
  "512",
  "--resumable-max-uploads",
  "50",
  "--allow-delete",
  "--allow-mkdir",
  "--dotfiles",
  "--quiet",
];
/**
 * Growth of RSS over the baseline (read after the warm-up) still taken as "back to baseline":
 * what the soak allows (+10%), plus a few MiB for a short run's noise.
 */
export const RSS_SLACK_MIB = 8;
export const RSS_SLACK_RATIO = 0.1;
/** Mixed into the seed for the warm-up's cases, so they are not the run's first cases. */
const WARM_UP_SEED_MASK = 0x5eed;
/** Uploads created for the tus PATCH cases. */
const TUS_UPLOADS = 3;
const PROBE_EVERY_MS = 1_000;
const PROBE_TIMEOUT_MS = 10_000;
/**
 * How long descriptors, temp files and RSS may take to come back after the last case: past the
 * idle heap reclaim (QUIET_MS after the last request, read every IDLE_TICK_MS).
 */
const SETTLE_MS = 15_000;
/** Ticks of the idle watch past QUIET_MS before a quiet RSS is read. */
const RECLAIM_TICKS = 2;
const MS_PER_S = 1000;
/** Server stderr kept with a found case (its error lines name the cause). */
const STDERR_TAIL_CHARS = 4000;
const SMALL_FILE_BYTES = 1024;
const BIG_FILE_BYTES = 300 * 1024;
const CREATED = 201;
const OK = 200;

/** Runs the fuzzer as `opts` says. */
export async function fuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const dir = await makeFixture();
  const server = await startChildServer(dir, [...SERVER_FLAGS, "--workers", String(opts.workers)]);
  const report: FuzzReport = {
    cases: 0,
    requests: 0,
    seconds: 0,
    findings: [],
    serverFailures: [],
    statuses: {},
    resets: 0,
    baseline: { rssMiB: null, fds: null },
    after: { rssMiB: null, fds: null, tempFiles: 0 },
    peakRssMiB: null,
  };
  try {
    const tusIds = await createTusUploads(server.port);
    await warmUp(server, report);
    // Mutated cases from a stream of their own, not counted: the heap, the code caches and the
    // allocator's arenas reach their working size before the baseline is read.
    const warm = { ...opts, seed: opts.seed ^ WARM_UP_SEED_MASK, cases: opts.warmUpCases };
    await runGenerated(server, warm, tusIds, { ...report, findings: [] }, performance.now());
    report.baseline = await settledUsage(server, opts.rssCeilingMiB === undefined);
    const started = performance.now();
    const stopProbe = probeLoop(server, report);
    if (opts.replay.length > 0) await replayFiles(server, opts, tusIds, report);
    else await runGenerated(server, opts, tusIds, report, started);
    await stopProbe();
    report.seconds = (performance.now() - started) / MS_PER_S;
    await checkAfter(server, report, opts);
  } finally {
    const code = await server.stop();
    if (code !== 0) report.serverFailures.push(`server exited ${code} on SIGTERM`);
    if (/uncaught|panic/i.test(server.stderr())) {
      report.serverFailures.push(`server stderr: ${server.stderr().slice(-2000)}`);
    }
  }
  return report;
}

async function runGenerated(
  server: ChildServer,
  opts: FuzzOptions,
  tusIds: string[],
  report: FuzzReport,
  started: number,
): Promise<void> {
  let next = 0;
  let lastLog = started;
  const worker = async () => {
    while (next < opts.cases && server.alive()) {
      const c = generateCase(opts.seed, next++, tusIds);
      await runOne(server, c, opts, report);
      const now = performance.now();
      if (now - lastLog > opts.progressEverySeconds * MS_PER_S) {
        lastLog = now;
        const s = (now - started) / MS_PER_S;
        opts.log(
          `fuzz: ${report.cases} cases, ${report.requests} requests, ` +
            `${(report.cases / s).toFixed(0)} cases/s, ${report.findings.length} found, ` +
            `rss ${(await server.rssMiB())?.toFixed(1)} MiB`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  if (!server.alive()) report.serverFailures.push("the server died during the run");
}

async function replayFiles(
  server: ChildServer,
  opts: FuzzOptions,
  tusIds: string[],
  report: FuzzReport,
): Promise<void> {
  for (const path of opts.replay) {
    const file = JSON.parse(await Deno.readTextFile(path)) as CaseFile;
    const c = fromCaseFile(file, tusIds[0] ?? null);
    const before = report.findings.length;
    await runOne(server, c, { ...opts, outDir: null }, report);
    opts.log(`replay ${path}: ${report.findings.length > before ? "FAILS" : "passes"}`);
  }
}

async function runOne(
  server: ChildServer,
  c: FuzzCase,
  opts: FuzzOptions,
  report: FuzzReport,
): Promise<void> {
  let failure: string | null;
  try {
    const outcome = await runCase(server.port, c, FUZZ_CLOCKS);
    failure = outcome.failure;
    for (const s of outcome.statuses) report.statuses[s] = (report.statuses[s] ?? 0) + 1;
    if (outcome.reset) report.resets++;
  } catch (e) {
    failure = `client error: ${e instanceof Error ? e.message : String(e)}`;
  }
  report.cases++;
  report.requests += c.names.length;
  if (!server.alive()) failure ??= "the server died while this case ran";
  if (failure === null) return;
  let file: string | null = null;
  if (opts.outDir !== null) {
    await Deno.mkdir(opts.outDir, { recursive: true });
    file = join(opts.outDir, `seed${c.seed}-case${c.index}.json`);
    const record = {
      ...toCaseFile(c, failure),
      serverStderr: server.stderr().slice(-STDERR_TAIL_CHARS),
    };
    await Deno.writeTextFile(file, JSON.stringify(record, null, 2) + "\n");
  }
  report.findings.push({ index: c.index, failure, file });
  opts.log(`fuzz: case ${c.index} (${c.names.join(" + ")}): ${failure}${file ? ` → ${file}` : ""}`);
}

/** The corpus unmutated, each entry whole on a half-closed connection: every oracle must hold. */
async function warmUp(server: ChildServer, report: FuzzReport): Promise<void> {
  for (const { name, request } of corpus()) {
    const c: FuzzCase = {
      seed: 0,
      index: -1,
      names: [name],
      writes: [{ delayMs: 0, bytes: serialize(request) }],
      ending: "half-close",
      tusId: null,
    };
    const outcome = await runCase(server.port, c, FUZZ_CLOCKS);
    if (outcome.failure !== null) report.serverFailures.push(`corpus ${name}: ${outcome.failure}`);
  }
}

/** Every second, a GET on a fresh connection must be answered 200 within the probe timeout. */
function probeLoop(server: ChildServer, report: FuzzReport): () => Promise<void> {
  let running = true;
  const loop = (async () => {
    while (running && server.alive()) {
      const failure = await probe(server.port);
      if (failure !== null) report.serverFailures.push(`probe: ${failure}`);
      const rss = await server.rssMiB();
      if (rss !== null) report.peakRssMiB = Math.max(report.peakRssMiB ?? 0, rss);
      await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

async function probe(port: number): Promise<string | null> {
  const request = new TextEncoder().encode(
    "GET /echo/probe HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
  );
  let conn: Deno.Conn | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const c = conn;
    const exchange = (async () => {
      await c.write(request);
      const bytes = new Uint8Array(await new Response(c.readable).arrayBuffer());
      conn = null; // the readable closed it
      return bytes;
    })();
    const bytes = await Promise.race([
      exchange,
      new Promise<null>((r) => timer = setTimeout(() => r(null), PROBE_TIMEOUT_MS)),
    ]);
    if (bytes === null) {
      conn?.close();
      conn = null;
      await exchange.catch(() => {});
      return `no answer within ${PROBE_TIMEOUT_MS} ms`;
    }
    if (bytes.length === 0) return "the connection was closed with no byte of answer";
    const parsed = parseResponseStream(bytes);
    if (parsed.error !== null) return parsed.error;
    const status = parsed.responses[0]?.status;
    return status === OK ? null : `status ${status}`;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    clearTimeout(timer);
    try {
      conn?.close();
    } catch {
      // closed already
    }
  }
}

/**
 * Descriptors and RSS once the warm-up's connections are gone. For the relative RSS check
 * (`quiet`), also past the quiet spell after which each isolate gives its grown heap back
 * (src/app/idle_memory.ts): RSS is compared between two quiet servers, where a leak shows, and
 * not at two points of the heap's sawtooth under load (measured: 135 MiB under load, 97 quiet).
 */
async function settledUsage(server: ChildServer, quiet: boolean) {
  const clocks = FUZZ_CLOCKS.idleTimeoutMs + FUZZ_CLOCKS.lingerTimeoutMs + 500;
  const wait = quiet ? Math.max(clocks, QUIET_MS + RECLAIM_TICKS * IDLE_TICK_MS) : clocks;
  await new Promise((r) => setTimeout(r, wait));
  return { rssMiB: await server.rssMiB(), fds: await server.fds() };
}

async function checkAfter(
  server: ChildServer,
  report: FuzzReport,
  opts: FuzzOptions,
): Promise<void> {
  const base = report.baseline;
  const fds = await settle(
    () => server.fds(),
    (n) => n === null || n <= (base.fds ?? n),
    SETTLE_MS,
  );
  const tempFiles = await settle(() => server.tempFiles(), (n) => n === 0, SETTLE_MS);
  // RSS comes back once the server has been quiet long enough to give its heap back.
  const allowedMiB = opts.rssCeilingMiB ??
    (base.rssMiB === null ? Infinity : base.rssMiB * (1 + RSS_SLACK_RATIO) + RSS_SLACK_MIB);
  const rssMiB = await settle(
    () => server.rssMiB(),
    (r) => r === null || r <= allowedMiB,
    SETTLE_MS,
  );
  report.after = { rssMiB, fds, tempFiles };
  if (fds !== null && base.fds !== null && fds > base.fds) {
    report.serverFailures.push(`descriptors: ${base.fds} before, ${fds} after`);
  }
  if (tempFiles > 0) report.serverFailures.push(`${tempFiles} temp files left in the folder`);
  if (rssMiB !== null && opts.rssCeilingMiB !== undefined) {
    if (rssMiB > opts.rssCeilingMiB) {
      report.serverFailures.push(`RSS ${rssMiB.toFixed(1)} MiB after, over ${opts.rssCeilingMiB}`);
    }
  } else if (rssMiB !== null && base.rssMiB !== null) {
    if (rssMiB > allowedMiB) {
      report.serverFailures.push(
        `RSS ${rssMiB.toFixed(1)} MiB after, over ${allowedMiB.toFixed(1)} (baseline ${
          base.rssMiB.toFixed(1)
        })`,
      );
    }
  }
}

async function createTusUploads(port: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < TUS_UPLOADS; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/files/up/`, {
      method: "POST",
      headers: {
        "Tus-Resumable": "1.0.0",
        "Upload-Length": "60000",
        "Upload-Metadata": `filename ${btoa(`fuzz-tus-${i}.bin`)}`,
      },
    });
    await res.body?.cancel();
    const location = res.headers.get("location") ?? "";
    const m = /\/api\/uploads\/([^/?#]+)$/.exec(location);
    if (res.status !== CREATED || m === null) {
      throw new Error(`tus creation answered ${res.status} (Location "${location}")`);
    }
    ids.push(m[1]);
  }
  return ids;
}

/** The folder the child serves: a small file, a larger one, a folder with Markdown, an upload folder. */
async function makeFixture(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-fuzz-" });
  await Deno.writeTextFile(join(dir, "small.txt"), "s".repeat(SMALL_FILE_BYTES));
  const big = new Uint8Array(BIG_FILE_BYTES);
  for (let i = 0; i < big.length; i++) big[i] = i & 0xff;
  await Deno.writeFile(join(dir, "big.bin"), big);
  await Deno.mkdir(join(dir, "docs"));
  await Deno.writeTextFile(join(dir, "docs", "readme.md"), "# Read me\n\n" + "text ".repeat(400));
  await Deno.writeTextFile(join(dir, ".hidden"), "dotfile");
  await Deno.mkdir(join(dir, "up"));
  return dir;
}
