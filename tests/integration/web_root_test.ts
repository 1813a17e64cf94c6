/**
 * The web root at `/` on the real server: index.html for folders, 404.html for misses, the
 * single-page-app fallback, redirects, and the embedded `www/` UI by default, with every
 * stylesheet and script its index.html links.
 */

import { startApp } from "../support/app_server.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { curl, type CurlResult, startFilesServer, text } from "./files_fixture.ts";

Deno.test("/ answers index.html and folders their index.html", async () => {
  const fs = await startFilesServer();
  try {
    const home = await curl([fs.url("/")]);
    assertEquals([home.status, text(home.body)], [200, "<h1>home</h1>"]);
    assertEquals(home.headers.get("content-type"), "text/html; charset=utf-8");
    const about = await curl([fs.url("/about/")]);
    assertEquals([about.status, text(about.body)], [200, "<h1>about</h1>"]);
    const css = await curl([fs.url("/style.css")]);
    assertEquals([css.status, css.headers.get("content-type")], [200, "text/css; charset=utf-8"]);
    const direct = await curl([fs.url("/index.html")]);
    assertEquals(text(direct.body), "<h1>home</h1>");
    const version = appConfig().version.replace(/[^0-9A-Za-z.]/g, "");
    assert(!direct.headers.get("etag")?.includes(version), "a user's folder is not salted");
  } finally {
    await fs.close();
  }
});

Deno.test("a folder without its slash redirects, never to another host", async () => {
  const fs = await startFilesServer();
  try {
    await Deno.mkdir(`${fs.tree.www}/evil.example`);
    const about = await curl([fs.url("/about?x=1")]);
    assertEquals([about.status, about.headers.get("location")], [308, "/about/?x=1"]);
    const evil = await curl([fs.url("//evil.example")]);
    assertEquals([evil.status, evil.headers.get("location")], [308, "/evil.example/"]);
  } finally {
    await fs.close();
  }
});

Deno.test("misses answer 404 with the root's 404.html, or plain text without one", async () => {
  const fs = await startFilesServer();
  try {
    const miss = await curl([fs.url("/nope.html")]);
    assertEquals([miss.status, text(miss.body)], [404, "<h1>custom 404</h1>"]);
    assertEquals(miss.headers.get("content-type"), "text/html; charset=utf-8");
    const extensionless = await curl([fs.url("/some/app/route")]);
    assertEquals(extensionless.status, 404, "no spa: extensionless misses are 404 too");
    const dots = await curl([fs.url("/../outside/sentinel.txt")]);
    assertEquals([dots.status, text(dots.body)], [404, "<h1>custom 404</h1>"]);
    await Deno.remove(`${fs.tree.www}/404.html`);
    const plain = await curl([fs.url("/nope.html")]);
    assertEquals([plain.status, text(plain.body)], [404, "Not found\n"]);
  } finally {
    await fs.close();
  }
});

Deno.test("the 404 page carries neither its own validators nor a max-age", async () => {
  const fs = await startFilesServer({ cacheSeconds: 3600 });
  try {
    const miss = await curl([fs.url("/nope.html")]);
    assertEquals(miss.status, 404);
    assertEquals(miss.headers.get("cache-control"), "no-cache");
    for (const name of ["etag", "last-modified", "accept-ranges"]) {
      assertEquals(miss.headers.get(name), undefined, name);
    }
    const found = await curl([fs.url("/404.html")]);
    assertEquals(found.headers.get("cache-control"), "max-age=3600", "the page itself as before");
  } finally {
    await fs.close();
  }
});

Deno.test("a --www site serves its /.well-known/ without --dotfiles; other dot names stay hidden", async () => {
  const fs = await startFilesServer();
  try {
    const www = fs.tree.www;
    await Deno.mkdir(`${www}/.well-known/acme-challenge`, { recursive: true });
    await Deno.writeTextFile(`${www}/.well-known/acme-challenge/tok3n`, "tok3n.key");
    await Deno.writeTextFile(`${www}/.well-known/security.txt`, "Contact: mailto:a@b.c\n");
    await Deno.mkdir(`${www}/docs/.well-known`, { recursive: true });
    await Deno.writeTextFile(`${www}/docs/.well-known/x`, "nested");
    await Deno.writeTextFile(`${www}/.well-known/.secret`, "hidden");
    await Deno.writeTextFile(`${www}/.env`, "SECRET=1");
    const acme = await curl([fs.url("/.well-known/acme-challenge/tok3n")]);
    assertEquals([acme.status, text(acme.body)], [200, "tok3n.key"]);
    const security = await curl([fs.url("/.well-known/security.txt")]);
    assertEquals(security.status, 200);
    assertEquals(security.headers.get("content-type"), "text/plain; charset=utf-8");
    for (const path of ["/.env", "/.well-known/.secret", "/docs/.well-known/x", "/.Well-Known/x"]) {
      assertEquals((await curl([fs.url(path)])).status, 404, path);
    }
    // A link into a dot-folder beside it publishes nothing either.
    await Deno.mkdir(`${www}/.private`);
    await Deno.writeTextFile(`${www}/.private/k`, "k");
    await Deno.symlink(`${www}/.private`, `${www}/.well-known/p`);
    assertEquals((await curl([fs.url("/.well-known/p/k")])).status, 404, "a link to .private");
  } finally {
    await fs.close();
  }
});

