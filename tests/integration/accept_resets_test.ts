/**
 * Clients that connect and reset before the server accepts them (SO_LINGER 0) make `accept` fail
 * for that one connection; the server must go on accepting at once, so a normal client queued
 * behind a burst of them is served without delay, and nothing is logged
 * (src/http/accept_failure.ts).
 */

import { assert, assertEquals } from "../support/assert.ts";
import { RawClient, startServer } from "../support/server.ts";
import { testHandler } from "../support/test_handler.ts";

/** Connections reset in the burst: with a doubling back-off per failure they cost over 10 s. */
const RESETS = 20;
/** A request after the burst must be answered within this. */
const BOUND_MS = 1000;

/**
 * Connects `count` times to `port`, each closed at once with a reset (SO_LINGER 0). Done by
 * another process: from this one the server's accept, on the same event loop, takes each socket
 * before its reset arrives, and the failure under test never happens.
 */
async function connectAndReset(port: number, count: number): Promise<void> {
  const script = `
    import net from "node:net";
    for (let i = 0; i < ${count}; i++) {
      await new Promise((resolve, reject) => {
        const socket = net.connect(${port}, "127.0.0.1", () => {
          socket.resetAndDestroy();
          resolve();
        });
        socket.on("error", reject);
      });
    }`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert(out.success, `the resetting client failed: ${new TextDecoder().decode(out.stderr)}`);
}

Deno.test("the accept loop serves the next client at once after clients reset before being accepted", async () => {
  const srv = startServer(testHandler);
  try {
    await connectAndReset(srv.port, RESETS);
    const started = performance.now();
    const client = await RawClient.connect(srv.port);
    try {
      await client.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
      const res = await client.readResponse(20_000);
      const tookMs = performance.now() - started;
      assertEquals(res?.status, 200);
      assert(tookMs < BOUND_MS, `the request after ${RESETS} resets took ${Math.round(tookMs)} ms`);
    } finally {
      client.close();
    }
    // The failures were the clients', not the server's: none is logged.
    assertEquals(srv.errors.map(String), []);
  } finally {
    await srv.close();
  }
});
