/**
 * Load for the workers benchmark: a wrk run with the server's CPU time read from /proc around it
 * (→ µs of server CPU per request), and several large downloads or raw uploads at once through
 * one curl process (→ aggregate MB/s), so a server with two workers has two streams to spread.
 *
 * This module must not start servers or judge results.
 * @module
 */

import { cpuTicks } from "./proc.ts";
import { runWrk, type Wrk, type WrkRun } from "./wrk.ts";

/** Longest one batch of transfers may take before curl gives up. */
const CURL_MAX_SECONDS = 300;
const US_PER_SECOND = 1_000_000;
const MS_PER_SECOND = 1_000;

/** A wrk run and the server CPU it cost. */
export interface CpuWrkRun {
  run: WrkRun;
  /** Server user + system CPU per response wrk counted, in µs; null when unreadable. */
  cpuUsPerRequest: number | null;
}

/**
 * Runs wrk with `args` against the server `pid`, reading the server's CPU ticks before and after.
 * The figure covers the whole process (every worker thread, the main thread, GC and I/O threads),
 * as the kernel accounts it. `ticksPerSecond` is `clockTicksPerSecond()`.
 */
export async function wrkWithCpu(
  wrk: Wrk,
  args: string[],
  pid: number,
  ticksPerSecond: number,
  signal: AbortSignal,
): Promise<CpuWrkRun> {
  const before = await cpuTicks(pid);
  const run = await runWrk(wrk, args, signal);
  const after = await cpuTicks(pid);
  return { run, cpuUsPerRequest: cpuPerRequest(before, after, run, ticksPerSecond) };
}

/** µs of CPU per request from two tick readings and wrk's count; null when any is missing. */
export function cpuPerRequest(
  before: number | null,
  after: number | null,
  run: WrkRun,
  ticksPerSecond: number,
): number | null {
  const requests = run.result?.requests ?? 0;
  if (before === null || after === null || requests === 0) return null;
  return (after - before) * US_PER_SECOND / ticksPerSecond / requests;
}

/** A batch of transfers made at once by one curl process. */
export interface TransferBatch {
  /** Bytes moved over all transfers (downloaded, or uploaded). */
  bytes: number;
  /** Wall time of the whole batch. */
  seconds: number;
  /** Each transfer's HTTP status, in the order curl finished them. */
  statuses: number[];
  /** The exact command. */
  command: string[];
}

/**
 * Moves every item at once (up to `parallel` in flight) with one curl (`-Z`): a GET of each URL
 * to /dev/null, or with `uploadFrom` a `PUT` of that file to each URL. One process for the whole
 * batch, so process start-up is paid once, not per transfer.
 */
export async function curlBatch(
  urls: readonly string[],
  parallel: number,
  uploadFrom?: string,
): Promise<TransferBatch> {
  const args = [
    "-s",
    "-Z",
    "--parallel-immediate",
    "--parallel-max",
    String(parallel),
    "--max-time",
    String(CURL_MAX_SECONDS),
    "-w",
    "%{http_code} %{size_download} %{size_upload}\\n",
  ];
  for (const url of urls) {
    if (uploadFrom !== undefined) args.push("-T", uploadFrom);
    args.push("-o", "/dev/null", url);
  }
  const started = performance.now();
  const out = await new Deno.Command("curl", { args, stdout: "piped", stderr: "piped" }).output();
  const seconds = (performance.now() - started) / MS_PER_SECOND;
  let bytes = 0;
  const statuses: number[] = [];
  for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
    const m = /^(\d{3}) (\d+) (\d+)$/.exec(line.trim());
    if (m === null) continue;
    statuses.push(Number(m[1]));
    bytes += Number(uploadFrom === undefined ? m[2] : m[3]);
  }
  return { bytes, seconds, statuses, command: ["curl", ...args] };
}
