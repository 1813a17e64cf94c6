/**
 * The server's side of the WebSocket opening handshake (RFC 6455 §4.2): checks the client's
 * request and answers 101 with `Sec-WebSocket-Accept`, or says what is wrong.
 *
 * This module must not know routes: a handler calls `acceptWebSocket` with its session.
 * @module
 */

import { createHash } from "node:crypto";
import { STATUS } from "./status.ts";
import { trimOws } from "./ows.ts";
import type { HttpRequest, HttpResponse, WebSocketSession } from "./types.ts";
import {
  WEBSOCKET_MAX_FRAGMENT_BYTES,
  WEBSOCKET_MAX_MESSAGE_BYTES,
  WEBSOCKET_MAX_MESSAGE_CAP_BYTES,
} from "./limits.ts";

/** The GUID every server appends to the key (§1.3). */
const WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** The one version we (and every browser) speak (§4.1, RFC 6455 §11.6). */
export const WEBSOCKET_VERSION = "13";
/** A key is 16 random bytes in base64 (§4.1): 22 characters and "==". */
const KEY_PATTERN = /^[A-Za-z0-9+/]{22}==$/;

/** How a session is to run. */
export interface WebSocketOptions {
  maxMessageBytes?: number;
  maxFragmentBytes?: number;
}

/** `Sec-WebSocket-Accept` for `key` (§4.2.2 step 5.4). */
export function acceptKey(key: string): string {
  return createHash("sha1").update(key + WEBSOCKET_GUID).digest("base64");
}

/** Whether a comma-separated field value lists `token` (case-insensitive). */
function listsToken(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  // OWS only (RFC 9110 §5.6.3): `websocket\xA0` is another token.
  return value.split(",").some((t) => trimOws(t).toLowerCase() === token);
}

/**
 * Answers `req` with a switch to WebSocket running `session`, or with the error its handshake
 * earns: 405 for a method but GET and HEAD, 426 naming `websocket` without the upgrade (HTTP/1.0's
 * is ignored, and a HEAD never upgrades), 426 with our version for another version, 400 for a bad
 * key or a body (§4.2.1).
 */
export function acceptWebSocket(
  req: HttpRequest,
  session: (ws: WebSocketSession) => Promise<void>,
  options: WebSocketOptions = {},
): HttpResponse {
  const text = (status: number, body: string, headers: Array<[string, string]> = []) => ({
    status,
    headers: [["Content-Type", "text/plain; charset=utf-8"], ...headers] as Array<
      [string, string]
    >,
    body: `${body}\n`,
  });
  // RFC 9110 §9.1: HEAD is answered wherever GET is, as the GET would be without its body.
  const head = req.method === "HEAD";
  if (req.method !== "GET" && !head) {
    return text(STATUS.MethodNotAllowed, "A WebSocket opens with GET", [["Allow", "GET, HEAD"]]);
  }
  const h = req.headers;
  // RFC 9110 §7.8: a server MUST ignore an Upgrade field in an HTTP/1.0 request. RFC 6455 §4.1:
  // the handshake is a GET, so a HEAD gets what a GET without the upgrade gets.
  const asked = !head && req.rawVersion !== "HTTP/1.0" &&
    listsToken(h.list("upgrade"), "websocket") && listsToken(h.list("connection"), "upgrade");
  if (!asked) {
    // §4.2.1 / RFC 9110 §15.5.22: say which protocol this resource needs (the writer adds the
    // `upgrade` connection option that goes with an Upgrade field).
    return text(
      STATUS.UpgradeRequired,
      "This resource speaks WebSocket: send an Upgrade over HTTP/1.1",
      [["Upgrade", "websocket"]],
    );
  }
  // §11.3.5: the field appears at most once; repeated lines are one list (RFC 9110 §5.3), so
  // `13` then `8` is the list "13, 8" and is refused as the one-line form is.
  const version = h.list("sec-websocket-version");
  if (version === undefined || trimOws(version) !== WEBSOCKET_VERSION) {
    return text(STATUS.UpgradeRequired, "Unsupported Sec-WebSocket-Version", [
      ["Upgrade", "websocket"],
      ["Sec-WebSocket-Version", WEBSOCKET_VERSION],
    ]);
  }
  const keys = h.list("sec-websocket-key");
  const key = keys === undefined ? undefined : trimOws(keys);
  if (key === undefined || keys!.includes(",") || !KEY_PATTERN.test(key)) {
    return text(STATUS.BadRequest, "Missing or malformed Sec-WebSocket-Key");
  }
  if (req.body.length !== 0) {
    return text(STATUS.BadRequest, "A WebSocket handshake has no body");
  }
  const cap = (n: number | undefined, fallback: number, max: number) =>
    n === undefined || !Number.isSafeInteger(n) || n < 1 ? fallback : Math.min(n, max);
  const maxMessageBytes = cap(
    options.maxMessageBytes,
    WEBSOCKET_MAX_MESSAGE_BYTES,
    WEBSOCKET_MAX_MESSAGE_CAP_BYTES,
  );
  return {
    status: STATUS.SwitchingProtocols,
    headers: [["Upgrade", "websocket"], ["Sec-WebSocket-Accept", acceptKey(key)]],
    upgrade: {
      protocol: "websocket",
      maxMessageBytes,
      maxFragmentBytes: cap(
        options.maxFragmentBytes,
        WEBSOCKET_MAX_FRAGMENT_BYTES,
        WEBSOCKET_MAX_MESSAGE_CAP_BYTES,
      ),
      session,
    },
  };
}
