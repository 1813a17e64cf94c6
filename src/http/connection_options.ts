/**
 * What a connection needs from its server, and the access-log entry it reports per response.
 *
 * This module must not know routes.
 * @module
 */

import type { DeadlineClock } from "./deadline_clock.ts";
import type { Limits } from "./limits.ts";
import type { Handler } from "./types.ts";

/** One line of the access log, handed to `onResponse`. */
export interface AccessEntry {
  remoteAddress: string;
  method: string;
  target: string;
  version: string;
  status: number;
  bodyBytes: number;
  durationMs: number;
  userAgent: string | undefined;
  referer: string | undefined;
}

/** What a connection needs from its server. */
export interface ConnectionOptions {
  limits: Limits;
  handler: Handler;
  clock: DeadlineClock;
  tls: boolean;
  /** Whether the server is shutting down (finish the current exchange, then close). */
  shuttingDown(): boolean;
  /** Reports a failure that is the server's fault (never a client's bad input). */
  onError(err: unknown, where: string): void;
  /** Reports each response written (the access log). */
  onResponse?: (entry: AccessEntry) => void;
}
