/**
 * The TLS handshake's own clock (`tlsHandshakeTimeoutMs`) on the real engine over 127.0.0.1:
 * clients that open TCP and never finish the handshake — silent, or stalled after a record header
 * — are abandoned after the bound and their slots come back exactly, while honest HTTPS clients
 * (one that starts its handshake late within the bound included) are served before, during and
 * after. The idle clock is long here, so only the handshake clock can release them.
 *
 * What Deno 2.9.6 does with the socket itself is pinned too: a descriptor abandoned mid-handshake
 * stays open inside Deno until its client goes, then is released (see src/http/tls_handshake.ts).
 * Skipped where openssl is missing.
 */

import { HttpServer } from "../../src/http/server.ts";
import { selfSignedCert } from "../../tools/soak/fixture.ts";
import { hasProgram } from "../support/wireserve_process.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { testHandler } from "../support/test_handler.ts";
import { CAN_COUNT_FDS, openSocketsOn } from "../support/open_fds.ts";

const HAS_OPENSSL = await hasProgram("openssl", ["version"]);
if (!HAS_OPENSSL) console.log("tls_handshake_test: skipped: openssl is needed");

/**
 * Long enough that an honest handshake begun half of it late still ends within it on a starved
 * 2-core CI machine (at 400 ms that left it 200 ms: a scheduling hiccup could take them).
 */
const HANDSHAKE_MS = 1000;
const SILENT = 12;
const STALLED = 8;
/** A handshake record (RFC 8446 §5.1) announcing 200 bytes, none of which follow. */
const RECORD_HEADER = new Uint8Array([0x16, 0x03, 0x01, 0x00, 0xc8]);
const REQUEST = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The status line of one request over a TLS connection (closed afterwards). */
async function statusLine(conn: Deno.TlsConn): Promise<string> {
  await conn.write(REQUEST);
  const text = new TextDecoder().decode(await new Response(conn.readable).bytes());
  return text.slice(0, text.indexOf("\r\n"));
}

/** One `Connection: close` HTTPS request trusting `ca`. */
function httpsGet(port: number, ca: string): Promise<string> {
  return Deno.connectTls({ hostname: "127.0.0.1", port, caCerts: [ca] }).then(statusLine);
}

/** Waits (bounded) until no socket on `port` is open; returns how many are. */
async function quietSockets(port: number, ms: number): Promise<number> {
  let open = await openSocketsOn(port);
  for (let waited = 0; waited < ms && open > 0; waited += 20) {
    await sleep(20);
    open = await openSocketsOn(port);
  }
  return open;
}

/** Waits (bounded) until `server` holds `n` connections; returns how many it holds. */
async function settle(server: HttpServer, n: number, ms: number): Promise<number> {
  for (let waited = 0; waited < ms && server.connectionCount !== n; waited += 20) await sleep(20);
  return server.connectionCount;
}

Deno.test({
  name: "TLS handshakes never finished are abandoned after tlsHandshakeTimeoutMs",
  ignore: !HAS_OPENSSL,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "wireserve-tls-handshake-" });
    const clients: Deno.Conn[] = [];
    let server: HttpServer | null = null;
    try {
      const ca = await selfSignedCert(dir);
      server = new HttpServer({
        port: 0,
        handler: testHandler,
        tls: {
          cert: await Deno.readTextFile(`${dir}/cert.pem`),
          key: await Deno.readTextFile(`${dir}/key.pem`),
        },
        limits: { tlsHandshakeTimeoutMs: HANDSHAKE_MS, idleTimeoutMs: 60_000 },
        onError: () => {},
      });
      const port = server.addr.port;
      assertEquals(await httpsGet(port, ca), "HTTP/1.1 200 OK", "before");
      assertEquals(await settle(server, 0, 2000), 0, "the first client has gone");
      // The first client's sockets may still be closing (CI once counted one that then went,
      // and the pin below came out one short): wait, bounded, for the port to hold none.
      const fdsBefore = CAN_COUNT_FDS ? await quietSockets(port, 2000) : 0;

      for (let i = 0; i < SILENT + STALLED; i++) {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        clients.push(conn);
        if (i >= SILENT) await conn.write(RECORD_HEADER);
      }
      assertEquals(await settle(server, SILENT + STALLED, 2000), SILENT + STALLED, "accepted");

      // During: an honest client, and one that waits before its ClientHello (within the bound).
      const late = await Deno.connect({ hostname: "127.0.0.1", port });
      const during = httpsGet(port, ca);
      await sleep(HANDSHAKE_MS / 2);
      const lateTls = await Deno.startTls(late, { hostname: "127.0.0.1", caCerts: [ca] });
      assertEquals(await statusLine(lateTls), "HTTP/1.1 200 OK", "a late but honest handshake");
      assertEquals(await during, "HTTP/1.1 200 OK", "during");

      // After the bound every abandoned handshake has given its slot back.
      assertEquals(await settle(server, 0, HANDSHAKE_MS * 4), 0, "the count comes back");
      assertEquals(await httpsGet(port, ca), "HTTP/1.1 200 OK", "after");

      if (CAN_COUNT_FDS) {
        // Deno 2.9.6 keeps an abandoned handshake's socket until its client goes: our clients'
        // ends and the server's. Once the clients close, the server's are released too.
        // Counted by socket, on the server's port alone: other test files running beside this
        // one in the process (`--parallel`) open and close descriptors of their own.
        assert(
          await openSocketsOn(port) >= fdsBefore + 2 * clients.length,
          "both ends are still open",
        );
        const held = clients.length;
        for (const conn of clients.splice(0)) conn.close();
        // Both ends of every abandoned handshake go.
        const settled = () => openSocketsOn(port).then((n) => n <= fdsBefore);
        for (let i = 0; i < 150 && !await settled(); i++) await sleep(20);
        const after = await openSocketsOn(port);
        assert(after <= fdsBefore, `${after} open, ${fdsBefore} before ${held} clients`);
      }
    } finally {
      for (const conn of clients) conn.close();
      await server?.shutdown(1000);
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "shutdown abandons TLS handshakes under way at once",
  ignore: !HAS_OPENSSL,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "wireserve-tls-handshake-" });
    const clients: Deno.Conn[] = [];
    try {
      await selfSignedCert(dir);
      const server = new HttpServer({
        port: 0,
        handler: testHandler,
        tls: {
          cert: await Deno.readTextFile(`${dir}/cert.pem`),
          key: await Deno.readTextFile(`${dir}/key.pem`),
        },
        limits: { tlsHandshakeTimeoutMs: 60_000, idleTimeoutMs: 60_000 },
      });
      for (let i = 0; i < 4; i++) {
        clients.push(await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port }));
      }
      assertEquals(await settle(server, 4, 2000), 4, "accepted");
      const started = performance.now();
      await server.shutdown(30_000);
      assert(performance.now() - started < 5_000, "shutdown waited for the handshakes");
      assertEquals(server.connectionCount, 0);
    } finally {
      for (const conn of clients) conn.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
