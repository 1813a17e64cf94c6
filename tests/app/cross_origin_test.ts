/** The cross-origin write rule (Go's CrossOriginProtection): a table, then the route wrapper. */

import { appConfig } from "../../src/app/app_config.ts";
import {
  CROSS_ORIGIN_REFUSAL,
  isCrossOriginWrite,
  withCrossOriginProtection,
} from "../../src/app/cross_origin.ts";
import type { Route } from "../../src/app/router.ts";
import { HeaderFields } from "../../src/http/header_fields.ts";
import { assertEquals } from "../support/assert.ts";
import { buildRequest } from "../support/request_builder.ts";

const HOST = "127.0.0.1:8000";

function fields(pairs: Array<[string, string]>): HeaderFields {
  const out = new HeaderFields();
  for (const [n, v] of pairs) out.add(n, v);
  return out;
}

/** [name, method, fields, refused] */
const CASES: Array<[string, string, Array<[string, string]>, boolean]> = [
  ["GET from another site passes (reads change nothing)", "GET", [
    ["Sec-Fetch-Site", "cross-site"],
    ["Origin", "https://evil.example"],
  ], false],
  ["HEAD from another site passes", "HEAD", [["Sec-Fetch-Site", "cross-site"]], false],
  ["OPTIONS from another site passes", "OPTIONS", [["Sec-Fetch-Site", "cross-site"]], false],
  ["no-cors POST from another site is refused", "POST", [
    ["Sec-Fetch-Site", "cross-site"],
    ["Origin", "https://evil.example"],
  ], true],
  ["same-site POST (another port) is refused", "PUT", [["Sec-Fetch-Site", "same-site"]], true],
  ["an unknown Sec-Fetch-Site value is refused", "PUT", [["Sec-Fetch-Site", "bogus"]], true],
  ["same-origin POST passes", "POST", [["Sec-Fetch-Site", "same-origin"]], false],
  ["a request the user made (none) passes", "DELETE", [["Sec-Fetch-Site", "none"]], false],
  // Sec-Fetch-Site decides alone when present: a matching Origin does not rescue a cross-site.
  ["Sec-Fetch-Site wins over a matching Origin", "POST", [
    ["Sec-Fetch-Site", "cross-site"],
    ["Origin", `http://${HOST}`],
  ], true],
  ["an Origin naming this host passes", "POST", [["Origin", `http://${HOST}`]], false],
  ["an Origin with another port is refused", "PUT", [["Origin", "http://127.0.0.1:9000"]], true],
  ["an Origin with another host is refused", "MKCOL", [["Origin", "https://evil.example"]], true],
  ["Origin: null is refused", "POST", [["Origin", "null"]], true],
  ["an Origin with a path is refused", "POST", [["Origin", `http://${HOST}/x`]], true],
  ["an Origin with userinfo is refused", "POST", [["Origin", `http://u@${HOST}`]], true],
  ["a WebDAV method from another site is refused", "PROPPATCH", [["Origin", "http://x"]], true],
  ["no Sec-Fetch-Site, no Origin (curl, rclone, davfs2) passes", "PUT", [], false],
  // No browser sends either field twice: the first line must not speak for a second one.
  ["two Origin lines are refused, this host first", "PUT", [
    ["Origin", `http://${HOST}`],
    ["Origin", "http://evil.example"],
  ], true],
  ["two Origin lines are refused even when both name this host", "PUT", [
    ["Origin", `http://${HOST}`],
    ["Origin", `http://${HOST}`],
  ], true],
  ["two Sec-Fetch-Site lines are refused, same-origin first", "POST", [
    ["Sec-Fetch-Site", "same-origin"],
    ["Sec-Fetch-Site", "cross-site"],
  ], true],
  ["two Sec-Fetch-Site lines are refused even when both say none", "DELETE", [
    ["Sec-Fetch-Site", "none"],
    ["Sec-Fetch-Site", "none"],
  ], true],
];

for (const [name, method, pairs, refused] of CASES) {
  Deno.test(`isCrossOriginWrite: ${name}`, () => {
    assertEquals(isCrossOriginWrite(method, fields(pairs), HOST, { cors: false }), refused);
  });
}

Deno.test("isCrossOriginWrite compares the host case-insensitively", () => {
  const origin = fields([["Origin", "http://files.example:8000"]]);
  assertEquals(isCrossOriginWrite("PUT", origin, "Files.Example:8000", { cors: false }), false);
});

Deno.test("isCrossOriginWrite refuses an Origin when the request names no host", () => {
  assertEquals(
    isCrossOriginWrite("PUT", fields([["Origin", "http://"]]), "", { cors: false }),
    true,
  );
  assertEquals(
    isCrossOriginWrite("PUT", fields([["Origin", "http://a"]]), "", { cors: false }),
    true,
  );
});

Deno.test("isCrossOriginWrite refuses nothing with --cors", () => {
  for (const [, method, pairs] of CASES) {
    assertEquals(isCrossOriginWrite(method, fields(pairs), HOST, { cors: true }), false);
  }
});

