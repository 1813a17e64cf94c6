/**
 * The idle-connection memory check: a server's RSS at rest, then with N keep-alive connections
 * that each made one request and now sit idle, opened from this process.
 *
 * This module must not know about wrk or how the result is judged.
 * @module
 */

import { SMALL_PATH } from "./scenarios.ts";
import { exchange, getRequest } from "./raw_http.ts";
import { openFdCount, statusKiB } from "./proc.ts";

/** Connections opened at once while building up the idle set. */
const OPEN_CONCURRENCY = 50;
/** Connections opened and closed first, so lazily compiled code is not counted as growth. */
const WARM_CONNECTIONS = 200;
/**
 * Pause before each RSS reading, so freed buffers settle. Must stay well under the server's
 * keep-alive idle timeout (wireserve's default `idleTimeoutMs` is 5 s) or connections close.
 */
const SETTLE_MS = 1_000;
const KIB_PER_MIB = 1024;

/** What the check measured for one server. */
export interface MemoryResult {
  idleMiB: number;
  loadedMiB: number;
  growthMiB: number;
  /** Connections opened (each answered once). */
  opened: number;
  /** Server descriptors gained while they were held: how many it really kept open. */
  heldByServer: number | null;
}

/**
 * Measures `pid`'s RSS growth with `count` idle keep-alive connections to `port`. `field` is the
 * `/proc/<pid>/status` line read: `VmRSS` (default) or `RssAnon` (the process's own memory only).
 */
export async function measureIdleConnections(
  pid: number,
  port: number,
  count: number,
  field = "VmRSS",
): Promise<MemoryResult> {
  const warm = await openIdle(port, WARM_CONNECTIONS);
  for (const c of warm) c.close();
  await sleep(SETTLE_MS);
  const idle = await statusKiB(pid, field);
  const fdsBefore = await openFdCount(pid);
  const conns = await openIdle(port, count);
  try {
    await sleep(SETTLE_MS);
    const loaded = await statusKiB(pid, field);
    const fdsAfter = await openFdCount(pid);
    if (idle === null || loaded === null) {
      throw new Error(`Cannot read ${field} of pid ${pid} from /proc`);
    }
    return {
      idleMiB: idle / KIB_PER_MIB,
      loadedMiB: loaded / KIB_PER_MIB,
      growthMiB: (loaded - idle) / KIB_PER_MIB,
      opened: conns.length,
      heldByServer: fdsBefore === null || fdsAfter === null ? null : fdsAfter - fdsBefore,
    };
  } finally {
    for (const c of conns) c.close();
  }
}

/** Opens `count` connections, each answered once with 200 and left open. */
async function openIdle(port: number, count: number): Promise<Deno.Conn[]> {
  const conns: Deno.Conn[] = [];
  const request = getRequest(port, SMALL_PATH, false);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conns.push(conn);
      const res = await exchange(conn, request);
      if (res.status !== 200) throw new Error(`GET / answered ${res.status} on an idle connection`);
    }
  };
  const workers = Array.from({ length: Math.min(OPEN_CONCURRENCY, count) }, worker);
  const failed = (await Promise.allSettled(workers)).find((r) => r.status === "rejected");
  if (failed !== undefined) {
    for (const c of conns) c.close();
    throw failed.reason;
  }
  return conns;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
