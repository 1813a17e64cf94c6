/**
 * examples/portfolio run as its docs say — wireserve as a real process, with exactly the
 * permissions of `deno task start` and the binary — and read with curl: the front page with the
 * newest posts and a value from the example's .env, a post page rendering one Markdown file, the
 * partial header on every page, the private folder hidden, the rendered 404 page, validators.
 */

import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../support/assert.ts";
import { curl, spawnWireserve, type WireserveProcess } from "../support/wireserve_process.ts";

const EXAMPLE = fileURLToPath(new URL("../../examples/portfolio", import.meta.url));
const ERROR_BOX = "wireserve-template-error";

/** What curl got: status, headers (lower-case names) and body. */
interface Got {
  status: number;
  headers: Map<string, string>;
  body: string;
}

async function get(port: number, path: string, extra: string[] = []): Promise<Got> {
  const r = await curl([
    "-s",
    "--max-time",
    "20",
    "--path-as-is",
    "-D",
    "/dev/stderr",
    ...extra,
    `http://127.0.0.1:${port}${path}`,
  ]);
  const lines = r.err.split("\r\n");
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const i = line.indexOf(":");
    if (i > 0) headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  return { status: Number(lines[0].split(" ")[1]), headers, body: r.out };
}

/** Runs wireserve with `args` until `fn` is done, then stops it. */
async function withWireserve(
  args: string[],
  fn: (port: number, p: WireserveProcess) => Promise<void>,
  env: Record<string, string> = {},
) {
  const p = spawnWireserve([...args, "--port", "0", "--log", "off"], { env });
  try {
    await fn(await p.port(), p);
  } finally {
    p.child.kill("SIGTERM");
    await p.exit();
  }
}

const DOCUMENTED = ["--www", EXAMPLE, "--templates", "--env-file", `${EXAMPLE}/.env`];

Deno.test("the portfolio front page shows the newest posts and the name from its .env", async () => {
  await withWireserve(DOCUMENTED, async (port, p) => {
    const home = await get(port, "/");
    assertEquals(home.status, 200);
    assertEquals(home.headers.get("content-type"), "text/html; charset=utf-8");
    assert(home.body.includes("<title>Ada&#39;s workshop</title>"), "SITE_NAME from .env");
    assert(home.body.includes("Notes on engines, looms and numbers"), "TAGLINE from .env");
    assert(home.body.includes('<header class="site">'), "the partial header");
    assert(!home.body.includes(ERROR_BOX), home.body);
    const links = [...home.body.matchAll(/href="\/post\.html\?p=([^"]+)"/g)].map((m) => m[1]);
    // Three newest: the undated post (its file time is today) and the two 2024 ones.
    assertEquals(links, ["poetical-science", "bernoulli-numbers", "analytical-engine"]);
    assert(home.body.includes("<time>2024-05-02</time>"));
    assert(!home.body.includes("jacquard"), "the fourth post is past the limit");
    const archive = await get(port, "/archive.html");
    assertEquals(archive.body.match(/<li>/g)?.length, 4);
    assert(!p.stderr().includes("template"), `a template problem was logged: ${p.stderr()}`);
  });
});

Deno.test("the portfolio post page renders one Markdown file chosen by the query", async () => {
  await withWireserve(DOCUMENTED, async (port) => {
    const post = await get(port, "/post.html?p=analytical-engine");
    assertEquals(post.status, 200);
    assert(post.body.includes("<h1>The Analytical Engine, briefly</h1>"));
    assert(post.body.includes("<td>processor</td>"), "GFM tables");
    assert(post.body.includes('<header class="site">'));
    assert(!post.body.includes("description:"), "front matter is not shown");
    const pick = await get(port, "/post.html");
    assert(pick.body.includes("Which post?"));
    for (const p of ["nope", "../private/draft-letter", "..%2Fprivate%2Fdraft-letter", "%2e%2e"]) {
      const miss = await get(port, `/post.html?p=${p}`);
      assertEquals(miss.status, 404, p);
      assert(
        miss.body.includes("Nothing lives at <code>/post.html</code>"),
        "the rendered 404 page",
      );
      assert(!miss.body.includes("Draft letter"), p);
    }
  });
});

Deno.test("the portfolio's private folder and .env are never served", async () => {
  await withWireserve(DOCUMENTED, async (port) => {
    const paths = [
      "/private/",
      "/private/draft-letter.md",
      "/private/signing.key",
      "/PRIVATE/draft-letter.md",
      "/posts/../private/draft-letter.md",
      "/.env",
    ];
    for (const path of paths) {
      const res = await get(port, path);
      assertEquals(res.status, 404, path);
      assert(!res.body.includes("never be served"), path);
    }
  });
});

Deno.test("the portfolio answers 304 to its own ETag and compresses on request", async () => {
  await withWireserve(DOCUMENTED, async (port) => {
    const first = await get(port, "/archive.html");
    const etag = first.headers.get("etag")!;
    assert(/^"t-[A-Za-z0-9_-]+"$/.test(etag), etag);
    const again = await get(port, "/archive.html", ["-H", `If-None-Match: ${etag}`]);
    assertEquals([again.status, again.body], [304, ""]);
    const gz = await get(port, "/archive.html", ["-H", "Accept-Encoding: gzip", "--compressed"]);
    assertEquals([gz.status, gz.headers.get("content-encoding")], [200, "gzip"]);
    assertEquals(gz.body, first.body);
  });
});

Deno.test("the portfolio runs as `deno task start --www examples/portfolio --templates`", async () => {
  await withWireserve(["--www", EXAMPLE, "--templates"], async (port) => {
    const home = await get(port, "/");
    assertEquals(home.status, 200);
    assert(home.body.includes("<title>My portfolio</title>"), "the fallback name without .env");
    assert(!home.body.includes(ERROR_BOX));
  });
  await withWireserve(["--www", EXAMPLE, "--templates", "--hide", "private/"], async (port) => {
    assertEquals((await get(port, "/private/draft-letter.md")).status, 404);
  });
  // The environment wins over .env, as for every option.
  await withWireserve(DOCUMENTED, async (port) => {
    assert((await get(port, "/")).body.includes("<title>From the environment</title>"));
  }, { WIRESERVE_VAR_SITE_NAME: "From the environment" });
});
