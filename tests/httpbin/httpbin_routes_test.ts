/** The httpbin route table's methods, held against go-httpbin's `httpbin.go` mux. */

import { appConfig } from "../../src/app/app_config.ts";
import { createRouter } from "../../src/app/router.ts";
import { httpbinRoutes } from "../../src/httpbin/httpbin_routes.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { bodyBytes, buildRequest, header } from "../support/request_builder.ts";

const app = createRouter(httpbinRoutes(appConfig()));

/**
 * A request to each route go-httpbin registers without a method, and the status go-httpbin
 * answers it with whatever the method.
 */
const ANY_METHOD_ROUTES: Array<[target: string, status: number]> = [
  ["/absolute-redirect/2", 302],
  ["/relative-redirect/2", 302],
  ["/redirect/2", 302],
  ["/redirect-to?url=/get", 302],
  ["/base64/aGk=", 200],
  ["/basic-auth/u/p", 401],
  ["/hidden-basic-auth/u/p", 404],
  ["/bearer", 401],
  ["/bytes/4", 200],
  ["/stream-bytes/4", 200],
  ["/cache", 200],
  ["/cache/10", 200],
  ["/etag/abc", 200],
  ["/range/4", 200],
  ["/cookies", 200],
  ["/cookies/set?a=1", 302],
  ["/cookies/delete?a", 302],
  ["/deflate", 200],
  ["/gzip", 200],
  ["/brotli", 200],
  ["/delay/0", 200],
  ["/drip?duration=0&numbytes=1", 200],
  ["/headers", 200],
  ["/ip", 200],
  ["/hostname", 200],
  ["/version", 200],
  ["/env", 200],
  ["/image", 200],
  ["/image/png", 200],
  ["/json", 200],
  ["/xml", 200],
  ["/html", 200],
  ["/robots.txt", 200],
  ["/deny", 200],
  ["/links/3", 302],
  ["/links/3/0", 200],
  ["/response-headers?x=1", 200],
  ["/sse?count=1&duration=1ms", 200],
  ["/stream/1", 200],
  ["/jsonl?count=1", 200],
  ["/status/201", 201],
  ["/unstable?failure_rate=0", 200],
  ["/uuid", 200],
  ["/trailers", 200],
];

for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
  Deno.test(`go-httpbin's any-method routes answer ${method} as they answer GET`, async () => {
    for (const [target, status] of ANY_METHOD_ROUTES) {
      const res = await app(buildRequest({ method, target, headers: [["Host", "t"]] }));
      assertEquals([target, res.status], [target, status]);
      await bodyBytes(res.body); // a stream left unread would hold its timers
    }
  });
}

Deno.test("a redirect chain answered to a POST sends the client on to the next hop", async () => {
  // The redirect-following test of many HTTP clients: POST, then 302 → GET.
  const res = await app(buildRequest({ method: "POST", target: "/redirect/2" }));
  assertEquals([res.status, header(res, "location")], [302, "/relative-redirect/1"]);
});

Deno.test("the body routes' 405 to GET and HEAD and their OPTIONS name the same methods", async () => {
  // Under the web root's catch-all GET, as in the app.
  const withWebRoot = createRouter([
    { methods: ["GET"], path: "/*", handler: () => ({ status: 404 }) },
    ...httpbinRoutes(appConfig()),
  ]);
  for (const [target, method] of [["/post", "POST"], ["/put", "PUT"], ["/patch", "PATCH"]]) {
    const allow = `${method}, OPTIONS`;
    for (const asked of ["GET", "HEAD"]) {
      const res = await withWebRoot(buildRequest({ method: asked, target }));
      assertEquals([target, asked, res.status, header(res, "allow")], [target, asked, 405, allow]);
    }
    const options = await withWebRoot(buildRequest({ method: "OPTIONS", target }));
    assertEquals([target, options.status, header(options, "allow")], [target, 204, allow]);
  }
  const del = await withWebRoot(buildRequest({ method: "OPTIONS", target: "/delete" }));
  assertEquals(header(del, "allow"), "DELETE, OPTIONS");
});

Deno.test("the GET-only routes of go-httpbin still answer 405 to POST", async () => {
  for (const target of ["/get", "/encoding/utf8", "/forms/post"]) {
    const res = await app(buildRequest({ method: "POST", target }));
    assertEquals([target, res.status, header(res, "allow")], [target, 405, "GET, HEAD, OPTIONS"]);
  }
});

