/**
 * wireserve as a child process for the fuzzer and the soak: started on port 0 over a folder of
 * its own, watched from outside (RSS, open descriptors, temp files left in the folder, whether it
 * is alive), and stopped with SIGTERM. It reuses the tests' spawner (the exact permissions of the
 * compiled binary) and the bench's /proc readers rather than growing a third copy of each.
 *
 * This module must not know what load is sent.
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  spawnWireserve,
  WIRESERVE_PERMISSIONS,
  type WireserveProcess,
} from "../../tests/support/wireserve_process.ts";
import { openFdCount, rssKiB } from "../../bench/proc.ts";
import { isTempFileName } from "../../src/app/temp_name.ts";

/** A running child server. */
export interface ChildServer {
  port: number;
  pid: number;
  /** The folder it shares at /files/. */
  dir: string;
  /** Whether the process is still running. */
  alive(): boolean;
  stderr(): string;
  /** Resident memory in MiB (null when /proc cannot be read). */
  rssMiB(): Promise<number | null>;
  /** Open file descriptors (null when /proc cannot be read). */
  fds(): Promise<number | null>;
  /**
   * The serving isolate's last reported V8 heap and external memory in MiB (started with
   * `memoryReport`; null otherwise or before the first report).
   */
  heap(): { usedMiB: number; totalMiB: number; externalMiB: number } | null;
  /** Upload temp files (`.name.wireserve-<hex>.tmp`) anywhere under the shared folder. */
  tempFiles(): number;
  /** SIGTERM, then the exit code; the folder is removed. */
  stop(): Promise<number>;
}

const KIB_PER_MIB = 1024;

const MEMORY_MAIN = fileURLToPath(new URL("./memory_reporting_main.ts", import.meta.url));
const BYTES_PER_MIB = 1024 * 1024;

/**
 * Starts wireserve on port 0 sharing `dir` (made by the caller), with `flags` after it; with
 * `memoryReport`, through `memory_reporting_main.ts` (same permissions) so `heap()` works.
 */
export async function startChildServer(
  dir: string,
  flags: string[],
  memoryReport = false,
): Promise<ChildServer> {
  const args = [dir, "--port", "0", ...flags];
  const proc: WireserveProcess = memoryReport
    ? spawnWireserve(["run", ...WIRESERVE_PERMISSIONS, MEMORY_MAIN, ...args], {
      binary: Deno.execPath(),
    })
    : spawnWireserve(args);
  let running = true;
  proc.child.status.then(() => running = false);
  let port: number;
  try {
    port = await proc.port();
  } catch (e) {
    await proc.exit();
    throw e;
  }
  const pid = proc.child.pid;
  return {
    port,
    pid,
    dir,
    alive: () => running,
    stderr: () => proc.stderr(),
    rssMiB: async () => {
      const kib = await rssKiB(pid);
      return kib === null ? null : kib / KIB_PER_MIB;
    },
    fds: () => openFdCount(pid),
    heap: () => {
      const text = proc.stderr();
      const at = text.lastIndexOf("memory: {");
      if (at < 0) return null;
      const line = text.slice(at + "memory: ".length, text.indexOf("\n", at));
      const m = JSON.parse(line) as { heapUsed: number; heapTotal: number; external: number };
      return {
        usedMiB: m.heapUsed / BYTES_PER_MIB,
        totalMiB: m.heapTotal / BYTES_PER_MIB,
        externalMiB: m.external / BYTES_PER_MIB,
      };
    },
    tempFiles: () => countTempFiles(dir),
    async stop() {
      if (running) {
        try {
          proc.child.kill("SIGTERM");
        } catch {
          // it exited meanwhile
        }
      }
      const code = await proc.exit();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      return code;
    },
  };
}

/** Upload temp files under `dir`, at any depth. */
export function countTempFiles(dir: string): number {
  let count = 0;
  const walk = (at: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(at)];
    } catch {
      return; // removed meanwhile
    }
    for (const e of entries) {
      if (e.isDirectory) walk(join(at, e.name));
      else if (isTempFileName(e.name)) count++;
    }
  };
  walk(dir);
  return count;
}

/** Polls `read` until `ok` holds or `timeoutMs` passes; the last value read. */
export async function settle<T>(
  read: () => Promise<T> | T,
  ok: (v: T) => boolean,
  timeoutMs: number,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() >= deadline) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
