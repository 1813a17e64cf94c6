/**
 * `deno task bench`: starts wireserve and the Deno.serve baseline side by side, measures both in
 * the same run (idle-connection memory first, on fresh servers, then every wrk scenario), and
 * prints a markdown report that is also written to bench/results/latest.md. Progress goes to
 * stderr so stdout is the report alone.
 *
 * Exits 0 whether floors pass or fail (a report, not a test); 1 when wrk is missing or a server
 * does not start; 2 on a bad command line.
 * @module
 */

import { bundleIfStale } from "../.ci/bundle_worker.ts";
import { measureIdleConnections } from "./memory.ts";
import { type BenchOptions, parseBenchArgs } from "./options.ts";
import { environment } from "./environment.ts";
import { fdSoftLimit, ownCommandLine } from "./proc.ts";
import { getOnce, headerValue } from "./raw_http.ts";
import {
  describePages,
  type MemoryOutcome,
  renderReport,
  type ReportInput,
  type ScenarioOutcome,
  wrkWarnings,
} from "./report.ts";
import {
  FILES_CHECK,
  IDLE_CONNECTIONS,
  MEMORY_CHECK,
  RESUMABLE_CHECK,
  SCENARIOS,
  SMALL_PATH,
  TEMPLATES_CHECK,
  UPLOAD_CHECK,
  WEBDAV_CHECK,
  WORKERS_CHECK,
  WRK_THREADS,
} from "./scenarios.ts";
import {
  type RunningServer,
  type ServerSpec,
  ServerStartError,
  shellLine,
  startServer,
  wireserveSpec,
} from "./servers.ts";
import { runFilesBench } from "./files_bench.ts";
import { runTemplatesBench } from "./templates_bench.ts";
import { pairOrder, type Round } from "./rounds.ts";
import { runUploadBench } from "./upload_bench.ts";
import { runWebdavBench } from "./webdav_bench.ts";
import { runWorkersBench } from "./workers_bench.ts";
import { runResumableBench } from "./resumable_bench.ts";
import { findWrk, runWrk, type Wrk, wrkArgs, type WrkRun } from "./wrk.ts";

const REPO_ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname);
const RESULTS_DIR = decodeURIComponent(new URL("results", import.meta.url).pathname);
const RESULTS_FILE = `${RESULTS_DIR}/latest.md`;
const BASELINE_FILE = decodeURIComponent(
  new URL("baseline_deno_serve.ts", import.meta.url).pathname,
);
/** Descriptors the memory check needs beyond the idle connections themselves. */
const FD_HEADROOM = 100;
/** The unmeasured keep-alive run before the scenarios, so neither server is measured cold. */
const WARMUP = { threads: WRK_THREADS, connections: 64, extra: [], scriptArgs: [] } as const;

const SUBJECT: ServerSpec = wireserveSpec();

function baselineSpec(bodyFile: string, contentType: string): ServerSpec {
  return {
    name: "Deno.serve",
    denoArgs: [
      "run",
      "-A",
      BASELINE_FILE,
      "--port",
      "{port}",
      "--body-file",
      bodyFile,
      "--content-type",
      contentType,
    ],
  };
}