Deno.test('an empty optional parameter means its default, as go-httpbin\'s q.Get(x) != ""', async () => {
  const targets: Array<[string, number]> = [
    ["/unstable?failure_rate=&seed=", 0],
    ["/drip?numbytes=&code=&delay=&duration=0", 200],
    ["/redirect-to?url=/get&status_code=", 302],
    ["/stream-bytes/5?chunk_size=", 200],
    ["/bytes/5?seed=", 200],
    ["/sse?count=&delay=&jitter=&duration=0.1", 200],
    ["/jsonl?count=&duration=&delay=&jitter=", 200],
    ["/base64/aGk=?content-type=", 200],
    ["/range/5?duration=", 200],
  ];
  for (const [target, status] of targets) {
    const res = await app(buildRequest({ target }));
    await bodyBytes(res.body);
    // /unstable answers 200 or 500 at random: what matters is that it is not 400.
    if (status === 0) assert(res.status === 200 || res.status === 500, `${target}: ${res.status}`);
    else assertEquals([target, res.status], [target, status]);
  }
  const base64 = await app(buildRequest({ target: "/base64/aGk=?content-type=" }));
  assertEquals(header(base64, "content-type"), "text/plain; charset=utf-8");
});

/**
 * Every count in a path, read as go-httpbin reads it (Go's Atoi): a leading `+` is accepted by
 * each route alike, a `-` count is refused where a negative makes no sense.
 */
const PLUS_COUNTS: Array<[target: string, status: number, check?: [field: string, value: string]]> =
  [
    ["/bytes/+5", 200],
    ["/stream-bytes/+5", 200],
    ["/redirect/+1", 302, ["location", "/get"]],
    ["/absolute-redirect/+1", 302],
    ["/relative-redirect/+1", 302, ["location", "/get"]],
    ["/links/+3", 302, ["location", "/links/3/0"]],
    ["/cache/+5", 200, ["cache-control", "public, max-age=5"]],
    ["/status/+200", 200],
    ["/stream/+3", 200],
    ["/range/+5", 200],
    ["/drip?numbytes=1&duration=0&code=%2B201", 201],
  ];

for (const [target, status, check] of PLUS_COUNTS) {
  Deno.test(`${target} accepts the leading + as go-httpbin`, async () => {
    const res = await app(buildRequest({ target }));
    assertEquals(res.status, status);
    if (check !== undefined) assertEquals(header(res, check[0]), check[1]);
    if (target.startsWith("/bytes") || target.startsWith("/stream-bytes")) {
      assertEquals((await bodyBytes(res.body)).length, 5);
    }
  });
}

// The same counts with the `+` percent-encoded: go-httpbin reads the decoded path, so `%2B5` is
// `+5` on every route, not only on /status.
for (const [target, status, check] of PLUS_COUNTS.filter(([t]) => !t.includes("?"))) {
  const encoded = target.replace("+", "%2B");
  Deno.test(`${encoded} reads the count from the decoded segment as go-httpbin`, async () => {
    const res = await app(buildRequest({ target: encoded }));
    assertEquals(res.status, status);
    if (check !== undefined) assertEquals(header(res, check[0]), check[1]);
    await bodyBytes(res.body);
  });
}

Deno.test("a link offset is read from the decoded segment too, and a malformed escape is refused", async () => {
  const page = await app(buildRequest({ target: "/links/3/%2B1" }));
  assertEquals(page.status, 200);
  assert(
    new TextDecoder().decode(await bodyBytes(page.body)).includes('<a href="/links/3/0">0</a> 1 '),
  );
  for (const target of ["/bytes/%2", "/redirect/%zz1", "/stream/%2B%", "/range/%"]) {
    const res = await app(buildRequest({ target }));
    await bodyBytes(res.body);
    assertEquals([target, res.status], [target, 400]);
  }
});

Deno.test("path counts refuse a negative value or a doubled sign", async () => {
  for (
    const target of ["/bytes/-5", "/stream-bytes/++5", "/links/-1", "/cache/-5", "/status/--200"]
  ) {
    assertEquals((await app(buildRequest({ target }))).status, 400, target);
  }
});

Deno.test("a count past 2^53 is refused with the bound in words, never 'Infinity'", async () => {
  const huge = "9".repeat(25);
  for (
    const target of [
      `/redirect/${huge}`,
      `/sse?count=${huge}`,
      `/drip?numbytes=${huge}`,
      `/drip?code=${huge}`,
      `/status/${huge}`,
      `/range/${huge}`,
      `/bytes/${huge}`,
      `/cache/${huge}`,
    ]
  ) {
    const res = await app(buildRequest({ target }));
    const text = new TextDecoder().decode(await bodyBytes(res.body));
    assertEquals(res.status, 400, target);
    assert(!text.includes("Infinity") && text.includes("or more"), `${target}: ${text}`);
  }
});
