/**
 * Bytes that can never start an HTTP/1.x request get their 400 at once, not when the head clock
 * runs out: a TLS ClientHello sent to the plain port (a client that used https:// by mistake),
 * or binary. A client that is merely slow is still waited for.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { RawClient, startServer } from "../support/server.ts";
import { testHandler } from "../support/test_handler.ts";

/** The start of a real TLS 1.2/1.3 ClientHello: record header, then the handshake header. */
const CLIENT_HELLO = new Uint8Array([
  0x16,
  0x03,
  0x01,
  0x02,
  0x00, // handshake record, TLS 1.0 framing, 512 bytes
  0x01,
  0x00,
  0x01,
  0xfc, // ClientHello, 508 bytes
  0x03,
  0x03, // client version TLS 1.2
  ...new Array(32).fill(0x5a), // random
]);
/** Far below the head clock (seconds): an answer this fast did not wait for it. */
const PROMPT_MS = 1000;

for (
  const [name, bytes] of [
    ["a TLS ClientHello", CLIENT_HELLO],
    ["a NUL byte", new Uint8Array([0])],
    ["a space before the method", new TextEncoder().encode(" GET / HTTP/1.1")],
  ] as const
) {
  Deno.test(`${name} on the plain port gets 400 at once and the connection closes`, async () => {
    const srv = startServer(testHandler);
    const c = await RawClient.connect(srv.port);
    try {
      const started = performance.now();
      await c.send(bytes); // no line end: the server must not wait for one
      const res = await c.readResponse(PROMPT_MS * 3);
      const took = performance.now() - started;
      assertEquals(res?.status, 400);
      assert(took < PROMPT_MS, `answered after ${took.toFixed(0)} ms`);
      assert(await c.closedByServer(), "the connection stays open");
    } finally {
      c.close();
      await srv.close();
    }
  });
}

Deno.test("a request line that has only begun to arrive is still waited for", async () => {
  const srv = startServer(testHandler);
  const c = await RawClient.connect(srv.port);
  try {
    await c.send("\r\nGE");
    await new Promise((r) => setTimeout(r, 100));
    await c.send("T / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    assertEquals((await c.readResponse())?.status, 200);
  } finally {
    c.close();
    await srv.close();
  }
});
