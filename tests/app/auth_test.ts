/** The auth guard: Basic and Bearer, writes versus reads, the --auth-all wrapper, the CLI helper. */

import { appConfig } from "../../src/app/app_config.ts";
import {
  authGuard,
  requireAuthForAll,
  requireAuthForEchoedOptions,
  writesOpenWithoutAuth,
} from "../../src/app/auth.ts";
import { ANY_METHOD } from "../../src/app/router.ts";
import { assertEquals } from "../support/assert.ts";
import { buildRequest, header } from "../support/request_builder.ts";

const basic = (userPass: string) => `Basic ${new TextEncoder().encode(userPass).toBase64()}`;
const req = (authorization?: string, method = "PUT") =>
  buildRequest({
    method,
    target: "/files/a.txt",
    headers: authorization === undefined
      ? [["Host", "t"]]
      : [["Host", "t"], ["Authorization", authorization]],
  });

Deno.test("authGuard lets everything through when no credentials are configured", () => {
  const guard = authGuard(appConfig({ authAll: true }));
  assertEquals(guard(req(), "write"), null);
});

Deno.test("authGuard asks for Basic credentials on a write and accepts the right ones", () => {
  const guard = authGuard(appConfig({ auth: "alice:s3cret:with:colons" }));
  const refused = guard(req(), "write");
  assertEquals(refused?.status, 401);
  assertEquals(header(refused!, "www-authenticate"), 'Basic realm="wireserve", charset="UTF-8"');
  assertEquals(guard(req(basic("alice:s3cret:with:colons")), "write"), null);
  assertEquals(guard(req(`bAsIc ${basic("alice:s3cret:with:colons").slice(6)}`), "write"), null);
  for (
    const wrong of [basic("alice:s3cret"), basic("bob:s3cret:with:colons"), "Basic !!!", "Basic"]
  ) {
    assertEquals(guard(req(wrong), "write")?.status, 401, wrong);
  }
});

Deno.test("authGuard reads UTF-8 Basic credentials", () => {
  const guard = authGuard(appConfig({ auth: "zoë:pässwörd" }));
  assertEquals(guard(req(basic("zoë:pässwörd")), "write"), null);
});

Deno.test("authGuard accepts a Bearer token only when a token is configured", () => {
  const guard = authGuard(appConfig({ token: "tok-123" }));
  assertEquals(header(guard(req(), "write")!, "www-authenticate"), 'Bearer realm="wireserve"');
  assertEquals(guard(req("Bearer tok-123"), "write"), null);
  assertEquals(guard(req("Bearer tok-1234")!, "write")?.status, 401);
  assertEquals(guard(req(basic("x:tok-123")), "write")?.status, 401);
  const basicOnly = authGuard(appConfig({ auth: "a:b" }));
  assertEquals(basicOnly(req("Bearer a:b"), "write")?.status, 401);
});

Deno.test("authGuard offers both challenges and accepts either scheme when both are set", () => {
  const guard = authGuard(appConfig({ auth: "a:b", token: "t" }));
  assertEquals(
    header(guard(req(), "write")!, "www-authenticate"),
    'Basic realm="wireserve", charset="UTF-8", Bearer realm="wireserve"',
  );
  assertEquals(guard(req(basic("a:b")), "write"), null);
  assertEquals(guard(req("Bearer t"), "write"), null);
});

Deno.test("authGuard leaves reads open unless authAll", () => {
  assertEquals(authGuard(appConfig({ token: "t" }))(req(undefined, "GET"), "read"), null);
  assertEquals(
    authGuard(appConfig({ token: "t", authAll: true }))(req(undefined, "GET"), "read")?.status,
    401,
  );
});

Deno.test("requireAuthForAll guards every method but OPTIONS, and only under authAll", async () => {
  const inner = () => ({ status: 200 });
  const open = requireAuthForAll(appConfig({ token: "t" }), inner);
  assertEquals(open, inner);
  const guarded = requireAuthForAll(appConfig({ token: "t", authAll: true }), inner);
  assertEquals((await guarded(req(undefined, "GET"))).status, 401);
  assertEquals((await guarded(req(undefined, "OPTIONS"))).status, 200);
  assertEquals((await guarded(req("Bearer t", "GET"))).status, 200);
});

Deno.test("writesOpenWithoutAuth is true only for writable servers without credentials", () => {
  assertEquals(writesOpenWithoutAuth(appConfig()), true);
  assertEquals(writesOpenWithoutAuth(appConfig({ readOnly: true })), false);
  assertEquals(writesOpenWithoutAuth(appConfig({ auth: "a:b" })), false);
  assertEquals(writesOpenWithoutAuth(appConfig({ token: "t" })), false);
});

const uiReq = (authorization?: string) =>
  buildRequest({
    method: "PUT",
    target: "/files/a.txt",
    headers: [
      ["Host", "t"],
      ["X-Wireserve-UI", "1"],
      ...(authorization === undefined ? [] : [["Authorization", authorization]] as const),
    ] as Array<[string, string]>,
  });

