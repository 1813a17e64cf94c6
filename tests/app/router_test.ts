/**
 * The router's decisions: 404, 405 with Allow, 501, OPTIONS, HEAD falling back to GET, prefixes.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { allowAt, createRouter, type Route } from "../../src/app/router.ts";
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
  assertEquals((await anyRouter(req("REPORT", "/"))).status, 501);
  assertEquals((await anyRouter(req("REPORT", "/missing"))).status, 501);
  // TRACE is a method the server knows: 405 with Allow, not 501.
  const trace = await anyRouter(req("TRACE", "/"));
  const allow = trace.headers?.find(([k]) => k === "Allow")?.[1];
  assertEquals([trace.status, allow], [405, "GET, HEAD, OPTIONS"]);
});

Deno.test("router refuses TRACE even where any method is taken, and lists it nowhere", async () => {
  // A TRACE echo would hand Authorization and Cookie back (RFC 9110 §9.3.8; cross-site tracing).
  const anyRouter = createRouter([
    { methods: ["*"], path: "/inspect", handler: ok("inspect") },
    { methods: ["GET"], path: "/", handler: ok("root") },
  ]);
  const trace = await anyRouter(req("TRACE", "/inspect"));
  const allow = trace.headers?.find(([k]) => k === "Allow")?.[1] ?? "";
  assertEquals(trace.status, 405);
  assertEquals([allow.includes("PROPFIND"), allow.includes("TRACE")], [true, false]);
  // Each method once (RFC 9110 §10.2.1): OPTIONS and HEAD are not listed twice.
  const listed = allow.split(", ");
  assertEquals(listed.length, new Set(listed).size, allow);
  assertEquals(listed.at(-1), "OPTIONS");
  const star = await anyRouter(req("OPTIONS", "*", "asterisk"));
  const starAllow = star.headers?.find(([k]) => k === "Allow")?.[1] ?? "";
  assertEquals([starAllow.includes("GET"), starAllow.includes("TRACE")], [true, false]);
});

/** Distinct handlers, so every answer says which route took the request. */
const memoRouter = createRouter([
  { methods: ["GET"], path: "/", handler: ok("root") },
  { methods: ["GET"], path: "/echo/*", handler: ok("echo") },
  { methods: ["GET"], path: "/files/*", handler: ok("files") },
  { methods: ["GET"], path: "/files/special", handler: ok("special") },
]);

/** [path, status, body (undefined for the router's own 404 text)], in the order sent. */
const ALTERNATING: Array<[string, number, string | undefined]> = [
  ["/echo/x", 200, "echo"],
  ["/files/", 200, "files"],
  ["/", 200, "root"],
  ["/unknown/deep/path", 404, undefined],
  ["/echo/x", 200, "echo"],
  ["/echo/x", 200, "echo"],
  ["/files/special", 200, "special"],
  ["/files/specials", 200, "files"],
  ["/files", 404, undefined],
  ["/files/", 200, "files"],
  ["/files", 404, undefined],
  ["/unknown/deep/path", 404, undefined],
  ["/", 200, "root"],
  ["/echo", 404, undefined],
  ["/echo/", 200, "echo"],
];

Deno.test("router routes each path right when paths alternate and repeat (no stale memo)", async () => {
  for (const [i, [path, status, body]] of ALTERNATING.entries()) {
    const r = await memoRouter(req("GET", path));
    assertEquals(r.status, status, `#${i} ${path}`);
    if (body !== undefined) assertEquals(r.body, body, `#${i} ${path}`);
  }
});

Deno.test("router answers a repeated path per method, not per the last answer", async () => {
  assertEquals((await memoRouter(req("GET", "/"))).status, 200);
  assertEquals((await memoRouter(req("POST", "/"))).status, 405);
  assertEquals((await memoRouter(req("GET", "/"))).body, "root");
});

const nested = createRouter([
  { methods: ["GET"], path: "/*", handler: ok("catch-all") },
  { methods: ["GET"], path: "/a/*", handler: ok("a") },
  { methods: ["GET"], path: "/a/b/*", handler: ok("a/b") },
  { methods: ["GET"], path: "/ab*", handler: ok("ab") },
]);

