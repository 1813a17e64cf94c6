/** /cache, /cache/<n> and /etag/<etag> conditionals (RFC 9110 §13). */

import { appConfig } from "../../src/app/app_config.ts";
import { MAX_CACHE_SECONDS } from "../../src/httpbin/cache.ts";
import { httpbinRoutes } from "../../src/httpbin/httpbin_routes.ts";
import { createRouter } from "../../src/app/router.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { bodyJson, buildRequest, header } from "../support/request_builder.ts";

const app = createRouter(httpbinRoutes(appConfig()));
const call = (target: string, extra: Array<[string, string]> = [], method = "GET") =>
  app(buildRequest({ target, method, headers: [["Host", "t"], ...extra] }));

Deno.test("/cache answers 200 with Last-Modified and ETag when unconditional", async () => {
  const res = await call("/cache");
  assertEquals(res.status, 200);
  assert(header(res, "last-modified")?.endsWith(" GMT"));
  assert(/^"[0-9a-f]{32}"$/.test(header(res, "etag") ?? ""));
  assert(((await bodyJson(res.body)) as { url: string }).url.endsWith("/cache"));
});

Deno.test("/cache answers 304 to If-None-Match or If-Modified-Since", async () => {
  assertEquals((await call("/cache", [["If-None-Match", '"x"']])).status, 304);
  assertEquals(
    (await call("/cache", [["If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"]])).status,
    304,
  );
});

Deno.test("/cache answers 304 to GET and HEAD only: another method ignores If-Modified-Since, and If-None-Match is 412", async () => {
  const since: Array<[string, string]> = [["If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"]];
  assertEquals((await call("/cache", since, "HEAD")).status, 304);
  for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
    assertEquals((await call("/cache", since, method)).status, 200, method);
    assertEquals((await call("/cache", [["If-None-Match", '"x"']], method)).status, 412, method);
  }
});

Deno.test("/cache/<n> sets public max-age and refuses bad or huge values", async () => {
  assertEquals(header(await call("/cache/60"), "cache-control"), "public, max-age=60");
  assertEquals((await call(`/cache/${MAX_CACHE_SECONDS}`)).status, 200);
  assertEquals((await call(`/cache/${MAX_CACHE_SECONDS + 1}`)).status, 400);
  assertEquals((await call("/cache/-1")).status, 400);
});

Deno.test("/etag/<etag> answers 200 with the strong tag", async () => {
  const res = await call("/etag/abc");
  assertEquals([res.status, header(res, "etag")], [200, '"abc"']);
});

const CONDITIONALS: Array<[string, Array<[string, string]>, string, number]> = [
  ["If-None-Match matching", [["If-None-Match", '"abc"']], "GET", 304],
  ["If-None-Match matching weakly", [["If-None-Match", 'W/"abc"']], "GET", 304],
  ["If-None-Match in a list", [["If-None-Match", '"x", "abc"']], "GET", 304],
  ["If-None-Match *", [["If-None-Match", "*"]], "GET", 304],
  ["If-None-Match not matching", [["If-None-Match", '"zzz"']], "GET", 200],
  ["If-None-Match malformed (ignored)", [["If-None-Match", "abc"]], "GET", 200],
  ["If-Match matching", [["If-Match", '"abc"']], "GET", 200],
  ["If-Match *", [["If-Match", "*"]], "GET", 200],
  ["If-Match not matching", [["If-Match", '"zzz"']], "GET", 412],
  ["If-Match weak (strong comparison fails)", [["If-Match", 'W/"abc"']], "GET", 412],
  ["If-Match malformed", [["If-Match", "abc"]], "GET", 412],
  [
    "If-Match failing before If-None-Match",
    [["If-Match", '"zzz"'], ["If-None-Match", '"abc"']],
    "GET",
    412,
  ],
];

for (const [why, headers, method, status] of CONDITIONALS) {
  Deno.test(`/etag answers ${status} for ${why}`, async () => {
    const res = await call("/etag/abc", headers, method);
    assertEquals(res.status, status);
    assertEquals(header(res, "etag"), '"abc"');
  });
}

Deno.test("/etag refuses a tag with quotes or spaces", async () => {
  assertEquals((await call("/etag/a%22b")).status, 400);
  assertEquals((await call("/etag/a%20b")).status, 400);
});

Deno.test("/etag and /cache/<n> answer 404 for a missing or an extra path segment", async () => {
  for (const target of ["/etag/foo/bar", "/etag/", "/cache/10/x"]) {
    assertEquals((await call(target)).status, 404, target);
  }
});

Deno.test("/cache takes an empty If-None-Match or If-Modified-Since as absent, as go-httpbin", async () => {
  // go-httpbin asks `Header.Get(…) != ""`: an empty field is no condition, so 200.
  assertEquals((await call("/cache", [["If-None-Match", ""]])).status, 200);
  assertEquals((await call("/cache", [["If-Modified-Since", ""]])).status, 200);
  assertEquals((await call("/cache", [["If-None-Match", ""]], "HEAD")).status, 200);
  assertEquals((await call("/cache", [["If-None-Match", ""]], "POST")).status, 200);
  // A value still counts, for GET (304) and for other methods (412).
  assertEquals((await call("/cache", [["If-None-Match", '"x"']])).status, 304);
  assertEquals((await call("/cache", [["If-None-Match", '"x"']], "POST")).status, 412);
});
