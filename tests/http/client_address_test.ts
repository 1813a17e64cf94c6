/** The address a client is known by: an IPv4-mapped IPv6 address as its IPv4 address. */

import { assertEquals } from "../support/assert.ts";
import { clientAddress } from "../../src/http/client_address.ts";

for (
  const [given, want] of [
    ["::ffff:127.0.0.1", "127.0.0.1"],
    ["::FFFF:10.1.2.3", "10.1.2.3"],
    ["127.0.0.1", "127.0.0.1"],
    ["::1", "::1"],
    ["2001:db8::1", "2001:db8::1"],
    ["::ffff:7f00:1", "::ffff:7f00:1"],
    ["::ffff:", "::ffff:"],
  ]
) {
  Deno.test(`clientAddress(${given}) is ${want}`, () => assertEquals(clientAddress(given), want));
}

Deno.test("a server on :: knows an IPv4 client by its IPv4 address, in the request and the log", async () => {
  const { startServer, RawClient } = await import("../support/server.ts");
  const logged: string[] = [];
  let srv;
  try {
    srv = startServer((req) => ({ status: 200, body: req.connection.remoteAddress }), {}, {
      hostname: "::",
      onResponse: (e) => logged.push(e.remoteAddress),
    });
  } catch {
    return; // no IPv6 here: nothing to map
  }
  try {
    const c = await RawClient.connect(srv.port);
    try {
      await c.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
      const res = await c.readResponse();
      assertEquals(new TextDecoder().decode(res?.body), "127.0.0.1");
    } finally {
      c.close();
    }
    await srv.close();
    assertEquals(logged, ["127.0.0.1"]);
  } finally {
    await srv.close().catch(() => {});
  }
});