/** [path, the route that must take it]. */
const NESTED: Array<[string, string]> = [
  ["/a/b/c", "a/b"],
  ["/a/c", "a"],
  ["/a/b/", "a/b"],
  ["/a/b", "a"],
  ["/a/", "a"],
  ["/a", "catch-all"],
  ["/a/bc", "a"],
  ["/ab", "ab"],
  ["/abc/d", "ab"],
  ["/b/a/b/c", "catch-all"],
  ["/", "catch-all"],
];

for (const [path, body] of NESTED) {
  Deno.test(`router gives ${path} to the ${body} route when prefixes nest`, async () => {
    assertEquals((await nested(req("GET", path))).body, body);
  });
}

Deno.test("router gives nested prefixes the longest match when paths alternate", async () => {
  for (const [path, body] of [...NESTED, ...NESTED.toReversed()]) {
    assertEquals((await nested(req("GET", path))).body, body, path);
  }
});

Deno.test("router gives 404 to a path without the trailing slash of a prefix route", async () => {
  // No catch-all: "/files" is not under "/files/" and must not borrow its routes.
  const r = createRouter([{ methods: ["GET"], path: "/files/*", handler: ok("files") }]);
  assertEquals((await r(req("GET", "/files/"))).body, "files");
  assertEquals((await r(req("GET", "/files"))).status, 404);
  assertEquals((await r(req("GET", "/files/"))).body, "files");
});

Deno.test("router hands a request to a route with `when` only if it accepts it", async () => {
  const claimed = createRouter([
    {
      methods: ["POST"],
      path: "/files/*",
      when: (r) => r.query === "tus",
      handler: ok("resumable"),
    },
    { methods: ["GET", "POST"], path: "/files/*", handler: ok("upload") },
  ]);
  const post = (query: string) =>
    claimed({ method: "POST", path: "/files/a", query, targetForm: "origin" } as HttpRequest);
  assertEquals((await post("tus")).body, "resumable");
  assertEquals((await post("")).body, "upload");
});

Deno.test("router knows every method of its routes: 405 elsewhere, not 501", async () => {
  const dav = createRouter([
    { methods: ["GET"], path: "/*", handler: ok("root") },
    { methods: ["REPORT"], path: "/files/*", handler: ok("dav") },
  ]);
  assertEquals((await dav(req("REPORT", "/files/a"))).body, "dav");
  assertEquals((await dav(req("REPORT", "/other"))).status, 405);
  assertEquals((await dav(req("BREW", "/other"))).status, 501);
  assertEquals((await dav(req("MOVE", "/other"))).status, 405, "WebDAV's methods are known");
  const star = await dav(req("OPTIONS", "*", "asterisk"));
  assert(star.headers?.find(([k]) => k === "Allow")?.[1].includes("REPORT"));
});

Deno.test("an exact line adds methods to a path without hiding the prefix's", async () => {
  const both = createRouter([
    { methods: ["GET"], path: "/*", handler: ok("web root") },
    { methods: ["OPTIONS"], path: "/", handler: ok("dav options") },
    { methods: ["*"], path: "/inspect", handler: ok("inspect") },
  ]);
  assertEquals((await both(req("GET", "/"))).body, "web root");
  assertEquals((await both(req("OPTIONS", "/"))).body, "dav options");
  assertEquals((await both(req("GET", "/inspect"))).body, "inspect", "any-method takes it whole");
});

Deno.test("an exact line hides a shorter prefix: its 405 and OPTIONS list the same methods", async () => {
  const table = createRouter([
    { methods: ["GET"], path: "/*", handler: ok("web root") },
    { methods: ["POST"], path: "/post", handler: ok("post") },
  ]);
  const get = await table(req("GET", "/post"));
  const head = await table(req("HEAD", "/post"));
  const options = await table(req("OPTIONS", "/post"));
  const allow = (res: HttpResponse) => res.headers?.find(([k]) => k === "Allow")?.[1];
  assertEquals([get.status, allow(get)], [405, "POST, OPTIONS"]);
  assertEquals([head.status, allow(head)], [405, "POST, OPTIONS"]);
  assertEquals([options.status, allow(options)], [204, "POST, OPTIONS"]);
  assertEquals((await table(req("GET", "/other"))).body, "web root");
});

