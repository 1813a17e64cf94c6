/**
 * The heads of interim responses (RFC 9110 §15.2): `100 Continue`, a 1xx a handler sends ahead of
 * its answer (status line and its fields only: a 1xx has no content, so no framing, Date or
 * Server), and the `101 Switching Protocols` that hands the connection to another protocol.
 *
 * This module must not know sockets or when an interim response may be sent: it appends a head
 * to an `OutputBuffer`, and a head it refuses leaves nothing behind.
 * @module
 */

import type { OutputBuffer } from "./output_buffer.ts";
import { CRLF, serverAndDateLines, statusLine, UPGRADE_LINE } from "./response_head.ts";

/** `100 Continue`, whole (RFC 9110 §10.1.1). */
export const CONTINUE_HEAD: Uint8Array = new TextEncoder().encode("HTTP/1.1 100 Continue\r\n\r\n");

/**
 * Appends the head of interim response `status` with `fields`. Throws `HttpError("internal")`,
 * with nothing appended, for a field that is not a valid line.
 */
export function appendInterimHead(
  out: OutputBuffer,
  status: number,
  fields: Array<[string, string]>,
): void {
  const start = out.length;
  try {
    out.append(statusLine(status));
    out.appendFields(fields);
    out.append(CRLF);
  } catch (err) {
    out.truncate(start);
    throw err;
  }
}

/**
 * Appends `101 Switching Protocols` (RFC 9110 §15.2.2) with `fields`, `Connection: Upgrade` and
 * the Date of `now`: the last HTTP bytes of the connection. Throws `HttpError("internal")`, with
 * nothing appended, for a field that is not a valid line.
 */
export function appendSwitchHead(
  out: OutputBuffer,
  fields: Array<[string, string]>,
  now: number,
): void {
  const start = out.length;
  try {
    out.append(statusLine(101));
    out.append(serverAndDateLines(now));
    out.appendFields(fields);
    out.append(UPGRADE_LINE);
    out.append(CRLF);
  } catch (err) {
    out.truncate(start);
    throw err;
  }
}
