/**
 * Out of file descriptors (the server started under a small `ulimit -n`, then flooded with
 * connections): accept fails, backs off and recovers; the connections already open keep working;
 * the process stays up; and the log has one line for the episode, not one per failed accept.
 * A file that cannot be opened meanwhile is answered 503 with Retry-After, never 404, and is
 * served again once the flood leaves (src/app/out_of_descriptors.ts).
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

/** The shell line that runs wireserve under the small descriptor limit, with `"$@"` appended. */
function limitedLine(workers: number, flags: string): string {
  const line = [Deno.execPath(), "run", ...WIRESERVE_PERMISSIONS, MAIN_PATH]
    .map((a) => `'${a}'`).join(" ");
  return `ulimit -n ${FD_LIMIT} && exec ${line} --port 0 --host 127.0.0.1 --workers ${workers} ${flags} "$@"`;
}

/** Opens connections until the server cannot accept more (or FLOOD_MS passes); the caller closes them. */
async function flood(port: number): Promise<Deno.TcpConn[]> {
  // The kernel completes these handshakes into the backlog; the server can accept only some.
  // Once the listen backlog is full the kernel drops SYNs and connects retry after seconds:
  // stop flooding by then.
  const conns: Deno.TcpConn[] = [];
  const floodUntil = performance.now() + FLOOD_MS;
  for (let i = 0; i < FLOOD && performance.now() < floodUntil; i++) {
    try {
      conns.push(await Deno.connect({ hostname: "127.0.0.1", port }));
    } catch {
      break; // the backlog is full: enough
    }
  }
  return conns;
}

for (const workers of [1, 2]) {
  Deno.test(`out of descriptors (${workers} worker(s)): accept backs off and recovers, open connections keep working, one log line per worker`, async () => {
    const p = spawnWireserve(
      ["-c", limitedLine(workers, "--log off --idle-timeout 60s"), "sh"],
      { binary: "/bin/sh" },
    );
    const port = await p.port();
    const kept = await RawClient.connect(port);
    const flooding: Deno.TcpConn[] = [];
    try {
      await kept.send(GET);
      assertEquals((await kept.readResponse())?.status, 200);

      // The kept connection must not idle out meanwhile (see --idle-timeout).
      flooding.push(...await flood(port));
      await new Promise((r) => setTimeout(r, HOLD_MS));
      assert(/accept/.test(p.stderr()), `no accept failure was logged: ${p.stderr()}`);

      // The connection that was open before keeps working meanwhile.
      await kept.send(GET);
      assertEquals((await kept.readResponse(5000))?.status, 200);

      for (const c of flooding.splice(0)) c.close();
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
      for (const c of flooding) c.close();
      kept.close();
      p.child.kill("SIGTERM");
      await p.exit();
    }
  });
}

/** Above the size the file cache keeps in memory: opened at each request. */
const LARGE_FILE_BYTES = 256 * 1024;
/** Connections opened (and served once) before the flood, to ask for files during it. */
const ASKERS = 4;

for (const workers of [1, 2]) {
  Deno.test(`out of descriptors (${workers} worker(s)): a file that exists answers 503 with Retry-After, never 404, and 200 once the flood leaves`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "wireserve-fd-files-" });
    await Deno.writeFile(`${dir}/large.bin`, new Uint8Array(LARGE_FILE_BYTES));
    await Deno.writeTextFile(`${dir}/small.txt`, "small");
    // A long stat cache: a file wrongly remembered as missing would stay a 404 after the flood.
    const flags = "--log off --idle-timeout 60s --header-timeout 60s --stat-cache 60s";
    const p = spawnWireserve(["-c", limitedLine(workers, flags), "sh", dir], { binary: "/bin/sh" });
    const askers: RawClient[] = [];
    const flooding: Deno.TcpConn[] = [];
    const get = async (c: RawClient, path: string) => {
      await c.send(`GET /files/${path} HTTP/1.1\r\nHost: t\r\n\r\n`);
      return await c.readResponse(5000);
    };
    try {
      const port = await p.port();
      for (let i = 0; i < ASKERS; i++) {
        const c = await RawClient.connect(port);
        askers.push(c);
        await c.send(GET);
        assertEquals((await c.readResponse())?.status, 200);
      }
      // large.bin is known to the cache before the flood; small.txt is first read during it.
      assertEquals((await get(askers[0], "large.bin"))?.status, 200);

      flooding.push(...await flood(port));
      for (let i = 0; i < HOLD_MS / 50 && !/accept/.test(p.stderr()); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert(/accept/.test(p.stderr()), `the descriptors did not run out: ${p.stderr()}`);

      const during: string[] = [];
      for (const [i, c] of askers.entries()) {
        const res = await get(c, i % 2 === 0 ? "large.bin" : "small.txt");
        during.push(`${res?.status} ${res?.header("retry-after")}`);
      }
      assert(!during.some((s) => s.startsWith("404")), `a 404 for a file that exists: ${during}`);
      assert(during.every((s) => s === "503 1"), `503 with Retry-After: 1 expected: ${during}`);

      for (const c of flooding.splice(0)) c.close();
      // Once the flood leaves, the same files answer 200 on the same connections.
      for (const [i, c] of askers.entries()) {
        let status: number | undefined;
        for (let tries = 0; tries < 50 && status !== 200; tries++) {
          if (tries > 0) await new Promise((r) => setTimeout(r, 100));
          status = (await get(c, i % 2 === 0 ? "large.bin" : "small.txt"))?.status;
          assert(status !== 404, "a 404 for a file that exists, after the flood");
        }
        assertEquals(status, 200);
      }
    } finally {
      for (const c of flooding) c.close();
      for (const c of askers) c.close();
      p.child.kill("SIGTERM");
      await p.exit();
      await Deno.remove(dir, { recursive: true });
    }
  });
}