/** A share as the app builds it under --read-only: reads, a `when` claim, refusals, DAV. */
function readOnlyShare(optionsAnswer: () => HttpResponse | Promise<HttpResponse>): Route[] {
  return [
    { methods: ["GET"], path: "/files/*", handler: ok("read") },
    // Part of POST (an archive of a selection) claimed before the uploads' line.
    { methods: ["POST"], path: "/files/*", when: (r) => r.query === "zip", handler: ok("zip") },
    // Routed only to be refused (403): not offered.
    {
      methods: ["POST", "PUT", "DELETE"],
      path: "/files/*",
      handler: ok("refused"),
      unlisted: true,
    },
    { methods: ["PROPFIND", "OPTIONS"], path: "/files/*", handler: ok("dav") },
    { methods: ["LOCK"], path: "/files/*", handler: ok("refused"), unlisted: true },
    { methods: ["OPTIONS"], path: "/files/*", handler: optionsAnswer },
  ];
}

Deno.test("unlisted and `when` lines answer, but Allow lists neither: 405 and OPTIONS agree", async () => {
  const table = createRouter(
    readOnlyShare(() => ({ status: 200, headers: [["DAV", "1"]] }) as HttpResponse),
  );
  const post = (query: string) =>
    table({ method: "POST", path: "/files/a", query, targetForm: "origin" } as HttpRequest);
  assertEquals((await post("zip")).body, "zip");
  assertEquals((await post("")).body, "refused");
  assertEquals((await table(req("PUT", "/files/a"))).body, "refused");
  assertEquals((await table(req("LOCK", "/files/a"))).body, "refused");
  const patch = await table(req("PATCH", "/files/a"));
  const options = await table(req("OPTIONS", "/files/a"));
  const allow = (res: HttpResponse) => res.headers?.find(([k]) => k === "Allow")?.[1];
  assertEquals([patch.status, allow(patch)], [405, "GET, PROPFIND, HEAD, OPTIONS"]);
  assertEquals(allow(options), allow(patch));
});

Deno.test("an OPTIONS a line answers carries the router's Allow, not the handler's", async () => {
  for (const sync of [true, false]) {
    const answer = (): HttpResponse => ({
      status: 200,
      headers: [["DAV", "1"], ["Allow", "OPTIONS, GET, PUT, DELETE"]],
    });
    const table = createRouter([
      { methods: ["GET"], path: "/files/*", handler: ok("read") },
      { methods: ["PUT"], path: "/files/*", handler: ok("refused"), unlisted: true },
      {
        methods: ["OPTIONS"],
        path: "/files/*",
        handler: sync ? answer : () => Promise.resolve(answer()),
      },
    ]);
    const res = await table(req("OPTIONS", "/files/a"));
    const allows = res.headers?.filter(([k]) => k.toLowerCase() === "allow");
    assertEquals([res.status, allows], [200, [["Allow", "GET, HEAD, OPTIONS"]]], `sync ${sync}`);
    assertEquals(res.headers?.find(([k]) => k === "DAV")?.[1], "1", "its own fields stay");
  }
});

Deno.test("allowAt gives a path the Allow the router built from the same lines gives it", async () => {
  const routes = readOnlyShare(() => ({ status: 200 }) as HttpResponse);
  const table = createRouter(routes);
  const patch = await table(req("PATCH", "/files/a"));
  const allow = patch.headers?.find(([k]) => k === "Allow")?.[1];
  assertEquals(allowAt(routes, "/files/"), allow);
  assertEquals(allowAt(routes, "/files/a/b"), "GET, PROPFIND, HEAD, OPTIONS");
});
