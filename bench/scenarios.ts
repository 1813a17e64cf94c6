/**
 * The benchmark's scenarios as one list: a later issue adds a load pattern by adding an object
 * here (and, if the baseline cannot answer its path yet, a route in `baseline_deno_serve.ts`).
 *
 * This module must not start processes: `run.ts` turns each scenario into wrk runs.
 * @module
 */

/** wrk threads for every run: the same for both servers so only the server differs. */
export const WRK_THREADS = 2;

/** Requests sent per round trip in the pipelined scenario (see `pipeline.lua`). */
export const PIPELINE_DEPTH = 16;

/** Idle keep-alive connections held open while the server's RSS is read. */
export const IDLE_CONNECTIONS = 1_000;

/** Floor for a throughput scenario: wireserve req/s divided by Deno.serve req/s. */
export interface RatioFloor {
  /** The ratio must be at least this. */
  minRatio: number;
  /** Where the floor comes from. */
  source: string;
}

/** One wrk load pattern, run against every server in the same bench run. */
export interface Scenario {
  /** Short name used by `--only`. */
  name: string;
  /** What the table shows. */
  title: string;
  /** Request path (the baseline must answer it with the same bytes). */
  path: string;
  /** Open connections (`wrk -c`). */
  connections: number;
  /** Extra wrk options placed before the URL (headers, `-s script`). */
  wrkArgs: readonly string[];
  /** Arguments after `--`, handed to the Lua script's `init(args)`. */
  scriptArgs: readonly string[];
  /** The floor wireserve must reach against Deno.serve, if the issue sets one. */
  floor?: RatioFloor;
  /** Why wrk's p99 means nothing here; the table then shows n/a and prints this under it. */
  latencyCaveat?: string;
}

/** Path of a file in bench/, for wrk's `-s`. */
function benchFile(name: string): string {
  return decodeURIComponent(new URL(name, import.meta.url).pathname);
}

/**
 * The engine scenarios' path: a small fixed answer (`/echo/<text>`, 9 bytes of text/plain), as
 * the engine issue asks, so the protocol layer and not the size of a page is measured. The
 * baseline answers every path with the same bytes.
 */
export const SMALL_PATH = "/echo/wireserve";

/** Every throughput scenario, in the order they run and print. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: "keepalive",
    title: "keep-alive, 64 connections",
    path: SMALL_PATH,
    connections: 64,
    wrkArgs: [],
    scriptArgs: [],
    floor: { minRatio: 0.8, source: "issue: keep-alive ≥ 0.8× Deno.serve" },
  },
  {
    name: "close",
    title: "new connection per request, 64 connections",
    path: SMALL_PATH,
    connections: 64,
    wrkArgs: ["-H", "Connection: close"],
    scriptArgs: [],
  },
  {
    name: "pipelined",
    title: `${PIPELINE_DEPTH} pipelined per round trip, 64 connections`,
    path: SMALL_PATH,
    connections: 64,
    wrkArgs: ["-s", benchFile("pipeline.lua")],
    scriptArgs: [String(PIPELINE_DEPTH)],
    floor: { minRatio: 5, source: "issue: pipelined ≥ 5× Deno.serve" },
    latencyCaveat: "wrk's latency correction assumes one request per round trip: with " +
      `${PIPELINE_DEPTH} pipelined it adds samples below the recorded minimum, so its ` +
      "percentiles come out distorted or as 0 (wg/wrk#236, #354). p99 is not reported.",
  },
];

/** The memory check's name for `--only`, and its ceiling on RSS growth. */
export const MEMORY_CHECK = {
  name: "memory",
  title: `RSS growth with ${IDLE_CONNECTIONS.toLocaleString("en")} idle keep-alive connections`,
  maxGrowthMiB: 40,
  source: "issue: 1,000 idle connections ≤ +40 MiB",
} as const;

/** The upload benchmark's name for `--only` (256 MiB PUT and multipart POST, `upload_bench.ts`). */
export const UPLOAD_CHECK = { name: "uploads", rounds: 3 } as const;

/** The file-serving comparison (1 KiB, 100 KiB, 64 MiB) against Deno.serve and nginx. */
export const FILES_CHECK = { name: "files", rounds: 2 } as const;

/** A templated index of 100 posts against the same page served static (`templates_bench.ts`). */
export const TEMPLATES_CHECK = { name: "templates", rounds: 3 } as const;
/**
 * The WebDAV comparison (PROPFIND Depth 1 of 10,000 files, a 1,000-file rclone copy) against
 * Apache mod_dav and `rclone serve webdav` (`webdav_bench.ts`).
 */
export const WEBDAV_CHECK = { name: "webdav", rounds: 2 } as const;

/**
 * The workers comparison (issue 13, `workers_bench.ts`): `--workers 2` against nginx with 2
 * workers and `deno serve --parallel`, echo against Deno.serve with server CPU per request, and
 * memory per worker. Runs `--rounds` rounds of `--duration`.
 */
export const WORKERS_CHECK = { name: "workers" } as const;

/**
 * The resumable-upload comparison (issue 15, `resumable_bench.ts`): a 256 MiB tus upload in 4 MiB
 * PATCHes against one plain `PUT` of it, to tmpfs, with the shape's own ceiling beside them.
 */
export const RESUMABLE_CHECK = { name: "resumable", rounds: 3 } as const;

/** Every name `--only` accepts. */
export const CHECK_NAMES: readonly string[] = [
  ...SCENARIOS.map((s) => s.name),
  MEMORY_CHECK.name,
  UPLOAD_CHECK.name,
  FILES_CHECK.name,
  TEMPLATES_CHECK.name,
  WEBDAV_CHECK.name,
  WORKERS_CHECK.name,
  RESUMABLE_CHECK.name,
];
