/** `/digest-auth/<qop>/<user>/<password>[/<algorithm>]` (RFC 7616) without sockets. */

import { createHash } from "node:crypto";
import { appConfig } from "../../src/app/app_config.ts";
import { createRouter } from "../../src/app/router.ts";
import { parseAuthParams } from "../../src/httpbin/auth_params.ts";
import { mintNonce, NONCE_LIFETIME_MS } from "../../src/httpbin/digest_nonce.ts";
import { httpbinRoutes } from "../../src/httpbin/httpbin_routes.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { bodyJson, buildRequest, header } from "../support/request_builder.ts";

const config = appConfig();
const app = createRouter(httpbinRoutes(config));
const MD5 = "/digest-auth/auth/alice/s3cret";
const SHA = "/digest-auth/auth/alice/s3cret/SHA-256";

const call = (target: string, authorization?: string, method = "GET") =>
  app(buildRequest({
    method,
    target,
    headers: authorization === undefined
      ? [["Host", "t"]]
      : [["Host", "t"], ["Authorization", authorization]],
  }));

/** The challenge's parameters, from a 401. */
async function challengeOf(target: string): Promise<Map<string, string>> {
  const res = await call(target);
  assertEquals(res.status, 401);
  const parsed = parseAuthParams(header(res, "www-authenticate") ?? "");
  assertEquals(parsed?.scheme, "digest");
  return parsed!.params;
}

/** What a client computes (RFC 7616 §3.4.1), written out here independently of the server. */
function answer(
  c: Map<string, string>,
  opts: { user?: string; password?: string; uri: string; method?: string; nonce?: string },
): string {
  const alg = c.get("algorithm")!;
  const h = (s: string) => createHash(alg === "SHA-256" ? "sha256" : "md5").update(s).digest("hex");
  const user = opts.user ?? "alice";
  const nonce = opts.nonce ?? c.get("nonce")!;
  const [nc, cnonce] = ["00000001", "0a4f113b"];
  const ha1 = h(`${user}:${c.get("realm")}:${opts.password ?? "s3cret"}`);
  const ha2 = h(`${opts.method ?? "GET"}:${opts.uri}`);
  const response = h(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return `Digest username="${user}", realm="${c.get("realm")}", nonce="${nonce}", ` +
    `uri="${opts.uri}", algorithm=${alg}, qop=auth, nc=${nc}, cnonce="${cnonce}", ` +
    `response="${response}", opaque="${c.get("opaque")}"`;
}

Deno.test("/digest-auth challenges with qop=auth, the algorithm, a nonce and an opaque", async () => {
  for (const [target, alg] of [[MD5, "MD5"], [SHA, "SHA-256"]]) {
    const c = await challengeOf(target);
    assertEquals(c.get("qop"), "auth");
    assertEquals(c.get("algorithm"), alg);
    assert(c.get("nonce")!.length > 16 && c.get("opaque")!.length > 16);
    assertEquals(c.get("stale"), undefined);
  }
});

Deno.test("/digest-auth answers 200 with the user to a correct MD5 or SHA-256 answer", async () => {
  for (
    const target of [
      MD5,
      SHA,
      "/digest-auth/auth/alice/s3cret/sha-256",
      // Read decoded, as go-httpbin reads Go's decoded path.
      "/digest-auth/%61uth/alice/s3cret/SHA%2D256",
    ]
  ) {
    const c = await challengeOf(target);
    const res = await call(target, answer(c, { uri: target }));
    assertEquals(res.status, 200, target);
    assertEquals(await bodyJson(res.body), {
      authenticated: true,
      authorized: true,
      user: "alice",
    });
  }
});

Deno.test("/digest-auth includes the method and the query in what is hashed", async () => {
  const target = `${MD5}?a=1,2`;
  const c = await challengeOf(target);
  assertEquals(
    (await call(target, answer(c, { uri: target, method: "POST" }), "POST")).status,
    200,
  );
  assertEquals((await call(target, answer(c, { uri: target, method: "GET" }), "POST")).status, 401);
});

const WRONG: Array<[string, (c: Map<string, string>) => string]> = [
  ["a wrong password", (c) => answer(c, { uri: MD5, password: "nope" })],
  ["another user", (c) => answer(c, { uri: MD5, user: "bob" })],
  ["a uri other than the target", (c) => answer(c, { uri: "/digest-auth/auth/alice/s3cret/" })],
  ["a forged nonce", (c) => answer(c, { uri: MD5, nonce: mintNonce("not-the-key", Date.now()) })],
  ["another algorithm", (c) => answer(new Map([...c, ["algorithm", "SHA-256"]]), { uri: MD5 })],
  ["no qop", (c) => answer(c, { uri: MD5 }).replace("qop=auth, ", "")],
  ["a changed opaque", (c) => answer(c, { uri: MD5 }).replace(/opaque="[^"]*"/, 'opaque="x"')],
  ["another realm", (c) => answer(new Map([...c, ["realm", "elsewhere"]]), { uri: MD5 })],
  ["Basic credentials", () => `Basic ${btoa("alice:s3cret")}`],
  ["malformed credentials", () => 'Digest username="alice'],
];

for (const [name, make] of WRONG) {
  Deno.test(`/digest-auth answers 401 with a fresh challenge to ${name}`, async () => {
    const c = await challengeOf(MD5);
    const res = await call(MD5, make(c));
    assertEquals(res.status, 401);
    const again = parseAuthParams(header(res, "www-authenticate")!);
    assertEquals(again?.params.get("stale"), undefined);
  });
}

Deno.test("/digest-auth marks a correct answer to an expired nonce stale=true (RFC 7616 §3.3)", async () => {
  const c = await challengeOf(SHA);
  const old = mintNonce(config.processKey, Date.now() - NONCE_LIFETIME_MS - 1000);
  const res = await call(SHA, answer(c, { uri: SHA, nonce: old }));
  assertEquals(res.status, 401);
  const again = parseAuthParams(header(res, "www-authenticate")!)!.params;
  assertEquals(again.get("stale"), "true");
  assert(again.get("nonce") !== old);
  // The same expired nonce with a wrong password is a plain failure, not stale.
  const wrong = await call(SHA, answer(c, { uri: SHA, nonce: old, password: "x" }));
  assertEquals(parseAuthParams(header(wrong, "www-authenticate")!)!.params.get("stale"), undefined);
});

Deno.test("/digest-auth refuses another qop, algorithm or path shape with 400", async () => {
  for (
    const target of [
      "/digest-auth/auth-int/a/b",
      "/digest-auth/auth/a/b/SHA-512",
      "/digest-auth/auth/a",
      "/digest-auth/auth/a/b/MD5/x",
    ]
  ) {
    assertEquals((await call(target)).status, 400, target);
  }
});
