/**
 * Large folders on the real server: a listing shows every entry up to `--max-listing` (a sync
 * client that saw only part of a folder deleted the rest of its copy), streamed in pieces; a
 * smaller `--max-listing` marks the page truncated; streamed listings and large PROPFINDs share
 * one server-wide cap on the entries they hold (503 past it, `Retry-After: 5`).
 */

import { join } from "node:path";
import { appConfig } from "../../src/app/app_config.ts";
import { NO_HOOKS } from "../../src/app/app_hooks.ts";
import { createApp } from "../../src/app/routes.ts";
import { sharedServices } from "../../src/app/services.ts";
import { localSharedState } from "../../src/app/shared_state.ts";
import { LISTED_ENTRIES, MAX_HELD_ENTRIES } from "../../src/files/mod.ts";
import { MAX_LISTING_ENTRIES } from "../../src/files/listing.ts";
import { startApp } from "../support/app_server.ts";
import { startServer } from "../support/server.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { curl, text } from "./files_fixture.ts";

/** More than the old cap of 10,000, so a listing cut there loses some. */
const FILE_COUNT = MAX_LISTING_ENTRIES + 50;
/** Files written at once while the folder is made. */
const WRITE_BATCH = 500;

/** One folder of FILE_COUNT files (`big/f00000.txt` …), made once for the whole file. */
const base = await Deno.makeTempDir({ prefix: "wireserve-large-" });
const big = join(base, "big");
await Deno.mkdir(big);
const names = Array.from({ length: FILE_COUNT }, (_, i) => `f${String(i).padStart(5, "0")}.txt`);
for (let i = 0; i < names.length; i += WRITE_BATCH) {
  await Promise.all(
    names.slice(i, i + WRITE_BATCH).map((n) => Deno.writeTextFile(join(big, n), "x")),
  );
}
globalThis.addEventListener("unload", () => Deno.removeSync(base, { recursive: true }));

/** The names an HTML listing links to (its rows, without the parent link). */
function htmlNames(html: string): string[] {
  return [...html.matchAll(/<a href="\/files\/big\/([^"?]+)">/g)].map((m) => m[1]);
}

Deno.test("a folder of more than 10,000 files lists every one, streamed, in HTML and JSON", async () => {
  const srv = await startApp(appConfig({ directory: base, statCacheMs: 0 }));
  const url = `http://127.0.0.1:${srv.port}/files/big/`;
  try {
    const html = await curl([url]);
    assertEquals(html.status, 200);
    // Streamed: no length known up front, so chunked.
    assertEquals(html.headers.get("transfer-encoding"), "chunked");
    assertEquals(html.headers.get("content-length"), undefined);
    const page = text(html.body);
    assertEquals(htmlNames(page), names);
    assert(!page.includes('class="note"'), "not marked truncated");
    assert(page.endsWith("</body></html>\n"));

    const json = await curl(["-H", "Accept: application/json", url]);
    assertEquals(json.headers.get("transfer-encoding"), "chunked");
    const doc = JSON.parse(text(json.body));
    assertEquals(doc.truncated, false);
    assertEquals(doc.entries.map((e: { name: string }) => e.name), names);
    // Compressed, it is still the whole document.
    const gz = await curl(["--compressed", "-H", "Accept: application/json", url]);
    assertEquals(gz.headers.get("content-encoding"), "br");
    assertEquals(JSON.parse(text(gz.body)).entries.length, FILE_COUNT);
    // What the listing shows whole, a zip takes whole (its own cap is ZIP_MAX_ENTRIES).
    assertEquals((await curl(["-I", `${url}?zip`])).status, 200);
  } finally {
    await srv.close();
  }
  assertEquals(srv.errors, []);
});

Deno.test("a listing past --max-listing is marked truncated", async () => {
  const srv = await startApp(appConfig({ directory: base, statCacheMs: 0, maxListingEntries: 20 }));
  const url = `http://127.0.0.1:${srv.port}/files/big/`;
  try {
    const page = text((await curl([url])).body);
    assertEquals(htmlNames(page).length, 20);
    assert(page.includes('<p class="note">Only the first 20 entries are shown.</p>'), page);
    const doc = JSON.parse(text((await curl([`${url}?format=json`])).body));
    assertEquals([doc.entries.length, doc.truncated], [20, true]);
    // A zip holds what the listing shows: never a truncated folder (413 before any byte).
    assertEquals((await curl(["-I", `${url}?zip`])).status, 413);
  } finally {
    await srv.close();
  }
});