Deno.test("withCrossOriginProtection answers 403 and closes before the handler runs", async () => {
  let ran = 0;
  const routes: Route[] = [{
    methods: ["POST"],
    path: "/files/*",
    handler: () => {
      ran++;
      return { status: 201 };
    },
  }];
  const [route] = withCrossOriginProtection(appConfig(), routes);
  const res = await route.handler(buildRequest({
    method: "POST",
    target: "/files/a.txt",
    headers: [["Host", HOST], ["Sec-Fetch-Site", "cross-site"]],
    body: "evil",
  }));
  assertEquals([res.status, res.body, res.close, ran], [403, `${CROSS_ORIGIN_REFUSAL}\n`, true, 0]);
  const own = await route.handler(buildRequest({
    method: "POST",
    target: "/files/a.txt",
    headers: [["Host", HOST], ["Sec-Fetch-Site", "same-origin"]],
    body: "mine",
  }));
  assertEquals([own.status, ran], [201, 1]);
});

/** [name, method, fields, refused] under --cors, all from another site but where said. */
const CORS_CASES: Array<[string, string, Array<[string, string]>, boolean]> = [
  ["a form POST with remembered Basic credentials is refused", "POST", [
    ["Sec-Fetch-Site", "cross-site"],
    ["Sec-Fetch-Mode", "navigate"],
    ["Content-Type", "text/plain"],
    ["Authorization", "Basic YWxpY2U6cHc="],
    ["Upgrade-Insecure-Requests", "1"],
    ["Cache-Control", "max-age=0"],
  ], true],
  ["a urlencoded POST with Digest credentials is refused", "POST", [
    ["Origin", "https://evil.example"],
    ["Content-Type", "application/x-www-form-urlencoded; charset=UTF-8"],
    ["Authorization", 'Digest username="alice"'],
  ], true],
  ["a POST with no body type and Basic credentials is refused", "POST", [
    ["Sec-Fetch-Site", "same-site"],
    ["Authorization", "basic YWxpY2U6cHc="],
  ], true],
  ["a POST without credentials passes (--auth answers it)", "POST", [
    ["Sec-Fetch-Site", "cross-site"],
    ["Content-Type", "text/plain"],
  ], false],
  ["a Bearer token passes: only a page sets one, after asking", "POST", [
    ["Sec-Fetch-Site", "cross-site"],
    ["Content-Type", "text/plain"],
    ["Authorization", "Bearer t0ken"],
  ], false],
  ["a PUT passes: the browser asked first", "PUT", [
    ["Sec-Fetch-Site", "cross-site"],
    ["Authorization", "Basic YWxpY2U6cHc="],
  ], false],
  ["a JSON POST passes: the browser asked first", "POST", [
    ["Sec-Fetch-Site", "cross-site"],
    ["Content-Type", "application/json"],
    ["Authorization", "Basic YWxpY2U6cHc="],
  ], false],
  ["a POST with a field of its own passes (tus): the browser asked first", "POST", [
    ["Sec-Fetch-Site", "cross-site"],
    ["Tus-Resumable", "1.0.0"],
    ["Authorization", "Basic YWxpY2U6cHc="],
  ], false],
  ["the page's own POST passes", "POST", [
    ["Sec-Fetch-Site", "same-origin"],
    ["Content-Type", "text/plain"],
    ["Authorization", "Basic YWxpY2U6cHc="],
  ], false],
  ["curl's POST passes (no browser said where it came from)", "POST", [
    ["Content-Type", "application/x-www-form-urlencoded"],
    ["Authorization", "Basic YWxpY2U6cHc="],
  ], false],
];

for (const [name, method, pairs, refused] of CORS_CASES) {
  Deno.test(`isCrossOriginWrite with --cors: ${name}`, () => {
    assertEquals(isCrossOriginWrite(method, fields(pairs), HOST, { cors: true }), refused);
  });
}

Deno.test("withCrossOriginProtection under --cors refuses a form POST with remembered credentials", async () => {
  let ran = 0;
  const routes: Route[] = [{
    methods: ["POST", "PUT"],
    path: "/files/*",
    handler: () => {
      ran++;
      return { status: 201 };
    },
  }];
  const [route] = withCrossOriginProtection(appConfig({ cors: true }), routes);
  const ask = (method: string, type: string) =>
    route.handler(buildRequest({
      method,
      target: "/files/pwned.txt",
      headers: [
        ["Host", HOST],
        ["Sec-Fetch-Site", "cross-site"],
        ["Content-Type", type],
        ["Authorization", "Basic YWxpY2U6cHc="],
      ],
      body: "owned=by-evil-site",
    }));
  assertEquals([(await ask("POST", "text/plain")).status, ran], [403, 0]);
  assertEquals([(await ask("PUT", "text/plain")).status, ran], [201, 1]);
});
