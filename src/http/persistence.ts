/**
 * Whether a request asks to keep its connection open (RFC 9112 §9.3): HTTP/1.1 persists unless
 * `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
 *
 * This module must not know about sockets.
 * @module
 */

import type { HeaderFields } from "./header_fields.ts";
import { trimOws } from "./ows.ts";
import type { HttpVersion } from "./types.ts";

/** Whether the client wants the connection kept open after this exchange. */
export function wantsPersistence(version: HttpVersion, headers: HeaderFields): boolean {
  if (!headers.has("connection")) return version === "HTTP/1.1";
  let close = false;
  let keepAlive = false;
  const keys = headers.keys;
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== "connection") continue;
    // Connection is a comma list of case-insensitive tokens (RFC 9110 §7.6.1).
    for (const part of headers.values[i].split(",")) {
      // OWS only: `keep-alive\xA0` is an unknown option, not keep-alive (RFC 9110 §5.6.3).
      const token = trimOws(part).toLowerCase();
      if (token === "close") close = true;
      else if (token === "keep-alive") keepAlive = true;
    }
  }
  if (close) return false;
  return version === "HTTP/1.1" || keepAlive;
}
