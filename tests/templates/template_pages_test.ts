/**
 * Templated pages through the app's handler, without sockets: cached variants answer
 * synchronously, changes to anything a page read show after the stat-cache period, ETag and 304
 * work per variant, compression, the 404 page, the log line — and nothing but the `.html` files
 * of `--www` is ever rendered.
 */

import { gunzipSync } from "node:zlib";
import { appConfig } from "../../src/app/app_config.ts";
import { createApp } from "../../src/app/routes.ts";
import { EMBEDDED_WWW } from "../../src/web_root/mod.ts";
import type { Handler, HttpResponse } from "../../src/http/types.ts";
import { buildRequest } from "../support/request_builder.ts";
import { MAX_RENDER_CACHE_ENTRIES } from "../../src/templates/template_limits.ts";
import { assert, assertEquals } from "../support/assert.ts";

const STAT_CACHE_MS = 80;
const decoder = new TextDecoder();

interface Site {
  www: string;
  app: Handler;
  warnings: string[];
  get(target: string, headers?: Array<[string, string]>, method?: string): Promise<HttpResponse>;
}

async function withSite(fn: (site: Site) => Promise<void>, statCacheMs = STAT_CACHE_MS) {
  const base = await Deno.makeTempDir({ prefix: "wireserve-pages-" });
  const www = `${base}/www`;
  await Deno.mkdir(`${www}/posts`, { recursive: true });
  const warnings: string[] = [];
  const app = createApp(
    appConfig({ directory: base, www, templates: true, statCacheMs }),
    { warn: (line) => warnings.push(line), templateVar: (n) => n === "SITE" ? "Site" : undefined },
  );
  const site: Site = {
    www,
    app,
    warnings,
    get: async (target, headers = [], method = "GET") =>
      await app(buildRequest({ method, target, headers: [["Host", "test"], ...headers] })),
  };
  try {
    await fn(site);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

const body = (res: HttpResponse) =>
  typeof res.body === "string" ? res.body : decoder.decode(res.body as Uint8Array);
const field = (res: HttpResponse, name: string) =>
  res.headers?.find(([n]) => n.toLowerCase() === name)?.[1];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("a rendered page answers from memory, synchronously, within the stat-cache period", async () => {
  await withSite(async (site) => {
    await Deno.writeTextFile(`${site.www}/index.html`, "<h1>${env.SITE}</h1>");
    const first = await site.get("/");
    assertEquals([first.status, body(first)], [200, "<h1>Site</h1>"]);
    assertEquals(field(first, "content-type"), "text/html; charset=utf-8");
    const second = site.app(buildRequest({ target: "/" }));
    assert(!(second instanceof Promise), "a cached variant needs no await");
    assertEquals(field(second, "etag"), field(first, "etag"));
  }, 60_000);
});

Deno.test("a change to a listed post, a new post or an include shows after the period", async () => {
  await withSite(async (site) => {
    const post = `${site.www}/posts/a.md`;
    await Deno.writeTextFile(post, "# First title\n");
    await Deno.mkdir(`${site.www}/partials`);
    await Deno.writeTextFile(`${site.www}/partials/foot.html`, "foot-1");
    await Deno.writeTextFile(
      `${site.www}/index.html`,
      '${for p in folder("/posts")}[${p.title}]${end}${include /partials/foot.html}',
    );
    assertEquals(body(await site.get("/")), "[First title]foot-1");
    await Deno.writeTextFile(post, "# Second title, longer\n");
    await Deno.writeTextFile(`${site.www}/posts/b.md`, "# Another\n");
    await Deno.writeTextFile(`${site.www}/partials/foot.html`, "foot-2");
    assertEquals(body(await site.get("/")), "[First title]foot-1", "within the period: as cached");
    await sleep(STAT_CACHE_MS + 20);
    assertEquals(body(await site.get("/")), "[Second title, longer][Another]foot-2");
    await Deno.remove(`${site.www}/partials/foot.html`);
    await sleep(STAT_CACHE_MS + 20);
    const gone = body(await site.get("/"));
    assert(
      gone.includes("wireserve-template-error") &&
        gone.includes("include /partials/foot.html: missing"),
    );
  });
});

Deno.test("a new render reads its files now, not from the stat cache", async () => {
  await withSite(async (site) => {
    await Deno.writeTextFile(`${site.www}/part.html`, "old");
    await Deno.writeTextFile(`${site.www}/v.html`, "${request.query.v}:${include /part.html}");
    assertEquals(body(await site.get("/v.html?v=a")), "a:old");
    await Deno.writeTextFile(`${site.www}/part.html`, "new!");
    // Variant a is trusted for the period; variant b is rendered now and must not mix in the
    // old bytes the stat cache still holds for part.html.
    assertEquals(body(await site.get("/v.html?v=a")), "a:old");
    assertEquals(body(await site.get("/v.html?v=b")), "b:new!");
  }, 60_000);
});

Deno.test("an unchanged page is checked, not rendered again, after the period", async () => {
  await withSite(async (site) => {
    await Deno.writeTextFile(`${site.www}/index.html`, "${nope}");
    await site.get("/");
    await sleep(STAT_CACHE_MS + 20);
    await site.get("/");
    assertEquals(site.warnings.length, 1, "one render, one log line");
    assert(
      site.warnings[0].startsWith("wireserve: template /index.html line 1: unknown placeholder"),
    );
  });
});

Deno.test("ETag and 304 work per variant, and a change gives a new tag", async () => {
  await withSite(async (site) => {
    await Deno.writeTextFile(`${site.www}/p.html`, "q=${request.query.q}");
    const a = await site.get("/p.html?q=a&utm=1");
    const b = await site.get("/p.html?q=b");
    assertEquals([body(a), body(b)], ["q=a", "q=b"]);
    assert(field(a, "etag") !== field(b, "etag"));
    const again = site.app(buildRequest({ target: "/p.html?utm=2&q=a" }));
    assert(!(again instanceof Promise), "another unused parameter shares the variant");
    assertEquals(field(again, "etag"), field(a, "etag"));
    const notModified = await site.get("/p.html?q=a", [["If-None-Match", field(a, "etag")!]]);
    assertEquals([notModified.status, field(notModified, "etag")], [304, field(a, "etag")]);
    const other = await site.get("/p.html?q=b", [["If-None-Match", field(a, "etag")!]]);
    assertEquals(other.status, 200);
    assertEquals(field(a, "last-modified"), undefined, "no date validator for a rendered page");
    await Deno.writeTextFile(`${site.www}/p.html`, "Q=${request.query.q}");
    await sleep(STAT_CACHE_MS + 20);
    const changed = await site.get("/p.html?q=a", [["If-None-Match", field(a, "etag")!]]);
    assertEquals([changed.status, body(changed)], [200, "Q=a"]);
  });
});

Deno.test("a rendered page is compressed once per variant and tagged per coding", async () => {
  await withSite(async (site) => {
    const text = "<p>${request.path}</p>" + "lorem ipsum ".repeat(200);
    await Deno.writeTextFile(`${site.www}/big.html`, text);
    const gz = await site.get("/big.html", [["Accept-Encoding", "gzip"]]);
    assertEquals(field(gz, "content-encoding"), "gzip");
    assertEquals(field(gz, "vary"), "Accept-Encoding");
    const plain = decoder.decode(gunzipSync(gz.body as Uint8Array));
    assertEquals(plain, text.replace("${request.path}", "/big.html"));
    const identity = await site.get("/big.html");
    assertEquals(field(gz, "etag"), field(identity, "etag")!.replace(/"$/, '-gzip"'));
    const again = await site.get("/big.html", [["Accept-Encoding", "gzip"]]);
    assert(again.body === gz.body, "the compressed form is made once");
    const head = await site.get("/big.html", [], "HEAD");
    assertEquals([head.status, field(head, "etag")], [200, field(identity, "etag")]);
  });
});

Deno.test("a post page answers the web root's rendered 404 page for a missing post", async () => {
  await withSite(async (site) => {
    await Deno.writeTextFile(`${site.www}/posts/hello.md`, "# Hello");
    await Deno.writeTextFile(`${site.www}/post.html`, "${markdown /posts/{request.query.p}.md}");
    await Deno.writeTextFile(`${site.www}/404.html`, "<p>No ${request.path}</p>");
    const ok = await site.get("/post.html?p=hello");
    assertEquals([ok.status, body(ok)], [200, "<h1>Hello</h1>\n"]);
    for (const p of ["nope", "..%2Findex", "%2e%2e"]) {
      const res = await site.get(`/post.html?p=${p}`);
      assertEquals([res.status, body(res)], [404, "<p>No /post.html</p>"], p);
    }
    const miss = await site.get("/nothing/here");
    assertEquals([miss.status, body(miss)], [404, "<p>No /nothing/here</p>"]);
    // A 404 page that itself names a missing file ends in the plain 404.
    await Deno.writeTextFile(`${site.www}/404.html`, "${markdown /x/{request.query.p}.md}");
    const plain = await site.get("/post.html?p=nope");
    assertEquals([plain.status, body(plain)], [404, "Not found\n"]);
  }, 0);
});

Deno.test("a query pair that does not decode is left out, and the other values still count", async () => {
  await withSite(async (site) => {
    await Deno.writeTextFile(`${site.www}/posts/hello.md`, "# Hello");
    await Deno.writeTextFile(`${site.www}/posts/other.md`, "# Other");
    await Deno.writeTextFile(
      `${site.www}/post.html`,
      "[${request.query.ref}]${markdown /posts/{request.query.p}.md}",
    );
    // `%E9` is Latin-1 "é", not UTF-8: it made every value empty, so the post was a 404.
    const ok = await site.get("/post.html?ref=caf%E9&p=hello");
    assertEquals([ok.status, body(ok)], [200, "[]<h1>Hello</h1>\n"]);
    // The cache keys the variant by the same values the render read.
    const other = await site.get("/post.html?ref=caf%E9&p=other");
    assertEquals([other.status, body(other)], [200, "[]<h1>Other</h1>\n"]);
    const good = await site.get("/post.html?ref=caf%C3%A9&p=hello");
    assertEquals([good.status, body(good)], [200, "[café]<h1>Hello</h1>\n"]);
  });
});

Deno.test("made-up post names and missing paths do not crowd the site out of the cache", async () => {
  await withSite(async (site) => {
    await Deno.writeTextFile(`${site.www}/index.html`, "home");
    await Deno.writeTextFile(`${site.www}/post.html`, "${markdown /posts/{request.query.p}.md}");
    await Deno.writeTextFile(`${site.www}/404.html`, "no ${request.path}");
    await site.get("/");
    for (let i = 0; i < MAX_RENDER_CACHE_ENTRIES + 10; i++) {
      assertEquals((await site.get(`/post.html?p=x${i}`)).status, 404);
      assertEquals(body(await site.get(`/missing-${i}`)), `no /missing-${i}`);
    }
    const home = site.app(buildRequest({ target: "/" }));
    assert(!(home instanceof Promise), "the home page is still cached");
  }, 60_000);
});

Deno.test("only the .html files of --www are rendered", async () => {
  await withSite(async (site) => {
    const raw = "${request.path} ${nope}";
    for (const name of ["notes.txt", "app.js", "data.json", "page.md", "index.html.bak"]) {
      await Deno.writeTextFile(`${site.www}/${name}`, raw);
      assertEquals(body(await site.get(`/${name}`)), raw, name);
    }
    await Deno.writeTextFile(`${site.www}/upper.HTM`, "${request.path}");
    assertEquals(body(await site.get("/upper.HTM")), "/upper.HTM");
  });
  // The built-in UI is served byte for byte even with templates on.
  const ui = createApp(appConfig({ templates: true, www: null }));
  const res = await ui(buildRequest({ target: "/index.html" }));
  const onDisk = await Deno.readFile(`${EMBEDDED_WWW}/index.html`);
  assertEquals(res.body, onDisk);
});
