/**
 * Writes through one spelling of a folder and reads through another, on the real server: a link
 * inside the share to a folder of the share (`biglink -> big`), and the share itself reached
 * through a link. Facts are trusted for a minute, so only the change board can make a read see a
 * write at once — under the spelling it wrote and under every other one.
 */

import { join } from "node:path";
import { appConfig } from "../../src/app/app_config.ts";
import { createApp } from "../../src/app/routes.ts";
import { startApp } from "../support/app_server.ts";
import { startServer } from "../support/server.ts";
import { assert, assertEquals } from "../support/assert.ts";

const LONG_STAT_CACHE_MS = 60_000;
const UNIX = Deno.build.os !== "windows";

/** A share with `big/` and `biglink -> big`, served as it is and through a link to it. */
async function linkedShare(): Promise<{ real: string; viaLink: string; big: string }> {
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "wireserve-linked-" }));
  const real = join(base, "share");
  await Deno.mkdir(join(real, "big"), { recursive: true });
  await Deno.symlink("big", join(real, "biglink"));
  await Deno.symlink("share", join(base, "share-link"));
  globalThis.addEventListener("unload", () => Deno.removeSync(base, { recursive: true }));
  return { real, viaLink: join(base, "share-link"), big: join(real, "big") };
}

const share = UNIX ? await linkedShare() : null;
const DIRECTIONS = [["big", "biglink"], ["biglink", "big"]] as const;

async function send(url: string, init?: RequestInit): Promise<[number, string]> {
  const res = await fetch(url, init);
  return [res.status, await res.text()];
}

const SHARES = [["the share", "real"], ["a linked share", "viaLink"]] as const;