Deno.test("the shared folder keeps its .well-known hidden without --dotfiles", async () => {
  const fs = await startFilesServer();
  try {
    await Deno.mkdir(`${fs.tree.root}/.well-known`, { recursive: true });
    await Deno.writeTextFile(`${fs.tree.root}/.well-known/x`, "x");
    assertEquals((await curl([fs.url("/files/.well-known/x")])).status, 404);
  } finally {
    await fs.close();
  }
});

Deno.test("spa answers unknown extensionless paths with index.html and 200", async () => {
  const fs = await startFilesServer({ spa: true });
  try {
    for (const path of ["/settings", "/settings/profile", "/a/b/c"]) {
      const res = await curl([fs.url(path)]);
      assertEquals([res.status, text(res.body)], [200, "<h1>home</h1>"], path);
    }
    const asset = await curl([fs.url("/missing.js")]);
    assertEquals(asset.status, 404, "a missing file with an extension stays 404");
    // A browser navigating to a route with a dot in its last segment gets the app...
    const navigate = ["-H", "Accept: text/html,application/xhtml+xml,*/*;q=0.8"];
    for (const path of ["/users/john.doe", "/docs/v1.2"]) {
      const res = await curl([...navigate, fs.url(path)]);
      assertEquals([res.status, text(res.body)], [200, "<h1>home</h1>"], path);
    }
    // ...while its fetches of missing scripts, styles and images stay 404.
    for (const accept of ["*/*", "text/css,*/*;q=0.1", "image/avif,image/webp,*/*;q=0.8"]) {
      const res = await curl(["-H", `Accept: ${accept}`, fs.url("/users/john.doe")]);
      assertEquals(res.status, 404, accept);
    }
    const real = await curl([fs.url("/style.css")]);
    assertEquals(text(real.body), "body{}");
  } finally {
    await fs.close();
  }
});

