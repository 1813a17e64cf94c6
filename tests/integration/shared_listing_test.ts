/**
 * Concurrent listings of a large folder on the real server: they share one read of it, and a
 * write between (through any worker) makes the next listing read afresh, never stale.
 */

import { join } from "node:path";
import { appConfig } from "../../src/app/app_config.ts";
import { NO_HOOKS } from "../../src/app/app_hooks.ts";
import { createApp } from "../../src/app/routes.ts";
import { sharedServices } from "../../src/app/services.ts";
import { localSharedState } from "../../src/app/shared_state.ts";
import { LISTED_ENTRIES } from "../../src/files/mod.ts";
import { startApp } from "../support/app_server.ts";
import { startServer } from "../support/server.ts";
import { assert, assertEquals } from "../support/assert.ts";

/** Enough files that a page (~3.6 MB of HTML) does not fit the socket buffers of a client that never reads (6,000 did). */
const FILE_COUNT = 20_000;
const WRITE_BATCH = 500;

const base = await Deno.makeTempDir({ prefix: "wireserve-shared-listing-" });
const big = join(base, "big");
await Deno.mkdir(big);
for (let i = 0; i < FILE_COUNT; i += WRITE_BATCH) {
  await Promise.all(
    Array.from(
      { length: WRITE_BATCH },
      (_, j) => Deno.writeTextFile(join(big, `f${String(i + j).padStart(5, "0")}.txt`), "x"),
    ),
  );
}
globalThis.addEventListener("unload", () => Deno.removeSync(base, { recursive: true }));

/** Sends `GET path` on a new connection and reads only the answer's first bytes (its head). */
async function stalledReader(port: number, path: string): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(`GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`));
  const head = new Uint8Array(64);
  const n = await conn.read(head);
  assert(n !== null && new TextDecoder().decode(head.subarray(0, n)).startsWith("HTTP/1.1 200"));
  return conn;
}

Deno.test("concurrent listings of a large folder share one read of it", async () => {
  const config = appConfig({ directory: base, statCacheMs: 0 });
  const shared = localSharedState(sharedServices(config));
  const held = shared.counter(LISTED_ENTRIES);
  const srv = startServer(createApp(config, NO_HOOKS, shared));
  const readDir = Deno.readDir;
  let reads = 0;
  Deno.readDir = (path) => {
    if (String(path) === big) {
      reads++;
      // A slow disk: every request below arrives while the first read is in flight.
      return (async function* () {
        await new Promise((r) => setTimeout(r, 300));
        yield* readDir(path);
      })();
    }
    return readDir(path);
  };
  try {
    const url = `http://127.0.0.1:${srv.port}/files/big/`;
    const pages = await Promise.all(
      ["", "?format=json", "", "?sort=size", "?format=json"].map(async (query) => {
        const res = await fetch(url + query);
        return [res.status, (await res.text()).length > 0];
      }),
    );
    assertEquals(pages, Array(5).fill([200, true]));
    assertEquals(reads, 1, "five listings, one read");
    assertEquals(held.value, 0, "every place given back once sent");
    // Nothing in flight or being sent any more: the next listing reads the folder again.
    await (await fetch(url)).body?.cancel();
    assertEquals(reads, 2);
  } finally {
    Deno.readDir = readDir;
    await srv.close();
  }
  assertEquals(srv.errors, []);
});

Deno.test("a listing after a write through any worker shows it, though a read of the folder is held", async () => {
  // Facts trusted for a minute: only the write's bump on the change board can make the next
  // listing read again while stalled readers hold the folder's read on either worker.
  const srv = await startApp(appConfig({ directory: base, statCacheMs: 60_000 }), {}, 2);
  const stalled: Deno.TcpConn[] = [];
  try {
    for (let i = 0; i < 6; i++) stalled.push(await stalledReader(srv.port, "/files/big/"));
    for (let round = 0; round < 3; round++) {
      const name = `new-${round}.txt`;
      const put = await fetch(`http://127.0.0.1:${srv.port}/files/big/${name}`, {
        method: "PUT",
        body: "new",
      });
      await put.body?.cancel();
      assertEquals(put.status, 201);
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`http://127.0.0.1:${srv.port}/files/big/?format=json`);
        const names = (await res.json()).entries.map((e: { name: string }) => e.name);
        assert(names.includes(name), `listing ${i} after writing ${name} shows it`);
      }
    }
  } finally {
    for (const conn of stalled) conn.close();
    await srv.close();
    for (let round = 0; round < 3; round++) {
      await Deno.remove(join(big, `new-${round}.txt`)).catch(() => {}); // a failed round wrote fewer
    }
  }
  assertEquals(srv.errors, []);
});
