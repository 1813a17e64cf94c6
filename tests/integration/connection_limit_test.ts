/**
 * `maxConnections` on the real server over raw TCP: at the limit every connection is served;
 * past it a kept-alive connection makes room, and when none can, the newcomer gets 503 and close.
 */

import { assertEquals } from "../support/assert.ts";
import { RawClient, startServer, type TestServer } from "../support/server.ts";
import { testHandler } from "../support/test_handler.ts";

const REQUEST = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (bounded) until the server has accepted `n` connections. */
async function accepted(srv: TestServer, n: number): Promise<void> {
  for (let i = 0; i < 100 && srv.server.connectionCount < n; i++) await sleep(10);
  assertEquals(srv.server.connectionCount, n, "connections accepted");
}

async function status(client: RawClient): Promise<number | undefined> {
  await client.send(REQUEST);
  return (await client.readResponse())?.status;
}

Deno.test("at maxConnections every connection is served", async () => {
  const srv = startServer(testHandler, { maxConnections: 2 });
  const a = await RawClient.connect(srv.port);
  const b = await RawClient.connect(srv.port);
  try {
    assertEquals([await status(a), await status(b)], [200, 200]);
    assertEquals([await status(a), await status(b)], [200, 200], "both stay open");
  } finally {
    a.close();
    b.close();
    await srv.close();
  }
});

Deno.test("one past maxConnections, with none kept alive, gets 503 and is closed", async () => {
  const srv = startServer(testHandler, { maxConnections: 2 });
  // Two clients that have connected but not yet sent a request: they may not be pushed out.
  const a = await RawClient.connect(srv.port);
  const b = await RawClient.connect(srv.port);
  const c = await RawClient.connect(srv.port);
  try {
    await accepted(srv, 2);
    const refused = await c.readResponse();
    assertEquals([refused?.status, refused?.header("connection")], [503, "close"]);
    assertEquals(await c.closedByServer(), true);
    assertEquals([await status(a), await status(b)], [200, 200], "the first two are served");
  } finally {
    a.close();
    b.close();
    c.close();
    await srv.close();
  }
});

Deno.test("past maxConnections the earliest kept-alive connection makes room", async () => {
  const srv = startServer(testHandler, { maxConnections: 2 });
  const a = await RawClient.connect(srv.port);
  const b = await RawClient.connect(srv.port);
  let c: RawClient | undefined;
  try {
    assertEquals([await status(a), await status(b)], [200, 200]);
    c = await RawClient.connect(srv.port);
    assertEquals(await status(c), 200, "the newcomer is served");
    assertEquals(await a.closedByServer(), true, "the earliest idle connection was closed");
    assertEquals(await status(b), 200, "the other one is still open");
  } finally {
    a.close();
    b.close();
    c?.close();
    await srv.close();
  }
});