/** Runs the benchmark with `args`; resolves to the exit code. */
export async function main(args: string[], env: Record<string, string>): Promise<number> {
  const parsed = parseBenchArgs(args, env);
  if (parsed.kind === "help") {
    console.log(parsed.text.trimEnd());
    return 0;
  }
  if (parsed.kind === "error") {
    console.error(`bench: ${parsed.message}`);
    return 2;
  }
  const opts = parsed.options;
  const loadAtStart = Deno.loadavg();
  const wrk = await findWrk(env);
  if (wrk === null) {
    console.error(
      "bench: wrk not found ($WRK, /usr/bin/wrk, PATH). Install it: apt-get install wrk",
    );
    return 1;
  }
  // What `deno task start` runs: the pool's workers on the bundle (src/workers/worker_module.ts).
  await bundleIfStale().then(
    (built) => built !== null && progress(`bundled the workers' code (${built} modules)`),
    (e: Error) => progress(`bundle failed, workers load src/: ${e.message}`),
  );
  const servers: RunningServer[] = [];
  const tmp = await Deno.makeTempDir({ prefix: "wireserve-bench-" });
  const cleanup = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  };
  const abort = new AbortController();
  const onSignal = () => {
    progress("interrupted: stopping wrk and the servers");
    abort.abort();
    void cleanup().finally(() => Deno.exit(130));
  };
  Deno.addSignalListener("SIGINT", onSignal);
  try {
    const subject = await startServer(SUBJECT, REPO_ROOT);
    servers.push(subject);
    progress(`${subject.name}: pid ${subject.pid}, ${firstLine(subject.output())}`);
    const page = await getOnce(subject.port, SMALL_PATH);
    const bodyFile = `${tmp}/page.body`;
    await Deno.writeFile(bodyFile, page.body);
    const contentType = headerValue(page, "content-type") ?? "application/octet-stream";
    const baseline = await startServer(baselineSpec(bodyFile, contentType), REPO_ROOT);
    servers.push(baseline);
    progress(`${baseline.name}: pid ${baseline.pid}, ${firstLine(baseline.output())}`);
    const basePage = await getOnce(baseline.port, SMALL_PATH);

    const warnings: string[] = [];
    const pageLines = describePages(page, basePage, warnings);
    const memory = opts.only.has(MEMORY_CHECK.name)
      ? await memoryCheck([subject, baseline], warnings)
      : [];
    const commands = [`# ${subject.command}`, `# ${baseline.command}`];
    const scenarios = await runScenarios(wrk, opts, [subject, baseline], abort.signal, {
      commands,
      warnings,
    });
    // Uploads run on servers of their own, writing to tmpfs (upload_bench.ts).
    const uploads = opts.only.has(UPLOAD_CHECK.name)
      ? await runUploadBench(UPLOAD_CHECK.rounds)
      : null;
    const report: ReportInput = {
      subjectName: subject.name,
      baselineName: baseline.name,
      date: new Date(),
      commandLine: shellLine(await ownCommandLine() ?? ["bench/run.ts", ...args]),
      rounds: opts.rounds,
      environment: await environment({ wrk, duration: opts.duration, servers, loadAtStart }),
      page: pageLines,
      scenarios,
      memory,
      commands,
      warnings,
    };
    // Files run on servers of their own too, with nginx when it is installed (files_bench.ts).
    const files = opts.only.has(FILES_CHECK.name)
      ? await runFilesBench(
        { duration: opts.duration, rounds: FILES_CHECK.rounds },
        Deno.env.toObject(),
      )
      : null;
    // Templates run on two wireserves of their own: templated and static (templates_bench.ts).
    const templates = opts.only.has(TEMPLATES_CHECK.name)
      ? await runTemplatesBench(
        { duration: opts.duration, rounds: TEMPLATES_CHECK.rounds },
        Deno.env.toObject(),
      )
      : null;
    // WebDAV runs on servers of its own too, with Apache and rclone beside it (webdav_bench.ts).
    const webdav = opts.only.has(WEBDAV_CHECK.name)
      ? await runWebdavBench(WEBDAV_CHECK.rounds)
      : null;
    // Workers run on servers of their own: 1, 2 and 4 workers, deno serve --parallel, nginx ×2.
    const workers = opts.only.has(WORKERS_CHECK.name)
      ? await runWorkersBench(
        { duration: opts.duration, rounds: opts.rounds, warmup: opts.warmup },
        Deno.env.toObject(),
      )
      : null;
    // Resumable uploads run on a server of their own, to tmpfs (resumable_bench.ts).
    const resumable = opts.only.has(RESUMABLE_CHECK.name)
      ? await runResumableBench(RESUMABLE_CHECK.rounds)
      : null;
    const text = renderReport(report) + (uploads === null ? "" : `\n${uploads}`) +
      (files === null ? "" : `\n${files}`) + (templates === null ? "" : `\n${templates}`) +
      (webdav === null ? "" : `\n${webdav}`) + (workers === null ? "" : `\n${workers}`) +
      (resumable === null ? "" : `\n${resumable}`);
    console.log(text);
    await Deno.mkdir(RESULTS_DIR, { recursive: true });
    await Deno.writeTextFile(RESULTS_FILE, text);
    progress(`written to ${RESULTS_FILE}`);
    return 0;
  } catch (err) {
    if (abort.signal.aborted) return 130;
    if (!(err instanceof ServerStartError)) throw err;
    console.error(`bench: ${err.message}`);
    return 1;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    await cleanup();
  }
}

