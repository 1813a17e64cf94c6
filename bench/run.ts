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

import { measureIdleConnections } from "./memory.ts";
import { parseBenchArgs } from "./options.ts";
import { fdSoftLimit, ownCommandLine } from "./proc.ts";
import { getOnce, headerValue, type RawResponse } from "./raw_http.ts";
import {
  type MemoryOutcome,
  renderReport,
  type ReportInput,
  type ScenarioOutcome,
  wrkWarnings,
} from "./report.ts";
import { IDLE_CONNECTIONS, MEMORY_CHECK, SCENARIOS, WRK_THREADS } from "./scenarios.ts";
import {
  type RunningServer,
  type ServerSpec,
  ServerStartError,
  shellLine,
  startServer,
} from "./servers.ts";
import { findWrk, runWrk, type Wrk, wrkArgs } from "./wrk.ts";

const REPO_ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname);
const RESULTS_FILE = decodeURIComponent(new URL("results/latest.md", import.meta.url).pathname);
const BASELINE_FILE = decodeURIComponent(
  new URL("baseline_deno_serve.ts", import.meta.url).pathname,
);
/** Descriptors the memory check needs beyond the idle connections themselves. */
const FD_HEADROOM = 100;
/** Connections in the unmeasured warm-up run. */
const WARMUP_CONNECTIONS = 64;

