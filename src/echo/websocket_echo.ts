/**
 * `GET /websocket/echo` (go-httpbin's): a WebSocket (RFC 6455) that sends every message back
 * as it came, text as text and binary as binary. `max_message_size` lowers or raises the largest
 * message taken (past it: close 1009) and `max_fragment_size` the frames messages are sent back
 * in, each within [1, WEBSOCKET_MAX_MESSAGE_CAP_BYTES] (else 400, as go-httpbin).
 *
 * This module must not touch sockets: the engine runs the session.
 * @module
 */

import type { HttpRequest, HttpResponse, WebSocketSession } from "../http/types.ts";
import { acceptWebSocket } from "../http/websocket_handshake.ts";
import { WEBSOCKET_MAX_MESSAGE_CAP_BYTES } from "../http/limits.ts";
import { optionalValue, parseQueryAsGo } from "../app/query_params.ts";
import { badRequest } from "../app/json_response.ts";

/** The echo route's path. */
export const WEBSOCKET_ECHO_PATH = "/websocket/echo";

/** Sends every message back until the client closes. */
async function echoSession(ws: WebSocketSession): Promise<void> {
  for (let m = await ws.receive(); m !== null; m = await ws.receive()) await ws.send(m.data);
}

/**
 * A size parameter: absent or empty → undefined (go-httpbin's `q.Get(name) != ""`), valid → its
 * value, else the 400 answer.
 */
function sizeParam(query: string, name: string): number | undefined | HttpResponse {
  const raw = optionalValue(parseQueryAsGo(query), name);
  if (raw === undefined) return undefined;
  // Go's ParseInt: an optional sign (a "-" then fails the range).
  const n = /^[+-]?[0-9]{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= WEBSOCKET_MAX_MESSAGE_CAP_BYTES)) {
    return badRequest(`invalid ${name}: not in range [1, ${WEBSOCKET_MAX_MESSAGE_CAP_BYTES}]`);
  }
  return n;
}

/** The `/websocket/echo` handler. */
export function websocketEcho(req: HttpRequest): HttpResponse {
  const maxMessageBytes = sizeParam(req.query, "max_message_size");
  if (typeof maxMessageBytes === "object") return maxMessageBytes;
  const maxFragmentBytes = sizeParam(req.query, "max_fragment_size");
  if (typeof maxFragmentBytes === "object") return maxFragmentBytes;
  // Both given, the fragments cannot be larger than a message (go-httpbin's rule; with only one
  // given the other's default is not held against it).
  if (
    maxFragmentBytes !== undefined && maxMessageBytes !== undefined &&
    maxFragmentBytes > maxMessageBytes
  ) {
    return badRequest(
      `max_fragment_size ${maxFragmentBytes} must be less than or equal to max_message_size ` +
        `${maxMessageBytes}`,
    );
  }
  return acceptWebSocket(req, echoSession, { maxMessageBytes, maxFragmentBytes });
}
