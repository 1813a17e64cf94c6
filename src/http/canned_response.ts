/**
 * The fixed responses the engine sends by itself for protocol errors: the status from the
 * taxonomy, a fixed text that never echoes request bytes, and `Connection: close`.
 *
 * This module must not know routes.
 * @module
 */

import { ERROR_KINDS, type ErrorKind, errorText } from "./errors.ts";
import { formatHttpDate } from "./http_date.ts";
import { reasonPhrase, STATUS } from "./status.ts";
import type { HttpResponse } from "./types.ts";

const encoder = new TextEncoder();

/**
 * The complete response for a protocol error of `kind`, closing the connection. `headOnly`
 * (the request line said HEAD) leaves the text out and keeps its Content-Length: a response to
 * HEAD ends at its empty line whatever its fields say (RFC 9112 §6.3 rule 1, RFC 9110 §9.3.2), so
 * text after it would be read as the start of the next response.
 */
export function cannedErrorResponse(
  kind: ErrorKind,
  now: number = Date.now(),
  headOnly = false,
): Uint8Array {
  const info: { status: number; retryAfterSeconds?: number } = ERROR_KINDS[kind];
  const status = info.status;
  const body = `${errorText(kind)}\n`;
  // A 503 says when to come back (RFC 9110 §10.2.3): the overload it reports passes quickly.
  const retry = info.retryAfterSeconds === undefined
    ? ""
    : `Retry-After: ${info.retryAfterSeconds}\r\n`;
  return encoder.encode(
    `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\n` +
      "Content-Type: text/plain; charset=utf-8\r\n" +
      `Content-Length: ${body.length}\r\n` +
      "Connection: close\r\n" +
      retry +
      "Server: wireserve\r\n" +
      `Date: ${formatHttpDate(now)}\r\n` +
      "\r\n" + (headOnly ? "" : body),
  );
}

/**
 * The body bytes `cannedErrorResponse(kind, now, headOnly)` carries (for the access log): its
 * text and newline, none for HEAD.
 */
export function cannedBodyBytes(kind: ErrorKind, headOnly: boolean): number {
  return headOnly ? 0 : errorText(kind).length + 1;
}

/** The 500 a handler failure becomes: it reveals nothing about the failure. */
export function internalErrorResponse(): HttpResponse {
  return {
    status: STATUS.InternalServerError,
    headers: [["Content-Type", "text/plain; charset=utf-8"]],
    body: "Internal server error\n",
  };
}
