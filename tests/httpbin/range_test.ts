/** /range/<n>: single byte ranges, 206/416, If-Range. */

import { appConfig } from "../../src/app/app_config.ts";
import { parseSingleRange } from "../../src/httpbin/range.ts";
import { httpbinRoutes } from "../../src/httpbin/httpbin_routes.ts";
import { createRouter } from "../../src/app/router.ts";
import { assertEquals } from "../support/assert.ts";
import { bodyText, buildRequest, header } from "../support/request_builder.ts";

const app = createRouter(httpbinRoutes(appConfig({ maxGeneratedBytes: 200_000 })));
const call = (target: string, extra: Array<[string, string]> = [], method = "GET") =>
  app(buildRequest({ target, method, headers: [["Host", "t"], ...extra] }));

Deno.test("/range/<n> without Range sends the whole pattern", async () => {
  const res = await call("/range/30");
  assertEquals([res.status, header(res, "accept-ranges"), header(res, "etag")], [
    200,
    "bytes",
    '"range30"',
  ]);
  assertEquals(await bodyText(res.body), "abcdefghijklmnopqrstuvwxyzabcd");
});

const RANGES: Array<[string, number, string | null, string]> = [
  ["bytes=2-5", 206, "bytes 2-5/30", "cdef"],
  ["bytes=28-", 206, "bytes 28-29/30", "cd"],
  ["bytes=-3", 206, "bytes 27-29/30", "bcd"],
  ["bytes=25-100", 206, "bytes 25-29/30", "zabcd"],
  ["bytes=0-0", 206, "bytes 0-0/30", "a"],
  ["bytes=30-", 416, "bytes */30", ""],
  ["bytes=-0", 416, "bytes */30", ""],
  ["bytes=5-2", 200, null, "abcdefghijklmnopqrstuvwxyzabcd"],
  ["bytes=0-1,4-5", 200, null, "abcdefghijklmnopqrstuvwxyzabcd"],
  ["items=0-1", 200, null, "abcdefghijklmnopqrstuvwxyzabcd"],
  ["bytes=x-1", 200, null, "abcdefghijklmnopqrstuvwxyzabcd"],
];

for (const [range, status, contentRange, body] of RANGES) {
  Deno.test(`/range answers ${status} for Range ${range}`, async () => {
    const res = await call("/range/30", [["Range", range]]);
    assertEquals([res.status, header(res, "content-range") ?? null], [status, contentRange]);
    assertEquals(await bodyText(res.body), body);
  });
}

Deno.test("/range honours If-Range only when it matches the ETag", async () => {
  assertEquals(
    (await call("/range/30", [["Range", "bytes=0-1"], ["If-Range", '"range30"']])).status,
    206,
  );
  assertEquals(
    (await call("/range/30", [["Range", "bytes=0-1"], ["If-Range", '"other"']])).status,
    200,
  );
  assertEquals(
    (await call("/range/30", [["Range", "bytes=0-1"], ["If-Range", 'W/"range30"']])).status,
    200,
  );
});

Deno.test("/range streams a large slice with the right bytes", async () => {
  const res = await call("/range/200000", [["Range", "bytes=100000-199999"]]);
  const text = await bodyText(res.body);
  assertEquals([res.status, text.length, text.slice(0, 3)], [206, 100_000, "efg"]);
});

Deno.test("/range refuses a size over maxGeneratedBytes", async () => {
  assertEquals((await call("/range/200001")).status, 400);
});

Deno.test("parseSingleRange clamps the last byte to the size", () => {
  assertEquals(parseSingleRange("bytes=0-999", 10), { first: 0, last: 9 });
  assertEquals(parseSingleRange("bytes=-20", 10), { first: 0, last: 9 });
  assertEquals(parseSingleRange("bytes=0-", 0), "none");
});
