/**
 * The file-serving benchmark (issue 4): a 1 KiB and a 100 KiB file under keep-alive load (wrk,
 * 64 connections), a 1 KiB range of and a revalidation (304) of a 300 KiB file — past the size
 * held in memory, so each costs an open or none (a load probe found them at 0.15× and 0.27×
 * nginx) — a 64 MiB file fetched with curl, and wireserve's RSS while 8 clients fetch the
 * 64 MiB file at once — against, in the same run, a Deno.serve file server doing open + stat +
 * stream (`baseline_file_server.ts`) and nginx when installed (`nginx.ts`). Rounds alternate
 * between servers and the best round of each counts, so a noisy neighbour hurts all alike.
 *
 * Runnable alone (`deno run -A bench/files_bench.ts [--duration 10s] [--rounds 2]`) or from the
 * main bench through `runFilesBench`. Writes bench/results/files.md and prints it.
 * @module
 */

import { parseArgs } from "node:util";
import { curlDownload, memoryUnderDownloads } from "./files_load.ts";
import {
  type FilesReport,
  type MemoryFigures,
  renderFilesReport,
  type ScenarioFigures,
} from "./files_report.ts";
import { findNginx, startNginx } from "./nginx.ts";
import { type RunningServer, shellLine, startServer, wireserveSpec } from "./servers.ts";
import { findWrk, runWrk, type Wrk, wrkArgs } from "./wrk.ts";

const REPO_ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname);
const RESULTS_FILE = decodeURIComponent(new URL("results/files.md", import.meta.url).pathname);
const BASELINE = decodeURIComponent(new URL("baseline_file_server.ts", import.meta.url).pathname);
const KIB = 1024;
const MIB = 1024 * KIB;
/** The files served, by name: sizes from the issue. */
const FILES = {
  small: ["1k.bin", KIB],
  medium: ["100k.bin", 100 * KIB],
  /** Past SMALL_FILE_MAX_BYTES (128 KiB): not held in memory. */
  mid: ["300k.bin", 300 * KIB],
  large: ["64m.bin", 64 * MIB],
} as const;
const WRK_THREADS = 2;
const WRK_CONNECTIONS = 64;
const WARMUP = "2s";
const DOWNLOADS_PER_ROUND = 3;
const MEMORY_CLIENTS = 8;
const MEMORY_MAX_GROWTH_MIB = 32;
const MEMORY_QUIET_MS = 1_500;
const FLOOR_SMALL = 0.7;
const FLOOR_MEDIUM = 0.7;
const FLOOR_RANGE = 0.7;
const FLOOR_REVALIDATE = 0.7;
/** The range asked of the 300 KiB file. */
const RANGE = "bytes=1000-2023";
const FLOOR_LARGE = 0.6;
/** rwxr-xr-x: folders nginx's worker user must be able to read. */
const PUBLIC_DIR_MODE = 0o755;
/** Most bytes `crypto.getRandomValues` fills per call. */
const RANDOM_FILL_BYTES = 65_536;

/** How long and how often to measure. */
export interface FilesBenchOptions {
  /** wrk duration per run, e.g. "10s". */
  duration: string;
  /** Rounds over all servers; the best round of each counts. */
  rounds: number;
}

