/**
 * Templates on the real server: an edited post shows on the first request after the stat-cache
 * period, a template problem is an error box and one line in the log, and no variable but
 * `WIRESERVE_VAR_*` can ever reach a page — checked on a real process with the real permissions.
 */

import { appConfig } from "../../src/app/app_config.ts";
import { createApp } from "../../src/app/routes.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { startServer } from "../support/server.ts";
import {
  curl as curlText,
  spawnWireserve,
  type WireserveProcess,
} from "../support/wireserve_process.ts";
import { curl, text } from "./files_fixture.ts";
import { MAX_RENDER_STEPS } from "../../src/templates/template_limits.ts";

const STAT_CACHE_MS = 300;
/** How long the access log may lag behind the answers it records, and how often to look. */
const LOG_WAIT_MS = 5_000;
const LOG_POLL_MS = 50;

async function site(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-site-" });
  for (const [path, content] of Object.entries(files)) {
    const full = `${dir}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(full, content);
  }
  return dir;
}

Deno.test("an edited post shows on the first request after the stat-cache period", async () => {
  const www = await site({
    "index.html": '${for p in folder("/posts", sort="-date")}<h2>${p.title}</h2>${end}',
    "posts/a.md": "---\ntitle: Before\ndate: 2024-01-01\n---\n",
  });
  const warnings: string[] = [];
  const srv = startServer(createApp(
    appConfig({ directory: www, www, templates: true, statCacheMs: STAT_CACHE_MS }),
    { warn: (l) => warnings.push(l), templateVar: () => undefined },
  ));
  const url = `http://127.0.0.1:${srv.port}/`;
  try {
    assertEquals(text((await curl([url])).body), "<h2>Before</h2>");
    await Deno.writeTextFile(`${www}/posts/a.md`, "---\ntitle: After\ndate: 2024-01-01\n---\n");
    await Deno.writeTextFile(`${www}/posts/b.md`, "---\ntitle: Newer\ndate: 2024-02-01\n---\n");
    const soon = text((await curl([url])).body);
    await new Promise((r) => setTimeout(r, STAT_CACHE_MS + 50));
    assertEquals(text((await curl([url])).body), "<h2>Newer</h2><h2>After</h2>");
    // Within the period the old page may still show; it must be the old one, not a mix.
    assert(soon === "<h2>Before</h2>" || soon === "<h2>Newer</h2><h2>After</h2>", soon);
    await Deno.writeTextFile(`${www}/broken.html`, "<p>${request.query.q}</p>\n${oops}");
    const broken = await curl([`http://127.0.0.1:${srv.port}/broken.html?q=%3Cb%3E`]);
    assertEquals(broken.status, 200);
    const body = text(broken.body);
    assert(body.startsWith('<p>&lt;b&gt;</p>\n<div class="wireserve-template-error"'), body);
    assert(body.includes("/broken.html line 2: unknown placeholder ${oops}"));
    assert(!body.includes(www), "no server path in the page");
    assertEquals(warnings.length, 1);
    assert(warnings[0].startsWith("wireserve: template /broken.html line 2: unknown placeholder"));
    assertEquals(srv.errors, []);
  } finally {
    await srv.close();
    await Deno.remove(www, { recursive: true });
  }
});

Deno.test("a site's odd pages answer 200: deep Markdown renders, a huge page shows its box", async () => {
  const www = await site({
    "post.html": "<p>${request.query.p}</p>${markdown /posts/{request.query.p}.md}<p>end</p>",
    "posts/deep.md": ">".repeat(20_000) + " x\n",
    "posts/hello.md": "# Hello\n",
    "huge.html": "x".repeat(1024 * 1024 + 1),
  });
  const warnings: string[] = [];
  const srv = startServer(createApp(
    appConfig({ directory: www, www, templates: true, statCacheMs: STAT_CACHE_MS }),
    { warn: (l) => warnings.push(l), templateVar: () => undefined },
  ));
  const base = `http://127.0.0.1:${srv.port}`;
  try {
    // Was a 500 for the whole page, then an error box: marked overflowed its stack. markdown-it
    // nests quotes 100 deep and no further.
    const deep = await curl([`${base}/post.html?p=deep`]);
    assertEquals(deep.status, 200);
    assert(text(deep.body).endsWith("</blockquote>\n<p>end</p>"), text(deep.body));
    assertEquals(text(deep.body).split("<blockquote>").length - 1, 100);
    // Was a 404 with no log line: the page is there, past the size bound.
    const huge = await curl([`${base}/huge.html`]);
    assertEquals(huge.status, 200);
    assert(text(huge.body).includes("/huge.html: too large to render"), text(huge.body));
    // Was a 404: one Latin-1 pair emptied every value, `p` included.
    const hello = await curl([`${base}/post.html?ref=caf%E9&p=hello`]);
    assertEquals([hello.status, text(hello.body)], [200, "<p>hello</p><h1>Hello</h1>\n<p>end</p>"]);
    assertEquals(warnings.length, 1, warnings.join("\n"));
    assertEquals(srv.errors, []);
  } finally {
    await srv.close();
    await Deno.remove(www, { recursive: true });
  }
});