Deno.test("PROPFIND Depth 1 of a folder of more than 10,000 files lists every one", async () => {
  const srv = await startApp(appConfig({ directory: base, statCacheMs: 0 }));
  try {
    const res = await curl([
      "-X",
      "PROPFIND",
      "-H",
      "Depth: 1",
      `http://127.0.0.1:${srv.port}/files/big/`,
    ]);
    assertEquals(res.status, 207);
    const hrefs = [...text(res.body).matchAll(/<D:href>\/files\/big\/([^<]+)<\/D:href>/g)]
      .map((m) => m[1]);
    assertEquals(hrefs.sort(), names);
  } finally {
    await srv.close();
  }
});

Deno.test("past the server-wide cap of held entries a large listing or PROPFIND gets 503", async () => {
  // The app's own shared count, most of it already taken (as by slow readers of other pages).
  const config = appConfig({ directory: base, statCacheMs: 0 });
  const shared = localSharedState(sharedServices(config));
  const held = shared.counter(LISTED_ENTRIES);
  const taken = MAX_HELD_ENTRIES - FILE_COUNT + 1;
  held.add(taken);
  const srv = startServer(createApp(config, NO_HOOKS, shared));
  const url = `http://127.0.0.1:${srv.port}/files/big/`;
  try {
    for (const args of [[url], ["-X", "PROPFIND", "-H", "Depth: 1", url]]) {
      const res = await curl(args);
      assertEquals(res.status, 503, args.join(" "));
      assertEquals(res.headers.get("retry-after"), "5");
    }
    // A small folder holds nothing: still listed.
    await Deno.mkdir(join(base, "small"), { recursive: true });
    assertEquals((await curl([`http://127.0.0.1:${srv.port}/files/small/`])).status, 200);
    assertEquals(held.value, taken);
    // Room again: listed, and every place given back once sent (HEAD's unsent body too).
    held.add(-taken);
    assertEquals((await curl(["-I", url])).status, 200);
    assertEquals((await curl([url])).status, 200);
    assertEquals((await curl(["-X", "PROPFIND", "-H", "Depth: 1", url])).status, 207);
    for (let i = 0; i < 100 && held.value !== 0; i++) await new Promise((r) => setTimeout(r, 20));
    assertEquals(held.value, 0);
  } finally {
    await srv.close();
  }
  assertEquals(srv.errors, []);
});

/** Runs `fn` with `srv` over the big folder, `taken` places of the held-entries cap already held. */
async function withHeldServer(
  taken: number,
  fn: (port: number, held: { tryAdd(n: number, max: number): boolean }) => Promise<void>,
): Promise<void> {
  const config = appConfig({ directory: base, statCacheMs: 0 });
  const shared = localSharedState(sharedServices(config));
  const held = shared.counter(LISTED_ENTRIES);
  held.add(taken);
  const srv = startServer(createApp(config, NO_HOOKS, shared));
  try {
    await fn(srv.port, held);
  } finally {
    held.add(-taken);
    await srv.close();
  }
  assertEquals(srv.errors, []);
}

Deno.test("a large listing is refused while its folder is read, before the cap would be passed", async () => {
  // Room for fewer entries than the folder holds: the read stops there, and not one entry is
  // looked at (a thousand concurrent reads would each hold the whole folder otherwise).
  await withHeldServer(MAX_HELD_ENTRIES - 1_500, async (port) => {
    const statSync = Deno.statSync;
    let described = 0;
    Deno.statSync = (path) => {
      if (String(path).startsWith(`${big}/`)) described++;
      return statSync(path);
    };
    try {
      const res = await fetch(`http://127.0.0.1:${port}/files/big/?format=json`);
      await res.body?.cancel();
      assertEquals([res.status, described], [503, 0]);
    } finally {
      Deno.statSync = statSync;
    }
  });
});

Deno.test("concurrent PROPFINDs of a large folder meet the cap one by one, never holding it all", async () => {
  await withHeldServer(MAX_HELD_ENTRIES, async (port, held) => {
    // What happens, in order: a read of the big folder, or a request asking the cap for places.
    const order: string[] = [];
    const readDirSync = Deno.readDirSync;
    const tryAdd = held.tryAdd.bind(held);
    Deno.readDirSync = (path) => {
      if (String(path) === big) order.push("read");
      return readDirSync(path);
    };
    held.tryAdd = (n, max) => {
      order.push("cap");
      return tryAdd(n, max);
    };
    try {
      const answers = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const res = await fetch(`http://127.0.0.1:${port}/files/big/`, {
            method: "PROPFIND",
            headers: { Depth: "1" },
          });
          await res.body?.cancel();
          return res.status;
        }),
      );
      assertEquals(answers, Array(8).fill(503));
      // Each read is refused before another request reads the folder again.
      assertEquals(order.join(" "), Array(8).fill("read cap").join(" "));
    } finally {
      Deno.readDirSync = readDirSync;
      // The method lives on the class: dropping the instance's own copy restores it.
      delete (held as { tryAdd?: unknown }).tryAdd;
    }
  });
});