const SUBJECT: ServerSpec = {
  name: "wireserve",
  denoArgs: ["run", "-A", "main.ts", "--port", "{port}", "--host", "127.0.0.1"],
};

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
  const wrk = await findWrk(env);
  if (wrk === null) {
    console.error(
      "bench: wrk not found ($WRK, /usr/bin/wrk, PATH). Install it: apt-get install wrk",
    );
    return 1;
  }
  const servers: RunningServer[] = [];
  const stopAll = () => Promise.all(servers.map((s) => s.stop()));
  const onSignal = () => void stopAll().finally(() => Deno.exit(130));
  Deno.addSignalListener("SIGINT", onSignal);
  const tmp = await Deno.makeTempDir({ prefix: "wireserve-bench-" });
  try {
    const subject = await startServer(SUBJECT, REPO_ROOT);
    servers.push(subject);
    progress(`${subject.name}: pid ${subject.pid}, ${firstLine(subject.output())}`);
    const page = await getOnce(subject.port, "/");
    const bodyFile = `${tmp}/page.body`;
    await Deno.writeFile(bodyFile, page.body);
    const contentType = headerValue(page, "content-type") ?? "application/octet-stream";
    const baseline = await startServer(baselineSpec(bodyFile, contentType), REPO_ROOT);
    servers.push(baseline);
    progress(`${baseline.name}: pid ${baseline.pid}, ${firstLine(baseline.output())}`);
    const basePage = await getOnce(baseline.port, "/");

    const warnings: string[] = [];
    const pageLines = comparePages(page, basePage, warnings);
    const memory = opts.only.has(MEMORY_CHECK.name)
      ? await memoryCheck([subject, baseline], warnings)
      : [];
    const commands = [`# ${subject.command}`, `# ${baseline.command}`];
    const pair = [subject, baseline] as const;
    if (SCENARIOS.some((s) => opts.only.has(s.name)) && opts.warmup !== "0s") {
      for (const server of pair) {
        progress(`warm-up ${server.name} for ${opts.warmup}`);
        await runWrk(
          wrk,
          wrkArgs({
            threads: WRK_THREADS,
            connections: WARMUP_CONNECTIONS,
            duration: opts.warmup,
            url: `http://127.0.0.1:${server.port}/`,
            extra: [],
            scriptArgs: [],
          }),
        );
      }
    }
    const scenarios: ScenarioOutcome[] = [];
    for (const scenario of SCENARIOS) {
      if (!opts.only.has(scenario.name)) continue;
      const [a, b] = await Promise.resolve().then(async () => {
        const runs = [];
        for (const server of pair) {
          progress(`${scenario.name}: ${server.name} for ${opts.duration}`);
          const run = await runWrk(
            wrk,
            wrkArgs({
              threads: WRK_THREADS,
              connections: scenario.connections,
              duration: opts.duration,
              url: `http://127.0.0.1:${server.port}${scenario.path}`,
              extra: scenario.wrkArgs,
              scriptArgs: scenario.scriptArgs,
            }),
          );
          commands.push(shellLine(run.command));
          warnings.push(...wrkWarnings(server.name, scenario.name, run));
          warnings.push(...exitWarnings(server));
          runs.push(run);
        }
        return runs;
      });
      scenarios.push({ scenario, subject: a, baseline: b });
    }

    const report: ReportInput = {
      subjectName: subject.name,
      baselineName: baseline.name,
      date: new Date(),
      commandLine: shellLine(await ownCommandLine() ?? ["bench/run.ts", ...args]),
      environment: await environment(wrk, opts.duration, servers),
      page: pageLines,
      scenarios,
      memory,
      commands,
      warnings,
    };
    const text = renderReport(report);
    console.log(text);
    await Deno.mkdir(decodeURIComponent(new URL("results", import.meta.url).pathname), {
      recursive: true,
    });
    await Deno.writeTextFile(RESULTS_FILE, text);
    progress(`written to ${RESULTS_FILE}`);
    return 0;
  } catch (err) {
    if (!(err instanceof ServerStartError)) throw err;
    console.error(`bench: ${err.message}`);
    return 1;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    await stopAll();
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/** Lines describing both pages; a warning when they differ. */
function comparePages(a: RawResponse, b: RawResponse, warnings: string[]): string[] {
  const same = a.body.length === b.body.length && a.body.every((x, i) => x === b.body[i]);
  const typeA = headerValue(a, "content-type");
  const typeB = headerValue(b, "content-type");
  if (!same) warnings.push("The two servers' `GET /` bodies differ: ratios compare unlike pages.");
  if (typeA !== typeB) warnings.push(`Content-Type differs: "${typeA}" vs "${typeB}".`);
  if (a.status !== 200 || b.status !== 200) {
    warnings.push(`GET / answered ${a.status} and ${b.status}, not 200 and 200.`);
  }
  return [
    `GET / body: wireserve ${a.body.length} B, Deno.serve ${b.body.length} B ` +
    `(${same ? "identical bytes" : "DIFFERENT"}), Content-Type \`${typeA}\``,
    `GET / response head: wireserve ${a.headBytes} B (${names(a)}), ` +
    `Deno.serve ${b.headBytes} B (${names(b)})`,
  ];
}

function names(r: RawResponse): string {
  return r.headers.map(([k]) => k.toLowerCase()).join(", ");
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

async function environment(
  wrk: Wrk,
  duration: string,
  servers: readonly RunningServer[],
): Promise<string[]> {
  const fds = [`bench ${await fdSoftLimit() ?? "?"}`];
  for (const s of servers) fds.push(`${s.name} ${await fdSoftLimit(s.pid) ?? "?"}`);
  return [
    `deno ${Deno.version.deno} (v8 ${Deno.version.v8}); ${wrk.version}`,
    `${navigator.hardwareConcurrency} CPUs, ${Deno.build.os} ${Deno.osRelease()}, ` +
    `load average at the end ${Deno.loadavg().map((l) => l.toFixed(2)).join(" ")}`,
    `git ${await gitRevision()}`,
    `wrk: ${WRK_THREADS} threads, ${duration} per run, same run for both servers`,
    `open-file limit (ulimit -n): ${fds.join(", ")}`,
  ];
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

function firstLine(text: string): string {
  return text.split("\n")[0].trim();
}

function progress(message: string): void {
  console.error(`bench: ${message}`);
}

if (import.meta.main) Deno.exit(await main(Deno.args, Deno.env.toObject()));
