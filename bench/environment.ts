/**
 * Facts that make a benchmark result reproducible: versions, CPUs, kernel, load, git revision,
 * which code a pool's workers run, and the open-file limits of the bench and of each server.
 *
 * This module must not start servers or judge results.
 * @module
 */

import { BUNDLE_DIR, chooseWorkerModule } from "../src/workers/worker_module.ts";
import { fdSoftLimit } from "./proc.ts";
import { WRK_THREADS } from "./scenarios.ts";
import type { RunningServer } from "./servers.ts";
import type { Wrk } from "./wrk.ts";

const REPO_ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname);

/** `key: value` lines about the machine, the tools and the open-file limits. */
export async function environment(facts: {
  wrk: Wrk;
  duration: string;
  servers: readonly RunningServer[];
  /** `Deno.loadavg()` before the servers started: other load skews every number. */
  loadAtStart: number[];
}): Promise<string[]> {
  const { wrk, duration, servers } = facts;
  const fds = [`bench ${await fdSoftLimit() ?? "?"}`];
  for (const s of servers) fds.push(`${s.name} ${await fdSoftLimit(s.pid) ?? "?"}`);
  return [
    `deno ${Deno.version.deno} (v8 ${Deno.version.v8}); ${wrk.version}`,
    `${navigator.hardwareConcurrency} CPUs, ${Deno.build.os} ${Deno.osRelease()}`,
    `load average (1/5/15 min) before: ${load(facts.loadAtStart)}, after: ${load(Deno.loadavg())}`,
    `git ${await gitRevision()}`,
    `worker code: ${await workerCode()}`,
    `wrk: ${WRK_THREADS} threads, ${duration} per run, same run for both servers`,
    `open-file limit (ulimit -n): ${fds.join(", ")}`,
  ];
}

/** Which module a pool's workers run (src/workers/worker_module.ts). */
async function workerCode(): Promise<string> {
  const chosen = await chooseWorkerModule();
  if (chosen.bundled) return `the bundle in ${BUNDLE_DIR}/, as \`deno task start\` runs it`;
  return `src/ (${chosen.stale ?? "no bundle"})`;
}

function load(avg: number[]): string {
  return avg.map((l) => l.toFixed(2)).join(" ");
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
