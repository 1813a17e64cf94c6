/**
 * The router's decisions: 404, 405 with Allow, 501, OPTIONS, HEAD falling back to GET, prefixes.
 */

import { assertEquals } from "../support/assert.ts";
import { createRouter } from "../../src/app/router.ts";
import type { HttpRequest, HttpResponse } from "../../src/http/types.ts";

const ok = (body: string) => () => ({ status: 200, body }) as HttpResponse;
const router = createRouter([
  { methods: ["GET"], path: "/", handler: ok("root") },
  { methods: ["GET", "POST"], path: "/files/*", handler: ok("files") },
  { methods: ["GET"], path: "/files/special", handler: ok("special") },
]);

const req = (method: string, path: string, targetForm = "origin") =>
  ({ method, path, targetForm }) as unknown as HttpRequest;

async function call(method: string, path: string, form?: string) {
  const res = await router(req(method, path, form));
  const allow = res.headers?.find(([k]) => k === "Allow")?.[1];
  return { status: res.status, body: res.body, allow };
}

Deno.test("router answers an exact path and prefers it over a prefix", async () => {
  assertEquals((await call("GET", "/")).body, "root");
  assertEquals((await call("GET", "/files/special")).body, "special");
  assertEquals((await call("GET", "/files/a/b")).body, "files");
});

Deno.test("router gives 404 for an unknown path", async () => {
  assertEquals((await call("GET", "/nope")).status, 404);
});

Deno.test("router gives 405 with Allow for a known path and another method", async () => {
  const r = await call("DELETE", "/");
  assertEquals([r.status, r.allow], [405, "GET, HEAD, OPTIONS"]);
  const f = await call("PUT", "/files/x");
  assertEquals([f.status, f.allow], [405, "GET, POST, HEAD, OPTIONS"]);
});

Deno.test("router gives 501 for a method it does not implement", async () => {
  assertEquals((await call("BREW", "/")).status, 501);
  assertEquals((await call("get", "/")).status, 501, "methods are case-sensitive");
});

Deno.test("router serves HEAD with the GET handler", async () => {
  assertEquals((await call("HEAD", "/")).body, "root");
});

Deno.test("router answers OPTIONS with 204 and Allow", async () => {
  const r = await call("OPTIONS", "/files/x");
  assertEquals([r.status, r.allow], [204, "GET, POST, HEAD, OPTIONS"]);
  const star = await call("OPTIONS", "*", "asterisk");
  assertEquals(star.status, 204);
});

Deno.test("router hands any method token to an any-method route, and 501 elsewhere", async () => {
  const anyRouter = createRouter([
    { methods: ["*"], path: "/inspect", handler: ok("inspect") },
    { methods: ["GET"], path: "/", handler: ok("root") },
  ]);
  const res = await anyRouter(req("PROPFIND", "/inspect"));
  assertEquals([res.status, res.body], [200, "inspect"]);
  assertEquals((await anyRouter(req("PROPFIND", "/"))).status, 501);
  assertEquals((await anyRouter(req("PROPFIND", "/missing"))).status, 501);
});
