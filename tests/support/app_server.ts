/**
 * Test support: the real app on 127.0.0.1 port 0 — in this thread, or, when the variable
 * `WIRESERVE_TEST_WORKERS` is 2 or more (CI runs the integration suite once so), as a pool of
 * that many worker isolates sharing the port, exactly as `--workers` runs it.
 * @module
 */

import type { AppConfig } from "../../src/app/app_config.ts";
import { createApp } from "../../src/app/routes.ts";
import { SHARED_COUNTERS, sharedServices } from "../../src/app/services.ts";
import type { Limits } from "../../src/http/limits.ts";
import { type ByteWriter, LineSink } from "../../src/log/line_sink.ts";
import { WorkerPool } from "../../src/workers/worker_pool.ts";
import { startServer } from "./server.ts";

/** A running app; `close()` shuts it down and waits for every connection. */
export interface AppServer {
  port: number;
  /** Server-side failures reported so far (handler errors, failed writes). */
  errors: unknown[];
  /** Open connections, on every worker. */
  connectionCount(): number;
  close(): Promise<void>;
}

/**
 * Workers the suite runs its app servers with (1: in this thread). Only Linux balances a shared
 * port over workers (--workers refuses more than 1 elsewhere), so elsewhere it is always 1.
 */
export function testWorkers(): number {
  const n = Number(Deno.env.get("WIRESERVE_TEST_WORKERS") ?? "1");
  return Deno.build.os === "linux" && Number.isInteger(n) && n > 1 ? n : 1;
}

/** A sink that keeps whole lines (one entry may hold several). */
export function collectingSink(): { sink: LineSink; lines: string[] } {
  const lines: string[] = [];
  const decoder = new TextDecoder();
  const writer: ByteWriter = {
    write(p) {
      lines.push(...decoder.decode(p).split("\n").filter((l) => l !== ""));
      return Promise.resolve(p.length);
    },
  };
  return { sink: new LineSink(writer), lines };
}

/** Starts the app for `config` with `limits`, on as many workers as the suite asks. */
export async function startApp(
  config: AppConfig,
  limits: Partial<Limits> = {},
  workers = testWorkers(),
): Promise<AppServer> {
  if (workers === 1) {
    const srv = startServer(createApp(config), limits);
    return {
      port: srv.port,
      errors: srv.errors,
      connectionCount: () => srv.server.connectionCount,
      close: srv.close,
    };
  }
  const out = collectingSink();
  const err = collectingSink();
  const pool = await WorkerPool.start({
    count: workers,
    config: {
      app: config,
      hostname: "127.0.0.1",
      port: 0,
      tls: null,
      limits,
      log: "off",
      templateFileVars: {},
      interfaces: [],
    },
    services: sharedServices(config),
    counters: SHARED_COUNTERS,
    out: out.sink,
    err: err.sink,
  });
  return {
    port: pool.addr.port,
    // Only failures: a worker reports them as "wireserve: <where> failed: …" lines.
    get errors() {
      return err.lines.filter((l) => l.includes(" failed: "));
    },
    connectionCount: () => pool.connectionCount,
    close: async () => {
      await pool.shutdown(1000);
      await Promise.all([out.sink.flush(), err.sink.flush()]);
    },
  };
}