Deno.test("a real wireserve reads WIRESERVE_VAR_* and no other variable into a page", async () => {
  const www = await site({
    "index.html": "[${env.GREETING}][${if env.SECRET}${env.SECRET}${else}none${end}]" +
      "[${if env.HOME}home${else}no-home${end}]",
    ".env": "WIRESERVE_VAR_FROM_FILE=file\n",
    "file.html": "${env.FROM_FILE}",
  });
  const p = spawnWireserve(
    ["--www", www, "--templates", "--port", "0", "--log", "off", "--env-file", `${www}/.env`],
    { env: { WIRESERVE_VAR_GREETING: "hi <you>", SECRET: "leak-1", HOME: "/leak-2" } },
  );
  try {
    const port = await p.port();
    const page = await curlText(["-s", `http://127.0.0.1:${port}/`]);
    assertEquals(page.out, "[hi &lt;you&gt;][none][no-home]");
    const fromFile = await curlText(["-s", `http://127.0.0.1:${port}/file.html`]);
    assertEquals(fromFile.out, "file");
    assert(!p.stderr().includes("template"), p.stderr());
  } finally {
    p.child.kill("SIGTERM");
    await p.exit();
    await Deno.remove(www, { recursive: true });
  }
});

Deno.test("a nested include bomb answers its step-limit box, and its worker keeps serving", async () => {
  // 5,000 includes of a partial that includes an empty file 5,000 times: before the step limit,
  // over a minute of one worker, during which nothing else on it was answered. Each page is
  // rendered once (then cached), so each test step has its own copy.
  const bomb = "${include /a.html}".repeat(5000);
  const www = await site({
    "bomb.html": bomb,
    "warm.html": bomb,
    "again1.html": bomb,
    "again2.html": bomb,
    "again3.html": bomb,
    "a.html": "${include /empty.html}".repeat(5000),
    "empty.html": "",
  });
  const p = spawnWireserve([
    ...["--www", www, "--templates", "--port", "0", "--log", "common", "--workers", "1"],
  ]);
  try {
    const base = `http://127.0.0.1:${await p.port()}`;
    const page = await fetch(`${base}/bomb.html`);
    const body = await page.text();
    assertEquals(page.status, 200);
    assert(body.includes('class="wireserve-template-error"'), body.slice(0, 200));
    assert(
      body.includes(`the page takes more than ${MAX_RENDER_STEPS} steps to render`),
      body.slice(-400),
    );

    // How long one render takes here (warm). Then three at once, which the worker interleaves,
    // and an echo sent half of one render's time later on a connection already open: it
    // must be answered before any of them ends. Without turns it waits for the render under way.
    // Only the order is asserted, and as the server saw it: its access log has one line per
    // answer in the order they ended (this process, on a loaded machine, may take its own
    // answers in another order).
    const startedAt = performance.now();
    await (await fetch(`${base}/warm.html`)).text();
    const renderMs = performance.now() - startedAt;
    const echoConn = await Deno.connect({ hostname: "127.0.0.1", port: await p.port() });
    try {
      assert((await echoOver(echoConn)).startsWith("HTTP/1.1 200 "));
      const names = ["again1.html", "again2.html", "again3.html"];
      const bombs = names.map(async (name) => await (await fetch(`${base}/${name}`)).text());
      // Soon after the pages' requests are in (at most 30 ms: a loaded machine fires this
      // process's timers late, and at half a render's time CI once sent the echo after the first
      // page had ended), well before the three interleaved renders can end.
      await new Promise((r) => setTimeout(r, Math.min(renderMs / 2, 30)));
      assert((await echoOver(echoConn)).startsWith("HTTP/1.1 200 "));
      await Promise.all(bombs);
      const order = await answeredInOrder(p, ["/echo/x", ...names.map((n) => `/${n}`)]);
      assertEquals(order.length, 5, order.join(" ")); // the two echoes and the three pages
      assertEquals(order[1], "/echo/x", order.join(" "));
    } finally {
      echoConn.close();
    }
  } finally {
    p.child.kill("SIGTERM");
    await p.exit();
    await Deno.remove(www, { recursive: true });
  }
});

/** Sends `GET /echo/x` over `conn` (kept alive) and reads its whole answer. */
/**
 * The paths among `paths` in the order the server's access log (`--log common`) shows their
 * answers, once every one of them has a line (the log is flushed in batches, so it may lag).
 */
async function answeredInOrder(p: WireserveProcess, paths: string[]): Promise<string[]> {
  const deadline = Date.now() + LOG_WAIT_MS;
  for (;;) {
    const order = p.stdout().split("\n")
      .map((line) => / "GET (\S+) HTTP\/1\.1" /.exec(line)?.[1])
      .filter((path): path is string => path !== undefined && paths.includes(path));
    if (paths.every((path) => order.includes(path)) || Date.now() > deadline) return order;
    await new Promise((r) => setTimeout(r, LOG_POLL_MS));
  }
}

async function echoOver(conn: Deno.Conn): Promise<string> {
  await conn.write(new TextEncoder().encode("GET /echo/x HTTP/1.1\r\nHost: t\r\n\r\n"));
  const buf = new Uint8Array(4096);
  let got = "";
  while (!/\r\n\r\nx$/.test(got)) {
    const n = await conn.read(buf);
    if (n === null) throw new Error(`connection closed after ${JSON.stringify(got)}`);
    got += new TextDecoder().decode(buf.subarray(0, n));
  }
  return got;
}
