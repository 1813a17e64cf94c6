/**
 * What a connection needs from its server: limits, the handler, the shared clock and the hooks
 * it reports failures and responses to.
 *
 * This module must not know routes.
 * @module
 */

import type { AccessEntry } from "./access_entry.ts";
import type { DeadlineClock } from "./deadline_clock.ts";
import type { Limits } from "./limits.ts";
import type { Handler } from "./types.ts";

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
  /** Counts the request heads every connection of the server has read. */
  activity: { requests: number };
}
