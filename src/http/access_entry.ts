/**
 * One access-log entry per response: what the connection reports to `onResponse`, built from
 * whatever of the request head was parsed (a canned error may answer a head that never parsed).
 *
 * This module must not format the entry (that is the log's job) nor know routes.
 * @module
 */

import type { RequestHead } from "./request_head.ts";

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
  /**
   * Why the exchange ended before its response was sent whole (absent when it was): the server
   * shut down, the client went away, a clock ran out, or the body failed on the server's side
   * (a stream that threw half-way). `status` is then the status that went out, or 0 when none
   * did.
   */
  ended?: EndReason;
}

/** Why an exchange that reached its handler ended early. */
export type EndReason = "shutdown" | "client-gone" | "timeout" | "error";

/**
 * Why an exchange that reached its handler ended before its response went out whole: the server
 * shutting down closed it, its body-idle clock ran out, or else the client went away.
 */
export function endReason(closedByShutdown: boolean, timedOut: boolean): EndReason {
  return closedByShutdown ? "shutdown" : timedOut ? "timeout" : "client-gone";
}

/** The entry for a response to `head` ("-" for each part of a head that was never parsed). */
export function accessEntry(
  remoteAddress: string,
  head: RequestHead | null,
  status: number,
  bodyBytes: number,
  durationMs: number,
  ended?: EndReason,
): AccessEntry {
  const entry: AccessEntry = {
    remoteAddress,
    method: head?.method ?? "-",
    target: head?.target ?? "-",
    version: head?.rawVersion ?? "-",
    status,
    bodyBytes,
    durationMs,
    userAgent: head?.headers.get("user-agent"),
    referer: head?.headers.get("referer"),
  };
  if (ended !== undefined) entry.ended = ended;
  return entry;
}
