/**
 * What the main thread and the workers say to each other: every message, in one place.
 *
 * This module must not know routes or sockets.
 * @module
 */

import type { AppConfig } from "../app/app_config.ts";
import type { InterfaceAddress } from "../app/lan_urls.ts";
import type { Limits } from "../http/limits.ts";
import type { LogFormat } from "../log/access_log.ts";
import type { SharedMemory } from "./shared_memory.ts";

/** Everything a worker serves from: plain data, cloned into each worker. */
export interface WorkerConfig {
  app: AppConfig;
  hostname: string;
  /** The port every worker binds (SO_REUSEPORT); 0 only for the first, which picks one. */
  port: number;
  /** PEM certificate and key, read by the main thread. */
  tls: { cert: string; key: string } | null;
  /** The machine's addresses as the main thread read them, for `/api/info`'s `lanUrls`. */
  interfaces: InterfaceAddress[];
  limits: Partial<Limits>;
  log: LogFormat;
  /** The .env file's `WIRESERVE_VAR_*` values, for `${env.NAME}` (the environment comes first). */
  templateFileVars: Record<string, string>;
}

/** Main thread → worker. */
export type ToWorker =
  | { type: "start"; index: number; config: WorkerConfig; memory: SharedMemory }
  /** Graceful stop: stop accepting, let in-flight exchanges finish within `timeoutMs`. */
  | { type: "stop"; timeoutMs: number }
  /** The answer to a service call. */
  | { type: "reply"; id: number; ok: true; value: unknown }
  | { type: "reply"; id: number; ok: false; error: string }
  /** Dies of an uncaught error, as a bug would make it (tests of the supervisor). */
  | { type: "crash" }
  /** Are you there? Answered with `pong` by a worker whose event loop turns. */
  | { type: "ping" }
  /** Blocks its event loop for `ms`, as a runaway synchronous task would (tests of the watch). */
  | { type: "block"; ms: number };

/** Worker → main thread. */
export type FromWorker =
  /** Listening on `port`. */
  | { type: "ready"; port: number }
  /** Could not listen: `name` is the Deno error class (`AddrInUse`…). */
  | { type: "failed"; name: string; message: string }
  /** Whole lines for stdout (`out`) or stderr (`err`). */
  | { type: "log"; stream: "out" | "err"; bytes: Uint8Array }
  /** A call of a service the main thread hosts. */
  | { type: "call"; id: number; service: string; method: string; args: unknown[] }
  /** Every connection has ended after a `stop`. */
  | { type: "stopped" }
  /** The answer to a `ping`. */
  | { type: "pong" }
  /** It ran its idle collection: the main thread may give the freed C heap back (malloc_trim). */
  | { type: "collected" };