Deno.test("the embedded www/ UI is served at / by default", async () => {
  const tmp = await Deno.makeTempDir();
  const srv = await startApp(appConfig({ directory: tmp }));
  try {
    const res = await curl([`http://127.0.0.1:${srv.port}/`]);
    assertEquals(res.status, 200);
    assertEquals(res.headers.get("content-type"), "text/html; charset=utf-8");
    const onDisk = await Deno.readFile(new URL("../../www/index.html", import.meta.url));
    assertEquals(res.body, onDisk);
    assert(text(res.body).toLowerCase().includes("<!doctype html>"));
    // embedded files are tagged with the version, so an upgrade never revalidates as unchanged
    const version = appConfig().version.replace(/[^0-9A-Za-z.]/g, "");
    assert(res.headers.get("etag")?.endsWith(`-${version}"`), res.headers.get("etag"));
  } finally {
    await srv.close();
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("every answer of the embedded UI forbids framing by other sites; a --www site's does not", async () => {
  const tmp = await Deno.makeTempDir();
  const srv = await startApp(appConfig({ directory: tmp }));
  const fs = await startFilesServer();
  const protections = (res: CurlResult) => [
    res.headers.get("content-security-policy"),
    res.headers.get("x-frame-options"),
  ];
  try {
    const base = `http://127.0.0.1:${srv.port}`;
    const home = await curl([`${base}/`]);
    const etag = home.headers.get("etag")!;
    for (
      const [what, res, status] of [
        ["the page", home, 200],
        ["a script", await curl([`${base}/js/main.js`]), 200],
        ["a miss", await curl([`${base}/no-such-page`]), 404],
        ["a revalidation", await curl(["-H", `If-None-Match: ${etag}`, `${base}/`]), 304],
        ["a HEAD", await curl(["-I", `${base}/`]), 200],
      ] as const
    ) {
      assertEquals(res.status, status, what);
      // RFC 7034 for browsers older than CSP's frame-ancestors, which a <meta> cannot carry.
      assertEquals(protections(res), ["frame-ancestors 'self'", "SAMEORIGIN"], what);
    }
    // A user's site is theirs: whether it may be framed is not ours to decide.
    assertEquals(protections(await curl([fs.url("/")])), [undefined, undefined]);
  } finally {
    await fs.close();
    await srv.close();
    await Deno.remove(tmp, { recursive: true });
  }
});

/** Every `name` attribute value of the `tag` elements in `html`, for those `keep` accepts. */
function attributeValues(
  html: string,
  tag: string,
  name: string,
  keep: (element: string) => boolean,
): string[] {
  // Tags inside comments are not loaded by a browser, so they must not count here either.
  const live = html.replace(/<!--[\s\S]*?-->/g, "");
  const attribute = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, "i");
  const values: string[] = [];
  for (const [element] of live.matchAll(new RegExp(`<${tag}\\b[^>]*>`, "gi"))) {
    const m = element.match(attribute);
    if (m && keep(element)) values.push(m[1] ?? m[2] ?? m[3]);
  }
  return values;
}

const isStylesheet = (element: string) => /\srel\s*=\s*["']?[^"'>]*\bstylesheet\b/i.test(element);

Deno.test("every stylesheet and script the embedded index.html links is served", async () => {
  const tmp = await Deno.makeTempDir();
  const srv = await startApp(appConfig({ directory: tmp }));
  try {
    const page = `http://127.0.0.1:${srv.port}/`;
    const res = await fetch(page);
    const html = await res.text();
    assertEquals(res.status, 200);
    const styles = attributeValues(html, "link", "href", isStylesheet);
    const scripts = attributeValues(html, "script", "src", () => true);
    // Guards against a broken pattern finding nothing and the loop below passing vacuously.
    assert(styles.length >= 5, `stylesheets found: ${styles}`);
    assert(scripts.length >= 1, `scripts found: ${scripts}`);
    const assets: Array<[string, string]> = [
      ...styles.map((href): [string, string] => [href, "text/css; charset=utf-8"]),
      ...scripts.map((src): [string, string] => [src, "text/javascript; charset=utf-8"]),
    ];
    for (const [link, type] of assets) {
      const url = new URL(link, page);
      assertEquals(url.origin, new URL(page).origin, `${link} stays on this server`);
      const asset = await fetch(url);
      const body = await asset.arrayBuffer();
      assertEquals([asset.status, asset.headers.get("content-type")], [200, type], link);
      assert(body.byteLength > 0, `${link} is not empty`);
    }
  } finally {
    await srv.close();
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("a --www site's own files come before the built-in endpoints on their paths", async () => {
  const fs = await startFilesServer();
  try {
    const www = fs.tree.www!;
    await Deno.writeTextFile(`${www}/robots.txt`, "User-agent: *\nDisallow: /secret/\n");
    await Deno.mkdir(`${www}/image`);
    await Deno.writeTextFile(`${www}/image/logo.svg`, "<svg/>");
    await Deno.mkdir(`${www}/status`);
    await Deno.writeTextFile(`${www}/status/index.html`, "<h1>all good</h1>");
    await Deno.mkdir(`${www}/files`);
    await Deno.writeTextFile(`${www}/files/hello.txt`, "the site's, never served");

    const robots = await curl([fs.url("/robots.txt")]);
    assertEquals([robots.status, text(robots.body)], [200, "User-agent: *\nDisallow: /secret/\n"]);
    const head = await curl(["-I", fs.url("/robots.txt")]);
    assertEquals([head.status, head.headers.get("content-length")], [200, "33"]);
    assertEquals(text((await curl([fs.url("/image/logo.svg")])).body), "<svg/>");
    assertEquals(text((await curl([fs.url("/status/")])).body), "<h1>all good</h1>");
    // What the site does not hold stays the endpoint's; other methods too.
    const png = await curl([fs.url("/image/png")]);
    assertEquals([png.status, png.headers.get("content-type")], [200, "image/png"]);
    assertEquals((await curl([fs.url("/status/418")])).status, 418);
    const posted = await curl(["-X", "POST", fs.url("/robots.txt")]);
    assertEquals(text(posted.body), "User-agent: *\nDisallow: /deny\n", "a POST is the endpoint's");
    assertEquals(text((await curl([fs.url("/echo/hi")])).body), "hi");
    // The shared folder is never the site's.
    assertEquals(text((await curl([fs.url("/files/hello.txt")])).body), "hello world\n");
  } finally {
    await fs.close();
  }
});

Deno.test("the built-in UI leaves the endpoints' paths to them", async () => {
  const dir = await Deno.makeTempDir();
  const srv = await startApp(appConfig({ directory: dir }));
  try {
    const robots = await curl([`http://127.0.0.1:${srv.port}/robots.txt`]);
    assertEquals([robots.status, text(robots.body)], [200, "User-agent: *\nDisallow: /deny\n"]);
  } finally {
    await srv.close();
    await Deno.remove(dir, { recursive: true });
  }
});
