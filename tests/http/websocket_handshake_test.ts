/**
 * The WebSocket opening handshake's field checks (RFC 6455 §4.2.1): tokens compared after
 * removing OWS only (SP and HTAB, RFC 9110 §5.6.3), never other whitespace.
 */

import { acceptWebSocket } from "../../src/http/websocket_handshake.ts";
import { assertEquals } from "../support/assert.ts";
import { buildRequest } from "../support/request_builder.ts";

const KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const FIELDS: Array<[string, string]> = [
  ["Host", "t"],
  ["Upgrade", "websocket"],
  ["Connection", "Upgrade"],
  ["Sec-WebSocket-Key", KEY],
  ["Sec-WebSocket-Version", "13"],
];

/** The status of a handshake whose field `name` has the (latin1) value `value`. */
function statusWith(name: string, value: string): number {
  const headers = FIELDS.map(([n, v]): [string, string] => [n, n === name ? value : v]);
  return acceptWebSocket(buildRequest({ target: "/ws", headers }), async () => {}).status;
}

Deno.test("a well-formed handshake, OWS around its tokens included, is accepted", () => {
  assertEquals(statusWith("Upgrade", "websocket"), 101);
  assertEquals(statusWith("Upgrade", "h2c, \twebsocket\t"), 101);
  assertEquals(statusWith("Connection", "keep-alive, Upgrade "), 101);
});

Deno.test("a no-break space (0xA0) is part of a token, not whitespace around it", () => {
  assertEquals(statusWith("Upgrade", "websocket\xA0"), 426);
  assertEquals(statusWith("Connection", "Upgrade\xA0"), 426);
  assertEquals(statusWith("Sec-WebSocket-Version", "13\xA0"), 426);
  assertEquals(statusWith("Sec-WebSocket-Key", `${KEY}\xA0`), 400);
});
