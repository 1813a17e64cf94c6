/**
 * `maxConnections` on the real server over raw TCP: at the limit every connection is served;
 * past it a kept-alive connection makes room, and when none can, the newcomer gets 503 and a
 * lingering close (its request read and dropped, so a client still sending reads the 503).
 * After hostile churn on two workers the server-wide count comes back exactly. Each 503 has its
 * access-log line, as every other canned answer.
 */

import { appConfig } from "../../src/app/app_config.ts";
import { countIsExact } from "../../tools/soak/hostile.ts";
import { startApp } from "../support/app_server.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { RawClient, startServer, type TestServer } from "../support/server.ts";
import { testHandler } from "../support/test_handler.ts";
import { SharedCount } from "../../src/http/shared_count.ts";
import { ROOM_WAIT_MS, RoomRequests } from "../../src/http/room_requests.ts";
import type { AccessEntry } from "../../src/http/access_entry.ts";
import { spawnWireserve } from "../support/wireserve_process.ts";

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
    assertEquals(
      [refused?.status, refused?.header("connection"), refused?.header("retry-after")],
      [503, "close", "1"],
    );
    assertEquals(await c.closedByServer(), true);
    assertEquals([await status(a), await status(b)], [200, 200], "the first two are served");
  } finally {
    a.close();
    b.close();
    c.close();
    await srv.close();
  }
});

Deno.test("a refused client that sent its request and part of a body reads the 503 and may finish sending", async () => {
  // Closing with the request unread made the kernel reset the connection: the client's next
  // write failed (a broken pipe where it should have read the 503), and some stacks drop the
  // 503 itself. The refusal lingers instead, like any refusal of an unread body.
  const srv = startServer(testHandler, { maxConnections: 1 });
  const a = await RawClient.connect(srv.port);
  const c = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
  try {
    await accepted(srv, 1);
    const head = "PUT /x HTTP/1.1\r\nHost: t\r\nContent-Length: 300000\r\n\r\n";
    await c.write(new TextEncoder().encode(head + "x".repeat(1000)));
    const answer = await readAll(c);
    assert(answer.startsWith("HTTP/1.1 503 "), answer);
    // The rest of the body still goes: the server reads and drops it, then closes.
    await c.write(new Uint8Array(299_000));
    assertEquals(await c.read(new Uint8Array(16)), null, "the server ends, without a reset");
  } finally {
    c.close();
    a.close();
    await srv.close();
  }
});

Deno.test("a refusal still lingering ends when the server stops", async () => {
  const srv = startServer(testHandler, { maxConnections: 1, lingerTimeoutMs: 60_000 });
  const a = await RawClient.connect(srv.port);
  const c = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
  try {
    await accepted(srv, 1);
    const head = "PUT /x HTTP/1.1\r\nHost: t\r\nContent-Length: 9\r\n\r\n";
    await c.write(new TextEncoder().encode(head));
    assert((await readAll(c)).startsWith("HTTP/1.1 503 "));
    a.close();
    await srv.close();
    // The server's socket is gone, its 60 s linger cut short: a write meets a reset, and the
    // next one fails. (Lingering, the server would go on reading and dropping them.)
    let ended = false;
    for (let i = 0; i < 50 && !ended; i++) {
      ended = await c.write(new Uint8Array(9)).then(() => false, () => true);
      if (!ended) await sleep(100);
    }
    assert(ended, "the refused connection still lingers after the server stopped");
  } finally {
    c.close();
    a.close();
  }
});

Deno.test("a 503 past maxConnections gets its access-log entry, its request unread", async () => {
  const entries: AccessEntry[] = [];
  const srv = startServer(testHandler, { maxConnections: 1 }, {
    onResponse: (e) => entries.push(e),
  });
  const a = await RawClient.connect(srv.port);
  const c = await RawClient.connect(srv.port);
  try {
    await accepted(srv, 1);
    assertEquals((await c.readResponse())?.status, 503);
    assertEquals(entries.length, 1);
    const e = entries[0];
    assertEquals(
      [e.remoteAddress, e.method, e.target, e.version, e.status, e.bodyBytes > 0, e.ended],
      ["127.0.0.1", "-", "-", "-", 503, true, undefined],
    );
  } finally {
    a.close();
    c.close();
    await srv.close();
  }
});

for (const workers of [1, 2]) {
  Deno.test({
    name: `wireserve logs the 503 it sends past --max-connections (${workers} worker(s))`,
    ignore: Deno.build.os !== "linux", // SIGTERM, and SO_REUSEPORT for the workers
    fn: async () => {
      const p = spawnWireserve([
        "--port",
        "0",
        "--max-connections",
        "1",
        "--log",
        "common",
        "--workers",
        String(workers),
      ]);
      const port = await p.port();
      // Connected without a request: it holds the one slot and may not be pushed out.
      const a = await RawClient.connect(port);
      const answers: (number | undefined)[] = [];
      try {
        // Until the worker that got `a` has accepted it, a newcomer is served (200) and closed;
        // on a loaded machine that can take longer than any fixed sleep. Once `a` holds the slot
        // every newcomer is refused.
        for (let i = 0; i < 50 && answers.at(-1) !== 503; i++) {
          await sleep(100);
          const c = await RawClient.connect(port);
          try {
            await c.send(REQUEST);
            answers.push((await c.readResponse(5000))?.status);
          } finally {
            c.close();
          }
        }
        assertEquals(answers.at(-1), 503, `answers: ${answers}`);
        assert(answers.every((s) => s === 200 || s === 503), `answers: ${answers}`);
        assertEquals(await status(a), 200, "the slot's holder was not pushed out");
      } finally {
        a.close();
        p.child.kill("SIGTERM");
      }
      assertEquals(await p.exit(), 0);
      assert(
        /\n127\.0\.0\.1 - - \[[^\]]+\] "- - -" 503 \d+ [\d.]+ms\n/.test(p.stdout()),
        p.stdout(),
      );
    },
  });
}

