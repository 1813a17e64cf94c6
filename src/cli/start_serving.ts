/**
 * Starts serving a validated `Config`: one `HttpServer` in this thread with one worker, else a
 * pool of worker isolates sharing the port. The app (`../app/routes.ts`) is loaded only where
 * this thread serves: a pool's main thread keeps only the shared services, each worker loading
 * the app itself.
 *
 * This module must not parse options, print the banner or handle signals.
 * @module
 */

import { SHARED_COUNTERS, sharedServices } from "../app/services.ts";
import type { AppHooks } from "../app/app_hooks.ts";
import type { InterfaceAddress } from "../app/lan_urls.ts";
import { reclaimWhenIdle } from "../app/idle_memory.ts";
import { openMallocTrim } from "../app/malloc_trim.ts";
import type { HttpServer } from "../http/server.ts";
import { accessLogger } from "../log/access_log.ts";
import type { LineSink } from "../log/line_sink.ts";
import { chooseWorkerModule } from "../workers/worker_module.ts";
import { canSharePort, WorkerPool } from "../workers/worker_pool.ts";
import type { Config } from "./config.ts";
import { errorText } from "./listen_error.ts";

/** A running server: one HttpServer in this thread, or a pool of workers. */
export interface Serving
  extends Pick<HttpServer, "addr" | "finished" | "connectionCount" | "shutdown"> {
  /** Ends the workers at once (a second signal); the main thread's server just goes away. */
  terminate?(): void;
}

/** What was read from the machine before starting: the TLS files and the interfaces. */
export interface MachineFacts {
  tls: { cert: string; key: string } | null;
  interfaces: readonly InterfaceAddress[];
}

/** The Deno flag SO_REUSEPORT needs (`deno task start` and the binary have it). */
const UNSTABLE_NET = "--unstable-net";

/**
 * Starts serving `config`: in this thread with one worker, else a pool of worker isolates on one
 * port. Without `--unstable-net` (a plain `deno run`) SO_REUSEPORT is unavailable: it says so
 * and serves with one worker rather than not at all. Resolves to the server and the config it
 * really serves (its worker count lowered then). Once `startAborted` is aborted (a stop signal),
 * a pool starts no more workers and resolves with those it has, for the caller to shut down.
 */
export async function startServing(
  config: Config,
  machine: MachineFacts,
  hooks: AppHooks,
  templateFileVars: Record<string, string>,
  out: LineSink,
  err: LineSink,
  startAborted?: AbortSignal,
): Promise<{ server: Serving; config: Config }> {
  if (config.workers > 1 && !canSharePort()) {
    err.line(`wireserve: warning: --workers needs ${UNSTABLE_NET}; serving with 1 worker`);
    config = { ...config, workers: 1 };
  }
  // Before any worker exists or any request is read: FFI is revoked once glibc is open.
  const mallocTrim = openMallocTrim();
  const trim = mallocTrim === null ? undefined : () => void mallocTrim();
  if (config.workers > 1) {
    // The bundle `deno task start` builds, while it matches the sources; else src/, silently:
    // the code is the same, only its memory differs (../workers/worker_module.ts).
    const { url: module } = await chooseWorkerModule();
    const pool = await WorkerPool.start({
      module,
      count: config.workers,
      config: {
        app: config.app,
        hostname: config.hostname,
        port: config.port,
        tls: machine.tls,
        interfaces: [...machine.interfaces],
        limits: config.limits,
        log: config.log,
        templateFileVars,
      },
      services: sharedServices(config.app, (line) => err.line(line)),
      counters: SHARED_COUNTERS,
      out,
      err,
      startAborted,
      afterWorkerCollect: trim,
    });
    // This thread serves nothing, but relays every worker's log lines.
    const stopReclaiming = reclaimWhenIdle(() => pool.messageCount, trim);
    pool.finished.finally(stopReclaiming);
    return { server: pool, config };
  }
  // The app and the protocol are loaded only here, where this thread serves: a pool's main thread
  // serves nothing and keeps only the shared services (../app/services.ts), each worker loading
  // them itself (the main thread's own source: 583 → 311 KB, 133 → 77 modules).
  const [{ createApp }, { HttpServer }] = await Promise.all([
    import("../app/routes.ts"),
    import("../http/server.ts"),
  ]);
  const server = new HttpServer({
    hostname: config.hostname,
    port: config.port,
    handler: createApp(config.app, hooks),
    limits: config.limits,
    tls: machine.tls ?? undefined,
    onError: (e, where) => err.line(`wireserve: ${where} failed: ${errorText(e)}`),
    onResponse: accessLogger(config.log, out),
  });
  const stopReclaiming = reclaimWhenIdle(() => server.requestCount, trim);
  server.finished.finally(stopReclaiming);
  return { server, config };
}