Deno.test("authGuard challenges the web page with WireserveBasic, so no browser prompt opens", () => {
  const guard = authGuard(appConfig({ auth: "a:b" }));
  const refused = guard(uiReq(), "write")!;
  assertEquals(refused.status, 401);
  assertEquals(
    header(refused, "www-authenticate"),
    'WireserveBasic realm="wireserve", charset="UTF-8"',
  );
  assertEquals(header(refused, "vary"), "X-Wireserve-UI");
  // The page then signs in with plain Basic credentials.
  assertEquals(guard(uiReq(basic("a:b")), "write"), null);
  assertEquals(guard(uiReq(basic("a:x")), "write")?.status, 401);
  // Without the header nothing changes, but the 401 still says it varies by it.
  assertEquals(header(guard(req(), "write")!, "vary"), "X-Wireserve-UI");
});

Deno.test("authGuard keeps the Bearer challenge beside WireserveBasic for the web page", () => {
  const both = authGuard(appConfig({ auth: "a:b", token: "t" }));
  assertEquals(
    header(both(uiReq(), "write")!, "www-authenticate"),
    'WireserveBasic realm="wireserve", charset="UTF-8", Bearer realm="wireserve"',
  );
  const tokenOnly = authGuard(appConfig({ token: "t" }));
  assertEquals(
    header(tokenOnly(uiReq(), "write")!, "www-authenticate"),
    'Bearer realm="wireserve"',
  );
});

Deno.test("authGuard refuses credentials that are not one token68 (whitespace inside)", () => {
  const guard = authGuard(appConfig({ auth: "alice:s3cret", token: "tok123" }));
  // `YWxpY2U6czNjcmV0` is alice:s3cret: a base64 decoder would skip the inner space.
  assertEquals(guard(req("Basic YWxpY2U6czNjcmV0"), "write"), null);
  for (
    const split of ["Basic YWxp Y2U6czNjcmV0", "Basic YWxp\tY2U6czNjcmV0", "Bearer tok 123"]
  ) {
    assertEquals(guard(req(split), "write")?.status, 401, split);
  }
  assertEquals(guard(req("Bearer tok123"), "write"), null);
});

Deno.test("authGuard takes no no-break space (0xA0) for the OWS around credentials", () => {
  const guard = authGuard(appConfig({ auth: "alice:s3cret", token: "tok123" }));
  // OWS is SP and HTAB only (RFC 9110 §5.6.3): `String.trim` would also strip the NBSP.
  for (
    const nbsp of [
      "Basic \xA0YWxpY2U6czNjcmV0",
      "Basic YWxpY2U6czNjcmV0\xA0",
      "\xA0Basic YWxpY2U6czNjcmV0",
      "Basic\xA0YWxpY2U6czNjcmV0",
      "Bearer \xA0tok123",
      "Bearer tok123\xA0",
    ]
  ) {
    assertEquals(guard(req(nbsp), "write")?.status, 401, JSON.stringify(nbsp));
  }
  assertEquals(guard(req("Basic  YWxpY2U6czNjcmV0 "), "write"), null);
  assertEquals(guard(req("\tBearer tok123\t"), "write"), null);
});

Deno.test("authGuard refuses Basic credentials without their padding or with pad bits set", () => {
  const guard = authGuard(appConfig({ auth: "alice:pa:ss" }));
  // `YWxpY2U6cGE6c3M=` is alice:pa:ss, padded as RFC 7617 §2 (RFC 4648 §4) wants it.
  assertEquals(guard(req("Basic YWxpY2U6cGE6c3M="), "write"), null);
  for (
    const loose of ["Basic YWxpY2U6cGE6c3M", "Basic YWxpY2U6cGE6c3N=", "Basic YWxpY2U6cGE6c3M=="]
  ) {
    assertEquals(guard(req(loose), "write")?.status, 401, loose);
  }
});

Deno.test("requireAuthForEchoedOptions guards OPTIONS on any-method routes under authAll", async () => {
  const echo = { methods: [ANY_METHOD], path: "/inspect", handler: () => ({ status: 200 }) };
  const dav = {
    methods: ["OPTIONS", "PROPFIND"],
    path: "/files/*",
    handler: () => ({ status: 200 }),
  };
  const routes = [echo, dav];
  assertEquals(requireAuthForEchoedOptions(appConfig({ token: "t" }), routes), routes);
  const [guardedEcho, guardedDav] = requireAuthForEchoedOptions(
    appConfig({ token: "t", authAll: true }),
    routes,
  );
  assertEquals((await guardedEcho.handler(req(undefined, "OPTIONS"))).status, 401);
  assertEquals((await guardedEcho.handler(req("Bearer t", "OPTIONS"))).status, 200);
  assertEquals((await guardedEcho.handler(req(undefined, "POST"))).status, 200, "outer guard's");
  assertEquals(guardedDav, dav, "a route that names OPTIONS answers it as discovery");
});
