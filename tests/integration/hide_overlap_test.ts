/**
 * `--hide` where the shared folder and `--www` overlap (one inside the other): each folder's
 * anchored patterns hold from its own top, so a private path of the one is private when the
 * other serves it too — at `/`, in a template, under `/files/`, for writes, and through a link.
 */

import { join } from "node:path";
import { type AppServer, startApp } from "../support/app_server.ts";
import { type AppConfig, appConfig } from "../../src/app/app_config.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { curl, text } from "./files_fixture.ts";
import { exists } from "../support/paths.ts";

const HIDE = ["/drafts", "docs/private", "*.key", "cache/"];

/** A site folder holding a folder `inner`, with private and public files in both. */
async function makeSite(base: string, inner: string): Promise<void> {
  const write = async (path: string, body: string) => {
    await Deno.mkdir(join(base, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(base, path), body);
  };
  await write("index.html", "<h1>home</h1>");
  await write("404.html", "<h1>custom 404</h1>");
  for (const dir of ["", `${inner}/`]) {
    await write(`${dir}drafts/d.txt`, "PRIVATE DRAFT");
    await write(`${dir}drafts/x.md`, "# PRIVATE MARKDOWN");
    await write(`${dir}drafts/part.html`, "<p>PRIVATE PARTIAL</p>");
    await write(`${dir}docs/private/x.txt`, "PRIVATE DOC");
    await write(`${dir}docs/private/x.md`, "# PRIVATE DOC");
    await write(`${dir}a.key`, "PRIVATE KEY");
    await write(`${dir}cache/c.txt`, "PRIVATE CACHE");
    await write(`${dir}posts/drafts/p.txt`, "public nested draft");
    await write(`${dir}pub.md`, "# public");
  }
  await write(`${inner}/cache-file`, "public file"); // `cache/` hides folders only
}

/** The app over `base`, with `overrides`. */
function serve(overrides: Partial<AppConfig>): Promise<AppServer> {
  return startApp(appConfig({ hide: HIDE, statCacheMs: 0, ...overrides }));
}

/** Every GET of `paths` answers 404 and says nothing private. */
async function assertAllHidden(port: number, paths: string[]): Promise<void> {
  for (const path of paths) {
    const res = await curl([`http://127.0.0.1:${port}${path}`]);
    assertEquals(res.status, 404, path);
    assert(!text(res.body).includes("PRIVATE"), `${path} leaked`);
  }
}

Deno.test("a --www holding the share hides the share's anchored private paths, by every spelling", async () => {
  const base = await Deno.makeTempDir({ prefix: "wireserve-overlap-" });
  await makeSite(base, "dl");
  await Deno.symlink("dl/drafts", join(base, "alias"));
  const srv = await serve({ directory: join(base, "dl"), www: base, readOnly: true });
  try {
    await assertAllHidden(srv.port, [
      "/files/drafts/d.txt",
      "/dl/drafts/d.txt",
      "/dl/%64rafts/d.txt",
      "/dl/posts/../drafts/d.txt",
      "/dl/drafts/",
      "/dl/docs/private/x.txt",
      "/dl/a.key",
      "/dl/cache/c.txt",
      "/alias/d.txt",
      "/drafts/d.txt",
    ]);
    for (
      const [path, body] of [
        ["/dl/posts/drafts/p.txt", "public nested draft"],
        ["/files/posts/drafts/p.txt", "public nested draft"],
        ["/dl/cache-file", "public file"],
        ["/", "<h1>home</h1>"],
      ]
    ) {
      const res = await curl([`http://127.0.0.1:${srv.port}${path}`]);
      assertEquals([res.status, text(res.body)], [200, body], path);
    }
  } finally {
    await srv.close();
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("templates of a --www holding the share cannot read the share's private paths", async () => {
  const base = await Deno.makeTempDir({ prefix: "wireserve-overlap-" });
  await makeSite(base, "dl");
  await Deno.writeTextFile(
    join(base, "page.html"),
    [
      "<p>A ${markdown /dl/drafts/x.md}</p>",
      "<p>B ${include /dl/drafts/part.html}</p>",
      '<p>C ${for post in folder("/dl/drafts", ext=".md")}${post.name}${else}NONE${end}</p>',
      "<p>D ${markdown /dl/docs/private/x.md}</p>",
      "<p>E ${markdown /dl/pub.md}</p>",
    ].join("\n"),
  );
  const srv = await serve({
    directory: join(base, "dl"),
    www: base,
    templates: true,
    readOnly: true,
  });
  try {
    const res = await curl([`http://127.0.0.1:${srv.port}/page.html`]);
    const body = text(res.body);
    assertEquals(res.status, 200);
    assert(!body.includes("PRIVATE"), body);
    // Each private source is missing, as one that does not exist is: the folder lists nothing.
    assertEquals(body.match(/: missing</g)?.length, 4, body);
    assert(body.includes("<h1>public</h1>"), body);
  } finally {
    await srv.close();
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("a share holding --www hides the web root's anchored private paths, reads and writes", async () => {
  const base = await Deno.makeTempDir({ prefix: "wireserve-overlap-" });
  await makeSite(base, "web");
  await Deno.writeTextFile(join(base, "web", "index.html"), "<h1>web home</h1>");
  const srv = await serve({ directory: base, www: join(base, "web") });
  const url = (path: string) => `http://127.0.0.1:${srv.port}${path}`;
  try {
    await assertAllHidden(srv.port, [
      "/drafts/d.txt",
      "/files/web/drafts/d.txt",
      "/files/web/%64rafts/d.txt",
      "/files/web/docs/private/x.txt",
      "/files/web/drafts/",
    ]);
    const listing = await curl(["-H", "Accept: application/json", url("/files/web/")]);
    assertEquals(listing.status, 200);
    assert(!text(listing.body).includes("drafts"), text(listing.body));
    const put = await curl(["-T", "/dev/null", url("/files/web/drafts/new.txt")]);
    assertEquals(put.status, 404, "PUT into the web root's private folder");
    assertEquals(await exists(join(base, "web", "drafts", "new.txt")), false);
    const res = await curl([url("/files/web/posts/drafts/p.txt")]);
    assertEquals([res.status, text(res.body)], [200, "public nested draft"]);
  } finally {
    await srv.close();
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("a --www inside the share holds the share's patterns below it, not over its top", async () => {
  const base = await Deno.makeTempDir({ prefix: "wireserve-overlap-" });
  await makeSite(base, "web");
  await Deno.writeTextFile(join(base, "web", "index.html"), "<h1>web home</h1>");
  const hide = [...HIDE, "/web/posts"];
  const srv = await serve({ directory: base, www: join(base, "web"), hide, readOnly: true });
  // A share hiding the web root whole (`--directory . --www build --hide build`) serves the site.
  const whole = await serve({ directory: base, www: join(base, "web"), hide: ["web"] });
  try {
    await assertAllHidden(srv.port, ["/posts/drafts/p.txt", "/files/web/posts/drafts/p.txt"]);
    const home = await curl([`http://127.0.0.1:${whole.port}/`]);
    assertEquals([home.status, text(home.body)], [200, "<h1>web home</h1>"]);
    await assertAllHidden(whole.port, ["/files/web/index.html"]);
  } finally {
    await whole.close();
    await srv.close();
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("a link from --www into the share outside it holds the share's patterns", async () => {
  const base = await Deno.makeTempDir({ prefix: "wireserve-overlap-" });
  await makeSite(join(base, "share"), "unused");
  await Deno.mkdir(join(base, "site"));
  await Deno.writeTextFile(join(base, "site", "index.html"), "<h1>home</h1>");
  await Deno.symlink(join(base, "share"), join(base, "site", "dl"));
  const srv = await serve({
    directory: join(base, "share"),
    www: join(base, "site"),
    followSymlinks: true,
    readOnly: true,
  });
  try {
    await assertAllHidden(srv.port, ["/dl/drafts/d.txt", "/dl/docs/private/x.txt"]);
    const res = await curl([`http://127.0.0.1:${srv.port}/dl/posts/drafts/p.txt`]);
    assertEquals([res.status, text(res.body)], [200, "public nested draft"]);
  } finally {
    await srv.close();
    await Deno.remove(base, { recursive: true });
  }
});
