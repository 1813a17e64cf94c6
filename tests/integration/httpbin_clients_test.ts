/**
 * The httpbin routes with real clients: curl's `--digest` (MD5 and SHA-256) and cookie jar
 * (`-c`/`-b`), `fetch` and curl decoding the always-compressed routes, Node's http client
 * reading `/trailers`, and digest nonces answered on
 * another connection than the one that got them — with `WIRESERVE_TEST_WORKERS=2`, on another
 * worker isolate, which must verify a nonce it did not mint.
 */

import { createHash } from "node:crypto";
import { get as httpGet } from "node:http";
import { appConfig } from "../../src/app/app_config.ts";
import { parseAuthParams } from "../../src/httpbin/auth_params.ts";
import { type AppServer, startApp } from "../support/app_server.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { RawClient } from "../support/server.ts";
import { curl, hasProgram } from "../support/wireserve_process.ts";

const HAS_CURL = await hasProgram("curl");

async function withServer(fn: (srv: AppServer, base: string) => Promise<void>): Promise<void> {
  const srv = await startApp(appConfig());
  try {
    await fn(srv, `http://127.0.0.1:${srv.port}`);
  } finally {
    await srv.close();
  }
  assertEquals(srv.errors, []);
}

/** curl's `-w '%{http_code}'` after the body. */
async function curlStatus(args: string[]): Promise<{ status: string; body: string }> {
  const r = await curl(["-sS", "-w", "\n%{http_code}", ...args]);
  assertEquals(r.code, 0, r.err);
  const cut = r.out.lastIndexOf("\n");
  return { status: r.out.slice(cut + 1), body: r.out.slice(0, cut) };
}

for (const algorithm of ["MD5", "SHA-256"]) {
  Deno.test({
    name: `curl --digest authenticates against /digest-auth with ${algorithm}`,
    ignore: !HAS_CURL,
    fn: () =>
      withServer(async (_srv, base) => {
        const url = `${base}/digest-auth/auth/alice/s%20cret/${algorithm}?x=1`;
        const ok = await curlStatus(["--digest", "-u", "alice:s cret", url]);
        assertEquals(ok.status, "200");
        assertEquals(JSON.parse(ok.body), { authenticated: true, authorized: true, user: "alice" });
        const bad = await curlStatus(["--digest", "-u", "alice:wrong", url]);
        assertEquals(bad.status, "401");
      }),
  });
}

Deno.test({
  name: "curl's cookie jar keeps what /cookies/set sets and drops what /cookies/delete expires",
  ignore: !HAS_CURL,
  fn: () =>
    withServer(async (_srv, base) => {
      const dir = await Deno.makeTempDir();
      const jar = `${dir}/jar.txt`;
      try {
        const set = await curlStatus([
          "-L",
          "-c",
          jar,
          "-b",
          jar,
          `${base}/cookies/set?a=1&b=two+words`,
        ]);
        assertEquals(set.status, "200"); // followed the 302 to /cookies
        assertEquals(JSON.parse(set.body), { cookies: { a: "1", b: "two words" } });
        const text = await Deno.readTextFile(jar);
        assert(/^#HttpOnly_127\.0\.0\.1\tFALSE\t\/\tFALSE\t0\ta\t1$/m.test(text), text);
        // A fresh request from the jar alone sends them back.
        const again = await curlStatus(["-b", jar, `${base}/cookies`]);
        assertEquals(JSON.parse(again.body), { cookies: { a: "1", b: "two words" } });
        // Without -L: with it, curl 7.88 reloads the -b file at the redirect and writes the
        // deleted cookie back into the jar (a curl quirk, not the server's answer).
        const del = await curlStatus(["-c", jar, "-b", jar, `${base}/cookies/delete?a`]);
        assertEquals(del.status, "302");
        assert(!/\ta\t/.test(await Deno.readTextFile(jar)), "a is gone from the jar");
        const after = await curlStatus(["-b", jar, `${base}/cookies`]);
        assertEquals(JSON.parse(after.body), { cookies: { b: "two words" } });
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    }),
});

Deno.test("fetch decodes /gzip and /brotli", async () => {
  await withServer(async (_srv, base) => {
    for (const [path, flag] of [["/gzip", "gzipped"], ["/brotli", "brotli"]]) {
      const res = await fetch(base + path);
      assertEquals(res.status, 200);
      assertEquals((await res.json())[flag], true, path);
    }
  });
});

// Deno's fetch asks for gzip and br only and leaves deflate encoded; curl decodes all three.
Deno.test({
  name: "curl --compressed decodes /deflate",
  ignore: !HAS_CURL,
  fn: () =>
    withServer(async (_srv, base) => {
      const res = await curlStatus(["--compressed", `${base}/deflate`]);
      assertEquals(res.status, "200");
      assertEquals(JSON.parse(res.body).deflated, true);
    }),
});

Deno.test("Node's http client reads the trailers /trailers sends", async () => {
  await withServer(async (_srv, base) => {
    const trailers = await new Promise<Record<string, string | undefined>>((resolve, reject) => {
      httpGet(`${base}/trailers?x-checksum=abc&x-count=2`, (res) => {
        res.resume();
        res.on("end", () => resolve({ ...res.trailers, status: String(res.statusCode) }));
        res.on("error", reject);
      }).on("error", reject);
    });
    assertEquals(trailers, { "x-checksum": "abc", "x-count": "2", status: "200" });
  });
});

/** One raw exchange on a fresh connection (so, with workers, possibly another isolate). */
async function once(port: number, target: string, authorization?: string) {
  const c = await RawClient.connect(port);
  try {
    const auth = authorization === undefined ? "" : `Authorization: ${authorization}\r\n`;
    await c.send(`GET ${target} HTTP/1.1\r\nHost: t\r\n${auth}Connection: close\r\n\r\n`);
    const res = await c.readResponse();
    assert(res !== null);
    return res;
  } finally {
    c.close();
  }
}

Deno.test("a digest nonce minted on one connection is accepted on others (any worker)", async () => {
  await withServer(async (srv) => {
    const target = "/digest-auth/auth/u/p/SHA-256";
    const challenge = parseAuthParams((await once(srv.port, target)).header("www-authenticate")!);
    const c = challenge!.params;
    const h = (s: string) => createHash("sha256").update(s).digest("hex");
    const ha1 = h(`u:${c.get("realm")}:p`);
    const ha2 = h(`GET:${target}`);
    // Several fresh connections: SO_REUSEPORT spreads them over the workers when there are two.
    for (let i = 1; i <= 8; i++) {
      const nc = i.toString(16).padStart(8, "0");
      const response = h(`${ha1}:${c.get("nonce")}:${nc}:abc:auth:${ha2}`);
      const auth = `Digest username="u", realm="${c.get("realm")}", nonce="${c.get("nonce")}", ` +
        `uri="${target}", algorithm=SHA-256, qop=auth, nc=${nc}, cnonce="abc", ` +
        `response="${response}", opaque="${c.get("opaque")}"`;
      assertEquals((await once(srv.port, target, auth)).status, 200, `connection ${i}`);
    }
  });
});
