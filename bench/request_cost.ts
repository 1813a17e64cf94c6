/**
 * The JavaScript one keep-alive request costs: the real `Connection` and the real app (routing,
 * the echo handler, the response writer) over an in-memory connection whose `readable` is a byte
 * stream read through a BYOB reader, as `conn.readable` is, and whose writes resolve at once. No
 * socket, kernel or Deno op is involved, so this isolates what `src/` costs per request, with far
 * less noise than a wrk run on a shared machine: a change to the request path shows here as ns.
 *
 * The end-to-end figure against `Deno.serve` stays `deno task bench` (the `keepalive` and
 * `workers` checks); this is the magnifying glass for the JavaScript part of it.
 *
 * `--close` measures a connection instead: each sends one request with `Connection: close`, 64
 * at a time (as `wrk -c 64 -H 'Connection: close'` does), so what a connection costs to set up,
 * track (the deadline clock) and tear down is counted with its one exchange.
 *
 * Usage: deno run -A bench/request_cost.ts [--path /echo/wireserve] [--requests 50000]
 *          [--batches 15] [--close]
 * Prints ns of CPU per request: the cheapest batch and the median.
 * @module
 */

import { cpuUsage } from "node:process";
import { parseArgs } from "node:util";
import { appConfig } from "../src/app/app_config.ts";
import { createApp } from "../src/app/routes.ts";
import { Connection } from "../src/http/connection.ts";
import { DeadlineClock } from "../src/http/deadline_clock.ts";
import { DEFAULT_LIMITS } from "../src/http/limits.ts";
import type { Handler } from "../src/http/types.ts";
import { median } from "./rounds.ts";
import { SMALL_PATH } from "./scenarios.ts";

const NS_PER_US = 1_000;
/** The deadline clock's tick: no deadline comes near in a batch. */
const CLOCK_TICK_MS = 1_000;

/** Connections in flight at once in `--close` mode (wrk's `-c` in the load benchmarks). */
const CLOSE_CONCURRENCY = 64;

/** What wrk sends for `path` (its default request: two fields; `close` adds `Connection: close`). */
export function wrkRequest(path: string, close = false): Uint8Array {
  const connection = close ? "Connection: close\r\n" : "";
  return new TextEncoder().encode(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n${connection}\r\n`,
  );
}

/**
 * A connection that delivers `request` `count` times, one per read (as a client waiting for each
 * answer does), then ends; writes are counted and resolve at once.
 */
export function memoryConn(
  request: Uint8Array,
  count: number,
): { conn: Deno.Conn; written: () => number } {
  let left = count;
  let written = 0;
  const readable = new ReadableStream({
    type: "bytes",
    pull(controller: ReadableByteStreamController) {
      const byob = controller.byobRequest!;
      if (left === 0) {
        controller.close();
        byob.respond(0);
        return;
      }
      left--;
      (byob.view as Uint8Array).set(request);
      byob.respond(request.length);
    },
  });
  const conn = {
    readable,
    remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 },
    write: (p: Uint8Array) => {
      written += p.length;
      return Promise.resolve(p.length);
    },
    close: () => {},
    closeWrite: () => Promise.resolve(),
  };
  return { conn: conn as unknown as Deno.Conn, written: () => written };
}

/**
 * Serves `count` requests on one in-memory connection; resolves to ns of CPU (user + system, this
 * process) per request. CPU time rather than wall time: on a shared machine a batch may wait for
 * a core, and waiting costs no CPU.
 */
export async function measureBatch(
  handler: Handler,
  request: Uint8Array,
  count: number,
): Promise<number> {
  const { conn, written } = memoryConn(request, count);
  const clock = new DeadlineClock(CLOCK_TICK_MS);
  const errors: unknown[] = [];
  const c = new Connection(conn, 1, {
    limits: DEFAULT_LIMITS,
    handler,
    clock,
    tls: false,
    shuttingDown: () => false,
    onError: (err) => errors.push(err),
    activity: { requests: 0 },
  });
  const started = cpuUsage();
  await c.serve();
  const used = cpuUsage(started);
  clock.stop();
  if (errors.length > 0) throw errors[0];
  if (written() < count) throw new Error(`Only ${written()} bytes written for ${count} requests`);
  return (used.user + used.system) * NS_PER_US / count;
}

/**
 * The deadline clock every `measureConnections` batch shares, as a server's connections share its
 * one clock for the server's whole life (what churns in it builds up across batches). It stops
 * itself whenever its last connection has ended.
 */
const serverClock = new DeadlineClock(CLOCK_TICK_MS);

/**
 * Serves `count` connections of one `Connection: close` request each, `CLOSE_CONCURRENCY` at a
 * time, on one long-lived deadline clock as a server's connections do; resolves to ns of CPU per
 * connection.
 */
export async function measureConnections(
  handler: Handler,
  request: Uint8Array,
  count: number,
): Promise<number> {
  const clock = serverClock;
  const errors: unknown[] = [];
  const opts = {
    limits: DEFAULT_LIMITS,
    handler,
    clock,
    tls: false,
    shuttingDown: () => false,
    onError: (err: unknown) => errors.push(err),
    activity: { requests: 0 },
  };
  let started = 0;
  const client = async () => {
    while (started < count) {
      started++;
      const { conn, written } = memoryConn(request, 1);
      await new Connection(conn, started, opts).serve();
      if (written() === 0) errors.push(new Error("A connection ended without an answer"));
    }
  };
  const cpu = cpuUsage();
  await Promise.all(Array.from({ length: CLOSE_CONCURRENCY }, client));
  const used = cpuUsage(cpu);
  if (errors.length > 0) throw errors[0];
  return (used.user + used.system) * NS_PER_US / count;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    strict: true,
    options: {
      path: { type: "string", default: SMALL_PATH },
      requests: { type: "string", default: "50000" },
      batches: { type: "string", default: "15" },
      close: { type: "boolean", default: false },
    },
  });
  const handler = createApp(appConfig());
  const request = wrkRequest(values.path, values.close);
  const count = Number(values.requests);
  const measure = values.close ? measureConnections : measureBatch;
  await measure(handler, request, count); // warm-up: compile the hot path first
  const ns: number[] = [];
  for (let i = 0; i < Number(values.batches); i++) ns.push(await measure(handler, request, count));
  const unit = values.close ? "connection (one request each)" : "request";
  console.log(
    `GET ${values.path}: ${Math.min(...ns).toFixed(0)} ns/${unit} fastest, ` +
      `${median(ns)!.toFixed(0)} median, over ${ns.length} batches of ${count}`,
  );
}