for (const [shareName, spelling] of SHARES) {
  const directory = share?.[spelling];
  Deno.test({
    name:
      `a file written through one folder spelling is read through the other at once (${shareName})`,
    ignore: !UNIX,
    fn: async () => {
      const srv = await startApp(
        appConfig({ directory, statCacheMs: LONG_STAT_CACHE_MS, allowDelete: true }),
      );
      const files = `http://127.0.0.1:${srv.port}/files`;
      try {
        for (const [writeVia, readVia] of DIRECTIONS) {
          const name = `cached-${writeVia}-${spelling}.txt`;
          // Cached under both spellings: a 404 for the reader first, then the old bytes.
          assertEquals((await send(`${files}/${readVia}/${name}`))[0], 404);
          assertEquals(
            (await send(`${files}/${writeVia}/${name}`, { method: "PUT", body: "v1" }))[0],
            201,
          );
          assertEquals(await send(`${files}/${readVia}/${name}`), [200, "v1"], "created");
          assertEquals(await send(`${files}/${writeVia}/${name}`), [200, "v1"]);
          assertEquals(
            (await send(`${files}/${writeVia}/${name}`, { method: "PUT", body: "v2" }))[0],
            204,
          );
          assertEquals(await send(`${files}/${readVia}/${name}`), [200, "v2"], "replaced");
          assertEquals((await send(`${files}/${writeVia}/${name}`, { method: "DELETE" }))[0], 204);
          assertEquals((await send(`${files}/${readVia}/${name}`))[0], 404, "deleted");
        }
      } finally {
        await srv.close();
      }
      assertEquals(srv.errors, []);
    },
  });

  Deno.test({
    name:
      `a linked folder deleted, moved or replaced is seen at once by reads through its name (${shareName})`,
    ignore: !UNIX,
    fn: async () => {
      const srv = await startApp(
        appConfig({ directory, statCacheMs: LONG_STAT_CACHE_MS, allowDelete: true }),
      );
      const files = `http://127.0.0.1:${srv.port}/files`;
      const name = `kept-${spelling}.txt`;
      // A fresh link for each case: one made behind the server's back is only seen after its
      // TTL, like any change it did not make.
      const [deleted, moving, moved, replaced] = ["deleted", "moving", "moved", "replaced"].map(
        (what) => `${what}link-${spelling}`,
      );
      try {
        assertEquals((await send(`${files}/big/${name}`, { method: "PUT", body: "v1" }))[0], 201);
        await Deno.mkdir(join(share!.real, "other"), { recursive: true });
        await Deno.writeTextFile(join(share!.real, "other", name), "other");
        for (const link of [deleted, moving, replaced]) {
          await Deno.symlink("big", join(share!.real, link));
          // Cached through the link: a file, a missing name and the listing.
          assertEquals(await send(`${files}/${link}/${name}`), [200, "v1"]);
          assertEquals((await send(`${files}/${link}/nothing.txt`))[0], 404);
          assertEquals((await send(`${files}/${link}/?format=json`))[0], 200);
        }

        assertEquals((await send(`${files}/${deleted}`, { method: "DELETE" }))[0], 204);
        assertEquals((await send(`${files}/${deleted}/${name}`))[0], 404, "the link deleted");
        assertEquals((await send(`${files}/${deleted}/?format=json`))[0], 404, "its listing");
        assertEquals(await send(`${files}/big/${name}`), [200, "v1"], "its folder stays");

        const move = await send(`${files}/${moving}`, {
          method: "MOVE",
          headers: { Destination: `${files}/${moved}` },
        });
        assertEquals(move[0], 201);
        assertEquals((await send(`${files}/${moving}/${name}`))[0], 404, "the link moved away");
        assertEquals(await send(`${files}/${moved}/${name}`), [200, "v1"], "under its new name");

        // Pointed elsewhere behind the server's back, then a write it sees (any write counts):
        // the old target's bytes are not served under the link any more.
        await Deno.remove(join(share!.real, replaced));
        await Deno.symlink("other", join(share!.real, replaced));
        assertEquals((await send(`${files}/big/touch.txt`, { method: "PUT", body: "t" }))[0], 201);
        assertEquals(await send(`${files}/${replaced}/${name}`), [200, "other"], "relinked");
        assertEquals(await send(`${files}/big/${name}`), [200, "v1"], "the old target untouched");
      } finally {
        await srv.close();
        for (const leftover of [deleted, moving, moved, replaced, "other"]) {
          await Deno.remove(join(share!.real, leftover), { recursive: true }).catch(() => {});
        }
        for (const file of [name, "touch.txt"]) {
          await Deno.remove(join(share!.real, "big", file)).catch(() => {});
        }
      }
      assertEquals(srv.errors, []);
    },
  });

  Deno.test({
    name:
      `a listing after a write through the other folder spelling shows it, though a read is held (${shareName})`,
    ignore: !UNIX,
    fn: async () => {
      // In this thread, so the folder read can be held open here: a listing asked for while
      // another of the same folder is in flight joins it unless a write came between.
      const srv = startServer(
        createApp(appConfig({ directory, statCacheMs: LONG_STAT_CACHE_MS, allowDelete: true })),
      );
      const files = `http://127.0.0.1:${srv.port}/files`;
      const readDir = Deno.readDir;
      try {
        for (const [writeVia, listVia] of DIRECTIONS) {
          let read = () => {};
          const readStarted = new Promise<void>((r) => read = r);
          let release = () => {};
          const released = new Promise<void>((r) => release = r);
          let held = false;
          Deno.readDir = (path) => {
            if (String(path) !== share!.big || held) return readDir(path);
            held = true;
            // The first read of the folder lists it at once, then hands its entries out late.
            return (async function* () {
              const entries = [];
              for await (const e of readDir(path)) entries.push(e);
              read();
              await released;
              yield* entries;
            })();
          };
          const first = send(`${files}/${listVia}/?format=json`);
          await readStarted;
          const name = `new-${writeVia}-${spelling}.txt`;
          assertEquals(
            (await send(`${files}/${writeVia}/${name}`, { method: "PUT", body: "x" }))[0],
            201,
          );
          const after = send(`${files}/${listVia}/?format=json`);
          // A listing that joined the held read waits for it; one that reads afresh does not.
          await Promise.race([after, new Promise((r) => setTimeout(r, 200))]);
          release();
          const [status, body] = await after;
          assertEquals(status, 200);
          const names = JSON.parse(body).entries.map((e: { name: string }) => e.name);
          assert(
            names.includes(name),
            `the listing of ${listVia}/ after writing ${writeVia}/${name} shows it`,
          );
          await first;
          Deno.readDir = readDir;
          await send(`${files}/${writeVia}/${name}`, { method: "DELETE" });
        }
      } finally {
        Deno.readDir = readDir;
        await srv.close();
      }
      assertEquals(srv.errors, []);
    },
  });
}
