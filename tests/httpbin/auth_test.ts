/** Basic and bearer authentication routes. */

import { appConfig } from "../../src/app/app_config.ts";
import { httpbinRoutes } from "../../src/httpbin/httpbin_routes.ts";
import { createRouter } from "../../src/app/router.ts";
import { assertEquals } from "../support/assert.ts";
import { bodyJson, buildRequest, header } from "../support/request_builder.ts";

const app = createRouter(httpbinRoutes(appConfig()));
const basic = (user: string, pass: string) =>
  `Basic ${new TextEncoder().encode(`${user}:${pass}`).toBase64()}`;
const call = (target: string, authorization?: string) =>
  app(buildRequest({
    target,
    headers: authorization === undefined
      ? [["Host", "t"]]
      : [["Host", "t"], ["Authorization", authorization]],
  }));

Deno.test("/basic-auth answers 200 with authenticated, authorized and the user", async () => {
  const res = await call("/basic-auth/alice/s3cret", basic("alice", "s3cret"));
  assertEquals(res.status, 200);
  assertEquals(await bodyJson(res.body), { authenticated: true, authorized: true, user: "alice" });
});

Deno.test("/basic-auth answers 401 with both flags false and the user that was sent", async () => {
  const res = await call("/basic-auth/alice/s3cret", basic("bob", "x"));
  assertEquals(res.status, 401);
  assertEquals(await bodyJson(res.body), { authenticated: false, authorized: false, user: "bob" });
  const none = await call("/basic-auth/alice/s3cret");
  assertEquals(await bodyJson(none.body), { authenticated: false, authorized: false, user: "" });
});

Deno.test("/basic-auth accepts a lower-case scheme and UTF-8 credentials", async () => {
  const auth = basic("zoë", "pässword").replace("Basic", "basic");
  const res = await call("/basic-auth/zo%C3%AB/p%C3%A4ssword", auth);
  assertEquals(res.status, 200);
});

Deno.test("/basic-auth splits the credentials at the first colon (RFC 7617 §2)", async () => {
  // `-u us:er:pass` is user `us` with password `er:pass`: never the path's user `us:er`.
  for (const prefix of ["/basic-auth", "/hidden-basic-auth"]) {
    const res = await call(`${prefix}/us:er/pass`, basic("us:er", "pass"));
    assertEquals(res.status, prefix === "/basic-auth" ? 401 : 404, prefix);
  }
  const res = await call("/basic-auth/us:er/pass", basic("us:er", "pass"));
  assertEquals(await bodyJson(res.body), { authenticated: false, authorized: false, user: "us" });
  // A colon in the password is the password's.
  const colon = await call("/basic-auth/us/er:pass", basic("us", "er:pass"));
  assertEquals(colon.status, 200);
});

const WRONG: Array<[string, string | undefined]> = [
  ["no Authorization", undefined],
  ["a wrong password", basic("alice", "nope")],
  ["a wrong user", basic("bob", "s3cret")],
  ["a password with a suffix", basic("alice", "s3cretx")],
  ["another scheme", "Bearer abc"],
  ["invalid base64", "Basic !!!"],
  ["no colon in the credentials", `Basic ${btoa("alices3cret")}`],
  // OWS is SP and HTAB only (RFC 9110 §5.6.3): a no-break space (0xA0) is no base64.
  ["a no-break space before the credentials", `Basic \xA0${btoa("alice:s3cret")}`],
  ["a no-break space after the credentials", `Basic ${btoa("alice:s3cret")}\xA0`],
];

for (const [why, auth] of WRONG) {
  Deno.test(`/basic-auth answers 401 with a challenge for ${why}`, async () => {
    const res = await call("/basic-auth/alice/s3cret", auth);
    assertEquals(res.status, 401);
    assertEquals(header(res, "www-authenticate"), 'Basic realm="Fake Realm"');
    assertEquals(((await bodyJson(res.body)) as { authorized: boolean }).authorized, false);
  });
}

Deno.test("/hidden-basic-auth answers 404 instead of 401, without a challenge", async () => {
  const res = await call("/hidden-basic-auth/a/b", basic("a", "x"));
  assertEquals([res.status, header(res, "www-authenticate")], [404, undefined]);
  assertEquals(await bodyJson(res.body), { status_code: 404, error: "Not Found" });
  const ok = await call("/hidden-basic-auth/a/b", basic("a", "b"));
  assertEquals(ok.status, 200);
  assertEquals(await bodyJson(ok.body), { authenticated: true, authorized: true, user: "a" });
});

Deno.test("/basic-auth answers 404 when the path lacks user or password or has more", async () => {
  for (
    const target of ["/basic-auth/alice", "/basic-auth/a/b/c", "/basic-auth/a/", "/basic-auth/"]
  ) {
    assertEquals((await call(target)).status, 404, target);
  }
  assertEquals((await call("/hidden-basic-auth/a/b/c")).status, 404);
});

Deno.test("/basic-auth answers 400 when the user or password is not UTF-8", async () => {
  assertEquals((await call("/basic-auth/a/%zz")).status, 400);
});

Deno.test("/bearer answers 200 with the token for a well-formed bearer token", async () => {
  const res = await call("/bearer", "Bearer abc.DEF-123_~+/==");
  assertEquals(await bodyJson(res.body), { authenticated: true, token: "abc.DEF-123_~+/==" });
});

Deno.test("/bearer takes the token after any run of spaces, as go-httpbin's Fields split", async () => {
  const res = await call("/bearer", "Bearer   abc");
  assertEquals(await bodyJson(res.body), { authenticated: true, token: "abc" });
});

for (
  const [why, auth] of [
    ["none", undefined],
    ["Basic", basic("a", "b")],
    ["an empty token", "Bearer "],
    ["a token with a space", "Bearer a b"],
    ["a lower-case scheme (go-httpbin matches it case-sensitively)", "bearer abc"],
    ["an upper-case scheme", "BEARER abc"],
  ] as Array<[string, string | undefined]>
) {
  Deno.test(`/bearer answers 401 with a Bearer challenge for ${why}`, async () => {
    const res = await call("/bearer", auth);
    assertEquals([res.status, header(res, "www-authenticate")], [401, "Bearer"]);
    assertEquals(await bodyJson(res.body), { status_code: 401, error: "Unauthorized" });
  });
}
