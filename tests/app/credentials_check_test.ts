/**
 * `GET /api/credentials`: the web UI's check of its sign-in, answered without changing anything.
 */

import { assertEquals } from "../support/assert.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { CREDENTIALS_PATH, credentialsCheckHandler } from "../../src/app/credentials_check.ts";
import { createApp } from "../../src/app/routes.ts";
import { buildRequest, header } from "../support/request_builder.ts";

const basic = (userPass: string) => `Basic ${new TextEncoder().encode(userPass).toBase64()}`;
const get = (headers: Array<[string, string]> = []) =>
  buildRequest({ method: "GET", target: CREDENTIALS_PATH, headers: [["Host", "t"], ...headers] });

Deno.test("the credentials check answers 204 to credentials the server takes for writes", () => {
  const check = credentialsCheckHandler(appConfig({ auth: "alice:s3cret", token: "tok" }));
  for (const value of [basic("alice:s3cret"), "Bearer tok"]) {
    const res = check(get([["Authorization", value]]));
    assertEquals(res.status, 204, value);
    assertEquals(header(res, "cache-control"), "no-store");
  }
});

Deno.test("the credentials check answers 401 to wrong or missing credentials when reads are open", () => {
  const check = credentialsCheckHandler(appConfig({ auth: "alice:s3cret" }));
  assertEquals(check(get()).status, 401);
  assertEquals(check(get([["Authorization", basic("alice:wrong")]])).status, 401);
  // The page's request gets the challenge no browser opens its own prompt for.
  const fromUi = check(get([["X-Wireserve-UI", "1"], ["Authorization", basic("alice:nope")]]));
  assertEquals(header(fromUi, "www-authenticate")?.startsWith("WireserveBasic "), true);
});

Deno.test("the credentials check passes everything when no credentials are configured", () => {
  assertEquals(credentialsCheckHandler(appConfig({}))(get()).status, 204);
});

Deno.test("GET /api/credentials is routed, under --auth-all too", async () => {
  for (const authAll of [false, true]) {
    const app = createApp(appConfig({ auth: "alice:s3cret", authAll }));
    assertEquals((await app(get([["Authorization", basic("alice:wrong")]]))).status, 401);
    assertEquals((await app(get([["Authorization", basic("alice:s3cret")]]))).status, 204);
  }
});
