/**
 * Out of file descriptors (the server started under a small `ulimit -n`, then flooded with
 * connections): accept fails, backs off and recovers; the connections already open keep working;
 * the process stays up; and the log has one line for the episode, not one per failed accept.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { RawClient } from "../support/server.ts";
import { MAIN_PATH, spawnWireserve, WIRESERVE_PERMISSIONS } from "../support/wireserve_process.ts";

/** Descriptors the server may hold: Deno needs a few dozen of its own; the rest is sockets. */
const FD_LIMIT = 256;
/** Connections opened at once: well past what the limit lets the server accept. */
const FLOOD = 400;
/** At most this long is spent opening them. */
const FLOOD_MS = 3000;
/** How long the flood is held so that many accepts fail (the back-off caps at 1 s). */
const HOLD_MS = 1500;

const GET = "GET /echo/hi HTTP/1.1\r\nHost: t\r\n\r\n";

for (const workers of [1, 2]) {
  Deno.test(`out of descriptors (${workers} worker(s)): accept backs off and recovers, open connections keep working, one log line per worker`, async () => {
    const line = [Deno.execPath(), "run", ...WIRESERVE_PERMISSIONS, MAIN_PATH]
      .map((a) => `'${a}'`).join(" ");
    const p = spawnWireserve(
      [
        "-c",
        `ulimit -n ${FD_LIMIT} && exec ${line} --port 0 --host 127.0.0.1 --workers ${workers} --log off --idle-timeout 60s "$@"`,
        "sh",
      ],
      { binary: "/bin/sh" },
    );
    const port = await p.port();
    const kept = await RawClient.connect(port);
    const flood: Deno.TcpConn[] = [];
    try {
      await kept.send(GET);
      assertEquals((await kept.readResponse())?.status, 200);

      // The kernel completes these handshakes into the backlog; the server can accept only some.
      // Once the listen backlog is full the kernel drops SYNs and connects retry after seconds:
      // stop flooding by then (the kept connection must not idle out meanwhile, see --idle-timeout).
      const floodUntil = performance.now() + FLOOD_MS;
      for (let i = 0; i < FLOOD && performance.now() < floodUntil; i++) {
        try {
          flood.push(await Deno.connect({ hostname: "127.0.0.1", port }));
        } catch {
          break; // the backlog is full: enough
        }
      }
      await new Promise((r) => setTimeout(r, HOLD_MS));
      assert(/accept/.test(p.stderr()), `no accept failure was logged: ${p.stderr()}`);

      // The connection that was open before keeps working meanwhile.
      await kept.send(GET);
      assertEquals((await kept.readResponse(5000))?.status, 200);

      for (const c of flood.splice(0)) c.close();
      // After the flood leaves, a newcomer is accepted and served again.
      let served = false;
      for (let i = 0; i < 50 && !served; i++) {
        const c = await RawClient.connect(port);
        try {
          await c.send(GET);
          served = (await c.readResponse(1000))?.status === 200;
        } catch {
          // still draining the backlog
        } finally {
          c.close();
        }
      }
      assert(served, "no new connection was served after the flood");
      const lines = p.stderr().split("\n").filter((l) => l.includes("accept"));
      // Each worker accepts on its own listener and says so once for the episode; the kernel may
      // have sent the whole flood to one of them.
      assert(
        lines.length >= 1 && lines.length <= workers,
        `one line per worker for the episode, got:\n${lines.join("\n")}`,
      );
    } finally {
      for (const c of flood) c.close();
      kept.close();
      p.child.kill("SIGTERM");
      await p.exit();
    }
  });
}
