/**
 * Templates on the real server: an edited post shows on the first request after the stat-cache
 * period, a template problem is an error box and one line in the log, and no variable but
 * `WIRESERVE_VAR_*` can ever reach a page — checked on a real process with the real permissions.
 */

import { appConfig } from "../../src/app/app_config.ts";
import { createApp } from "../../src/app/routes.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { startServer } from "../support/server.ts";
import { curl as curlText, spawnWireserve } from "../support/wireserve_process.ts";
import { curl, text } from "./files_fixture.ts";

const STAT_CACHE_MS = 300;

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
