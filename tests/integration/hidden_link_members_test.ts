/**
 * With `--follow-symlinks`, a private folder reached through a link hides everything below it,
 * however deep, as it hides itself: `notes -> ../ext/private` with `--hide private/` answers 404
 * for `notes/` and for `notes/p.txt` alike — to GET, HEAD, Range, WebDAV (PROPFIND, COPY) and to
 * the web root's files and templates. Outside the root a real path holds only the names from the
 * link's target down (`private/p.txt` was judged as `p.txt`), so the folders on the URL's way are
 * asked too.
 * @module
 */

import { appConfig } from "../../src/app/app_config.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { type AppServer, startApp } from "../support/app_server.ts";
import { curl, text } from "./files_fixture.ts";
import { exists } from "../support/paths.ts";

/** Long enough that every answer after the first comes from the cache. */
const STAT_CACHE_MS = 60_000;

interface Site {
  base: string;
  share: string;
  www: string;
  srv: AppServer;
  url(path: string): string;
}

/**
 * A share and a web root next to an outside tree: links to a private folder, to a `.git` folder,
 * to a public folder that holds a link to the private one, and to a public folder as a control.
 */
async function withSite(fn: (site: Site) => Promise<void>): Promise<void> {
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "wireserve-linkhide-" }));
  const [share, www, ext] = [`${base}/share`, `${base}/www`, `${base}/ext`];
  for (const dir of [share, www, `${ext}/private/deep`, `${ext}/proj/.git`, `${ext}/pub`]) {
    await Deno.mkdir(dir, { recursive: true });
  }
  await Deno.writeTextFile(`${ext}/private/p.txt`, "PRIVATE file");
  await Deno.writeTextFile(`${ext}/private/deep/d.txt`, "PRIVATE deep");
  await Deno.writeTextFile(`${ext}/private/op.md`, "# PRIVATE markdown");
  await Deno.writeTextFile(`${ext}/private/op.html`, "<p>PRIVATE partial</p>");
  await Deno.writeTextFile(`${ext}/proj/.git/config`, "PRIVATE git config");
  await Deno.writeTextFile(`${ext}/pub/ok.txt`, "public file");
  await Deno.symlink("../private", `${ext}/pub/inner`);
  await Deno.symlink("../ext/private", `${share}/notes`);
  await Deno.symlink("../ext/proj/.git", `${share}/repo`);
  await Deno.symlink("../ext/pub", `${share}/pub`);
  await Deno.symlink("../ext/private", `${www}/wlnk`);
  await Deno.symlink("../ext/pub", `${www}/wpub`);
  await Deno.writeTextFile(
    `${www}/index.html`,
    "[${markdown /wlnk/op.md}][${include /wlnk/op.html}][${markdown /wpub/ok.md}]",
  );
  await Deno.writeTextFile(`${ext}/pub/ok.md`, "public markdown");
  const srv = await startApp(appConfig({
    directory: share,
    www,
    templates: true,
    followSymlinks: true,
    hide: ["private/", ".git"],
    statCacheMs: STAT_CACHE_MS,
  }));
  try {
    await fn({ base, share, www, srv, url: (p) => `http://127.0.0.1:${srv.port}${p}` });
  } finally {
    await srv.close();
    await Deno.remove(base, { recursive: true });
  }
}

/** Paths below a private folder reached through a link (the folder itself last). */
const PRIVATE_MEMBERS = [
  "/files/notes/p.txt",
  "/files/notes/deep/d.txt",
  "/files/notes/deep/",
  "/files/repo/config",
  "/files/pub/inner/p.txt",
  "/files/pub/inner/deep/d.txt",
  "/files/notes/",
  "/files/repo/",
  "/files/pub/inner/",
];

Deno.test("a private folder reached through a link hides what it holds from GET, HEAD and Range", async () => {
  await withSite(async (site) => {
    // Twice: once straight from the disk (the folder never asked before), once from the cache.
    for (const round of [1, 2]) {
      for (const path of PRIVATE_MEMBERS) {
        for (const args of [[], ["-I"], ["-H", "Range: bytes=0-3"]]) {
          const res = await curl([...args, site.url(path)]);
          assertEquals(res.status, 404, `${args.join(" ")} ${path} (round ${round})`);
          assert(!text(res.body).includes("PRIVATE"), `${path} leaked`);
        }
      }
    }
    // A public folder reached through a link is served as before, and lists no private member.
    const ok = await curl([site.url("/files/pub/ok.txt")]);
    assertEquals([ok.status, text(ok.body)], [200, "public file"]);
    const ranged = await curl(["-H", "Range: bytes=0-5", site.url("/files/pub/ok.txt")]);
    assertEquals([ranged.status, text(ranged.body)], [206, "public"]);
    const listing = await curl(["-H", "Accept: application/json", site.url("/files/pub/")]);
    assertEquals(listing.status, 200);
    assert(!text(listing.body).includes("inner"), text(listing.body));
  });
});

Deno.test({
  name: "a private folder reached through a link hides what it holds from WebDAV",
  fn: () =>
    withSite(async (site) => {
      for (const path of PRIVATE_MEMBERS) {
        const res = await curl(["-X", "PROPFIND", "-H", "Depth: 0", site.url(path)]);
        assertEquals(res.status, 404, `PROPFIND ${path}`);
        assert(!text(res.body).includes("PRIVATE"), `${path} leaked`);
      }
      for (const [from, to] of [["notes/p.txt", "stolen.txt"], ["repo/config", "stolen-git"]]) {
        const res = await curl([
          "-X",
          "COPY",
          "-H",
          `Destination: ${site.url(`/files/${to}`)}`,
          site.url(`/files/${from}`),
        ]);
        assertEquals(res.status, 404, `COPY ${from}`);
        assertEquals(await exists(`${site.share}/${to}`), false, `COPY ${from} made ${to}`);
      }
      // The public file through a link is still a WebDAV resource, and can be copied.
      const found = await curl(["-X", "PROPFIND", "-H", "Depth: 0", site.url("/files/pub/ok.txt")]);
      assertEquals(found.status, 207);
      const copied = await curl([
        "-X",
        "COPY",
        "-H",
        `Destination: ${site.url("/files/ok-copy.txt")}`,
        site.url("/files/pub/ok.txt"),
      ]);
      assertEquals(copied.status, 201);
      assertEquals(await Deno.readTextFile(`${site.share}/ok-copy.txt`), "public file");
    }),
});

Deno.test("a private folder reached through a link in the web root hides its files and sources", async () => {
  await withSite(async (site) => {
    // The template first: its sources are read before anything else asked about the folder.
    const page = await curl([site.url("/")]);
    assertEquals(page.status, 200);
    const body = text(page.body);
    assert(!body.includes("PRIVATE"), body);
    assert(body.includes("public markdown"), body);
    for (const path of ["/wlnk/op.md", "/wlnk/op.html", "/wlnk/p.txt", "/wlnk/deep/d.txt"]) {
      const res = await curl([site.url(path)]);
      assertEquals(res.status, 404, path);
      assert(!text(res.body).includes("PRIVATE"), `${path} leaked`);
    }
    const ok = await curl([site.url("/wpub/ok.txt")]);
    assertEquals([ok.status, text(ok.body)], [200, "public file"]);
  });
});