/** Runs the benchmark; resolves to the report (markdown) or throws when a tool is missing. */
export async function runFilesBench(
  opts: FilesBenchOptions,
  env: Record<string, string | undefined>,
): Promise<string> {
  const wrk = await findWrk(env);
  if (wrk === null) {
    throw new Error("wrk not found ($WRK, /usr/bin/wrk, PATH): apt-get install wrk");
  }
  const nginx = await findNginx(env);
  const tmp = await Deno.makeTempDir({ prefix: "wireserve-files-bench-" });
  const servers: RunningServer[] = [];
  const warnings: string[] = [];
  const commands: string[] = [];
  try {
    const root = `${tmp}/root`;
    await Deno.mkdir(root);
    // nginx started as root reads as its worker user (nobody): the temp folder is 0700.
    await Deno.chmod(tmp, PUBLIC_DIR_MODE);
    await Deno.chmod(root, PUBLIC_DIR_MODE);
    for (const [name, size] of Object.values(FILES)) await writeFile(`${root}/${name}`, size);
    progress("starting servers");
    servers.push(
      await startServer(wireserveSpec(root), REPO_ROOT),
    );
    servers.push(
      await startServer({
        name: "Deno.serve",
        denoArgs: ["run", "-A", BASELINE, "--port", "{port}", "--root", root],
      }, REPO_ROOT),
    );
    if (nginx !== null) servers.push(await startNginx(nginx.path, root, `${tmp}/nginx`));
    else warnings.push("nginx is not installed (apt-get install nginx): no floors can be judged.");
    commands.push(...servers.map((s) => `# ${s.name}: ${s.command}`));
    await checkSameBytes(servers, warnings);

    // Each server's own tag of the 300 KiB file, for the revalidation.
    const midPath = `/files/${FILES.mid[0]}`;
    const etags = await Promise.all(servers.map(async (s) => {
      const res = await fetch(urlOf(s, midPath), { method: "HEAD" });
      const etag = res.headers.get("etag") ?? '"none"';
      const again = await fetch(urlOf(s, midPath), { headers: { "If-None-Match": etag } });
      await again.body?.cancel();
      if (again.status !== 304) {
        warnings.push(`${s.name} answers its own ETag with ${again.status}.`);
      }
      return etag;
    }));
    const scenarios: ScenarioFigures[] = [];
    for (
      const [key, floor, title, headers] of [
        ["small", FLOOR_SMALL, "1 KiB, keep-alive, 64 connections", () => []],
        ["medium", FLOOR_MEDIUM, "100 KiB, keep-alive, 64 connections", () => []],
        [
          "mid",
          FLOOR_RANGE,
          "1 KiB range of a 300 KiB file (206; Deno.serve's baseline sends it whole)",
          () => ["Range", RANGE],
        ],
        [
          "mid",
          FLOOR_REVALIDATE,
          "300 KiB file revalidated with If-None-Match (304)",
          (i: number) => ["If-None-Match", etags[i]],
        ],
      ] as const
    ) {
      const path = `/files/${FILES[key][0]}`;
      const extra = (i: number) => {
        const field: readonly string[] = headers(i);
        return field.length === 0 ? [] : ["-H", `${field[0]}: ${field[1]}`];
      };
      for (const [i, s] of servers.entries()) await load(wrk, s, path, WARMUP, commands, extra(i));
      const figures = servers.map((s) => ({ server: s.name, rounds: [] as Array<number | null> }));
      for (let round = 0; round < opts.rounds; round++) {
        for (const [i, s] of servers.entries()) {
          progress(`${title}: ${s.name}, round ${round + 1}`);
          figures[i].rounds.push(
            await load(wrk, s, path, opts.duration, commands, extra(i), warnings),
          );
        }
      }
      scenarios.push({ title, unit: "req/s", floorVsNginx: floor, servers: figures });
    }

    const large = `/files/${FILES.large[0]}`;
    const downloads = servers.map((s) => ({ server: s.name, rounds: [] as Array<number | null> }));
    for (let round = 0; round < opts.rounds * DOWNLOADS_PER_ROUND; round++) {
      for (const [i, s] of servers.entries()) {
        progress(`64 MiB download: ${s.name}, ${round + 1}`);
        const d = await curlDownload(urlOf(s, large));
        const ok = d.status === 200 && d.bytes === FILES.large[1];
        if (!ok) warnings.push(`${s.name}: 64 MiB download got ${d.status}, ${d.bytes} bytes.`);
        downloads[i].rounds.push(ok ? d.bytesPerSec : null);
      }
    }
    commands.push(`curl -s -o /dev/null -w '%{speed_download}' <server>${large}`);
    scenarios.push({
      title: "64 MiB, curl, one client",
      unit: "MB/s",
      floorVsNginx: FLOOR_LARGE,
      servers: downloads,
    });

    const memory: MemoryFigures[] = [];
    for (const s of servers.filter((x) => x.name !== "nginx")) {
      progress(`RSS: ${s.name} with ${MEMORY_CLIENTS} clients downloading 64 MiB`);
      const m = await memoryUnderDownloads(s.pid, urlOf(s, large), MEMORY_CLIENTS, MEMORY_QUIET_MS);
      if (m === null) {
        warnings.push(`${s.name}: RSS could not be read from /proc.`);
        continue;
      }
      memory.push({
        server: s.name,
        clients: MEMORY_CLIENTS,
        idleKiB: m.idleKiB,
        peakKiB: m.peakKiB,
        complete: m.downloads.every((d) => d.status === 200 && d.bytes === FILES.large[1]),
        maxGrowthMiB: s.name === "wireserve" ? MEMORY_MAX_GROWTH_MIB : null,
      });
    }
    for (const s of servers) {
      if (s.exited() !== null) warnings.push(`${s.name} exited mid-run: ${s.output().slice(-300)}`);
    }
    const report: FilesReport = {
      date: new Date(),
      environment: [
        `deno ${Deno.version.deno}; ${wrk.version}; ${nginx?.version ?? "no nginx"}`,
        `${navigator.hardwareConcurrency} CPUs, ${Deno.build.os} ${Deno.osRelease()}, load ` +
        `average at the end ${Deno.loadavg().map((l) => l.toFixed(2)).join(" ")}`,
        `wrk: ${WRK_THREADS} threads, ${WRK_CONNECTIONS} connections, ${opts.duration} per run, ` +
        `${WARMUP} warm-up per server; ${opts.rounds} round(s)`,
      ],
      scenarios,
      memory,
      commands,
      warnings,
    };
    return renderFilesReport(report);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/**
 * One wrk run against `server`: requests/s, or null (with a warning) when wrk failed or saw
 * errors. Warm-up runs pass no `warnings` and are not recorded.
 */
async function load(
  wrk: Wrk,
  server: RunningServer,
  path: string,
  duration: string,
  commands: string[],
  extra: readonly string[],
  warnings?: string[],
): Promise<number | null> {
  const args = wrkArgs({
    threads: WRK_THREADS,
    connections: WRK_CONNECTIONS,
    duration,
    url: urlOf(server, path),
    extra,
    scriptArgs: [],
  });
  const run = await runWrk(wrk, args, new AbortController().signal);
  if (warnings === undefined) return null;
  const line = shellLine(run.command);
  if (!commands.includes(line)) commands.push(line);
  const r = run.result;
  if (r === null) {
    warnings.push(`${server.name} ${path}: wrk gave no result: ${run.output.slice(-300)}`);
    return null;
  }
  // A revalidation's 304s are what it asks for (wrk counts them as "non-2xx or 3xx").
  const unexpected = extra.some((x) => x.startsWith("If-None-Match")) ? 0 : r.non2xx;
  if (unexpected > 0 || r.socketErrors !== null) {
    warnings.push(
      `${server.name} ${path}: ${r.non2xx} non-2xx responses, socket errors ${r.socketErrors}.`,
    );
  }
  return unexpected > 0 ? null : r.requestsPerSec;
}

/** Warns when a server does not answer the small file with the same bytes as the others. */
async function checkSameBytes(servers: RunningServer[], warnings: string[]): Promise<void> {
  const bodies = await Promise.all(servers.map(async (s) => {
    const res = await fetch(urlOf(s, `/files/${FILES.small[0]}`));
    return new Uint8Array(await res.arrayBuffer());
  }));
  for (const [i, b] of bodies.entries()) {
    if (b.length !== bodies[0].length || !b.every((x, j) => x === bodies[0][j])) {
      warnings.push(`${servers[i].name} answers /files/${FILES.small[0]} with other bytes.`);
    }
  }
}

/** A file of `size` pseudo-random bytes (incompressible: no server can win by compressing). */
async function writeFile(path: string, size: number): Promise<void> {
  const piece = new Uint8Array(Math.min(size, MIB));
  for (let at = 0; at < piece.length; at += RANDOM_FILL_BYTES) {
    crypto.getRandomValues(piece.subarray(at, at + RANDOM_FILL_BYTES));
  }
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  try {
    for (let left = size; left > 0; left -= piece.length) {
      const chunk = piece.subarray(0, Math.min(left, piece.length));
      let at = 0;
      while (at < chunk.length) at += await file.write(chunk.subarray(at));
    }
  } finally {
    file.close();
  }
}

function urlOf(server: RunningServer, path: string): string {
  return `http://127.0.0.1:${server.port}${path}`;
}

function progress(message: string): void {
  console.error(`files bench: ${message}`);
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    strict: true,
    options: {
      duration: { type: "string", default: "10s" },
      rounds: { type: "string", default: "2" },
    },
  });
  const report = await runFilesBench(
    { duration: values.duration, rounds: Math.max(1, Number(values.rounds) || 1) },
    Deno.env.toObject(),
  );
  console.log(report);
  await Deno.writeTextFile(RESULTS_FILE, report);
  console.error(`files bench: written to ${RESULTS_FILE}`);
}