/**
 * Warm-up, then every selected scenario for `opts.rounds` rounds; each round runs both servers
 * back to back, and the order alternates from round to round (`pairOrder`) so drift in the
 * machine's load weighs on both alike.
 */
async function runScenarios(
  wrk: Wrk,
  opts: BenchOptions,
  pair: readonly [RunningServer, RunningServer],
  signal: AbortSignal,
  log: { commands: string[]; warnings: string[] },
): Promise<ScenarioOutcome[]> {
  const selected = SCENARIOS.filter((s) => opts.only.has(s.name));
  if (selected.length > 0 && opts.warmup !== "0s") {
    for (const server of pair) {
      progress(`warm-up ${server.name} for ${opts.warmup}`);
      const url = urlOf(server, SMALL_PATH);
      await runWrk(wrk, wrkArgs({ ...WARMUP, duration: opts.warmup, url }), signal);
    }
  }
  const outcomes: ScenarioOutcome[] = [];
  for (const scenario of selected) {
    const rounds: Round[] = [];
    for (let round = 0; round < opts.rounds; round++) {
      const label = `round ${round + 1}/${opts.rounds}`;
      const runs: WrkRun[] = [];
      for (const i of pairOrder(round)) {
        const server = pair[i];
        signal.throwIfAborted();
        progress(`${scenario.name} ${label}: ${server.name} for ${opts.duration}`);
        const args = wrkArgs({
          threads: WRK_THREADS,
          connections: scenario.connections,
          duration: opts.duration,
          url: urlOf(server, scenario.path),
          extra: scenario.wrkArgs,
          scriptArgs: scenario.scriptArgs,
        });
        const run = await runWrk(wrk, args, signal);
        log.commands.push(shellLine(run.command));
        log.warnings.push(
          ...wrkWarnings(server.name, scenario, run, opts.rounds > 1 ? label : undefined),
          ...exitWarnings(server),
        );
        runs[i] = run;
      }
      rounds.push({ subject: runs[0], baseline: runs[1] });
    }
    outcomes.push({ scenario, rounds });
  }
  return outcomes;
}

async function memoryCheck(
  servers: readonly RunningServer[],
  warnings: string[],
): Promise<MemoryOutcome[]> {
  const need = IDLE_CONNECTIONS + FD_HEADROOM;
  const out: MemoryOutcome[] = [];
  for (const [i, server] of servers.entries()) {
    const judged = i === 0;
    const limits = [await fdSoftLimit(), await fdSoftLimit(server.pid)];
    if (limits.some((l) => l !== null && l < need)) {
      const error = `fd limit ${limits.join("/")} < ${need}; raise it with \`ulimit -n 4096\``;
      out.push({ server: server.name, result: { error }, judged });
      continue;
    }
    progress(`memory: ${server.name} with ${IDLE_CONNECTIONS} idle connections`);
    try {
      const result = await measureIdleConnections(server.pid, server.port, IDLE_CONNECTIONS);
      if (result.heldByServer !== null && result.heldByServer < result.opened) {
        warnings.push(
          `${server.name} held only ${result.heldByServer} of ${result.opened} idle connections ` +
            "when RSS was read.",
        );
      }
      out.push({ server: server.name, result, judged });
    } catch (err) {
      out.push({ server: server.name, result: { error: (err as Error).message }, judged });
    }
    warnings.push(...exitWarnings(server));
  }
  return out;
}

function exitWarnings(server: RunningServer): string[] {
  const code = server.exited();
  if (code === null) return [];
  return [`${server.name} exited with code ${code} mid-run: \`${server.output().slice(-500)}\``];
}

function urlOf(server: RunningServer, path: string): string {
  return `http://127.0.0.1:${server.port}${path}`;
}

function firstLine(text: string): string {
  return text.split("\n")[0].trim();
}

function progress(message: string): void {
  console.error(`bench: ${message}`);
}

if (import.meta.main) Deno.exit(await main(Deno.args, Deno.env.toObject()));