/** Reads `conn` until the server ends its side (a refusal half-closes after its 503). */
async function readAll(conn: Deno.Conn): Promise<string> {
  const buf = new Uint8Array(4096);
  let text = "";
  for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) {
    text += new TextDecoder().decode(buf.subarray(0, n));
  }
  return text;
}

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

/** The limit of the churn test: small, so that every kind of client below crosses it. */
const CHURN_LIMIT = 20;
const CHURN_FILE_BYTES = 4 * 1024 * 1024;
const encoder = new TextEncoder();

Deno.test({
  name:
    "after refused, cut, half-closed and pushed-out connections on two workers the count is exact",
  ignore: Deno.build.os !== "linux", // --workers needs SO_REUSEPORT balancing
}, async () => {
  const root = await Deno.makeTempDir({ prefix: "wireserve-limit-" });
  await Deno.writeFile(`${root}/big.bin`, new Uint8Array(CHURN_FILE_BYTES));
  const app = await startApp(appConfig({ directory: root }), { maxConnections: CHURN_LIMIT }, 2);
  const port = app.port;
  const connect = () => Deno.connect({ hostname: "127.0.0.1", port });
  try {
    // Silent connections past the limit: the ones over it are refused with 503.
    const silent = await Promise.all(Array.from({ length: CHURN_LIMIT + 10 }, connect));
    await sleep(300);
    for (const c of silent) c.close();
    await drained(app.connectionCount);
    // Downloads cut after their first bytes, and heads cut by a FIN.
    for (let i = 0; i < CHURN_LIMIT; i++) {
      const cut = await connect();
      await cut.write(encoder.encode("GET /files/big.bin HTTP/1.1\r\nHost: x\r\n\r\n"));
      await cut.read(new Uint8Array(1024));
      cut.close();
      const half = await connect();
      await half.write(encoder.encode("GET /files/big.bin HTTP/1.1\r\nHo"));
      await half.closeWrite();
      await half.read(new Uint8Array(1024)).catch(() => null);
      half.close();
    }
    // Kept-alive connections pushed out by newcomers, twice over.
    const kept: RawClient[] = [];
    for (let i = 0; i < 2 * CHURN_LIMIT; i++) {
      const c = await RawClient.connect(port);
      kept.push(c);
      assertEquals(await status(c), 200, `kept-alive client ${i} is served`);
    }
    for (const c of kept) c.close();
    await drained(app.connectionCount);
    // Exactly the limit is free again: that many silent connections held, one more refused.
    const verdict = await countIsExact(port, CHURN_LIMIT);
    assert(verdict === null, verdict ?? "");
  } finally {
    await app.close();
    await Deno.remove(root, { recursive: true });
  }
});

/** Waits (bounded) until `count()` is 0, and says so. */
async function drained(count: () => number): Promise<void> {
  for (let i = 0; i < 250 && count() > 0; i++) await sleep(20);
  assertEquals(count(), 0, "every connection has ended");
}

/** Two servers sharing one limit, as workers do: one count and one cell of requests for room. */
function sharingServers(maxConnections: number): [TestServer, TestServer] {
  const cells = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  const shared = {
    openConnections: new SharedCount(cells, 0),
    roomRequests: new RoomRequests(cells, 1),
  };
  return [
    startServer(testHandler, { maxConnections }, shared),
    startServer(testHandler, { maxConnections }, shared),
  ];
}

Deno.test("past a limit shared with another server, a kept-alive connection of the other makes room", async () => {
  const [a, b] = sharingServers(2);
  const clients: RawClient[] = [];
  const open = async (srv: TestServer) => {
    const c = await RawClient.connect(srv.port);
    clients.push(c);
    return c;
  };
  try {
    // The limit is held by server a: one kept-alive connection, one busy with nothing sent.
    const kept = await open(a);
    assertEquals(await status(kept), 200);
    await open(a);
    await accepted(a, 2);
    // A newcomer of server b, which has nothing idle: a's kept-alive connection is closed for it.
    const started = Date.now();
    const newcomer = await open(b);
    assertEquals(await status(newcomer), 200, "served, not refused");
    assert(Date.now() - started < ROOM_WAIT_MS + 500, `${Date.now() - started} ms`);
    assertEquals(await kept.closedByServer(), true, "the kept-alive one went");
    // With nothing idle anywhere (the newcomer is sending its next head), the next newcomer
    // waits its bounded time, then gets 503.
    await newcomer.send("GET / HTTP/1.1\r\n");
    await sleep(50);
    const refused = await open(b);
    assertEquals((await refused.readResponse())?.status, 503);
    assertEquals(a.server.connectionCount + b.server.connectionCount, 2);
  } finally {
    for (const c of clients) c.close();
    await Promise.all([a.close(), b.close()]);
  }
});
