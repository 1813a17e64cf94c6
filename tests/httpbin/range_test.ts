/** /range/<n>: byte ranges as Go's ServeContent answers them (206, multipart, 416), If-Range. */

import { appConfig } from "../../src/app/app_config.ts";
import { MAX_RANGES, parseByteRanges } from "../../src/httpbin/range_spec.ts";
import type { StreamBody } from "../../src/http/types.ts";
import { httpbinRoutes } from "../../src/httpbin/httpbin_routes.ts";
import { createRouter } from "../../src/app/router.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { bodyText, buildRequest, header } from "../support/request_builder.ts";

const app = createRouter(
  httpbinRoutes(appConfig({ maxGeneratedBytes: 200_000, maxDelaySeconds: 1 })),
);
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

const WHOLE = "abcdefghijklmnopqrstuvwxyzabcd";
const RANGES: Array<[string, number, string | null, string]> = [
  ["bytes=2-5", 206, "bytes 2-5/30", "cdef"],
  ["bytes=28-", 206, "bytes 28-29/30", "cd"],
  ["bytes=-3", 206, "bytes 27-29/30", "bcd"],
  ["bytes=25-100", 206, "bytes 25-29/30", "zabcd"],
  ["bytes=0-0", 206, "bytes 0-0/30", "a"],
  ["bytes=40-50, 2-3", 206, "bytes 2-3/30", "cd"],
  // Go's ServeContent texts for a 416.
  ["bytes=30-", 416, "bytes */30", "invalid range: failed to overlap\n"],
  ["bytes=-0", 416, "bytes */30", "invalid range: failed to overlap\n"],
  ["bytes=5-2", 416, null, "invalid range\n"],
  ["bytes=x-1", 416, null, "invalid range\n"],
  ["bytes=0-1,7", 416, null, "invalid range\n"],
  ["items=0-1", 200, null, WHOLE],
  // The bytes unit without `=` right after it is no ranges-specifier: malformed, 416 as Go.
  ["bytes = 0-4", 416, null, "invalid range\n"],
  ["BYTES\t=0-4", 416, null, "invalid range\n"],
  ["bytes", 416, null, "invalid range\n"],
  ["bytesx=0-4", 200, null, WHOLE],
  ["bytes=", 200, null, WHOLE],
  // Overlaps adding up to more than the body: Go sends it whole.
  ["bytes=0-20,10-29", 200, null, WHOLE],
  // Go's textproto.TrimString takes SP and HTAB off, never a no-break space (0xA0).
  ["bytes= 2 -\t5\t", 206, "bytes 2-5/30", "cdef"],
  ["bytes=2-5\xA0", 416, null, "invalid range\n"],
  ["bytes=\xA02-5", 416, null, "invalid range\n"],
  ["bytes=2\xA0-5", 416, null, "invalid range\n"],
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

Deno.test("/range honours If-None-Match (304) and If-Match (412) as ServeContent does", async () => {
  const notModified = await call("/range/26", [["If-None-Match", '"range26"']]);
  assertEquals(
    [notModified.status, header(notModified, "etag"), header(notModified, "content-type")],
    [304, '"range26"', undefined],
  );
  assertEquals(notModified.body, undefined);
  assertEquals((await call("/range/26", [["If-None-Match", "*"]], "HEAD")).status, 304);
  assertEquals((await call("/range/26", [["If-None-Match", '"other"']])).status, 200);
  // §13.2.2 step 3: a failed If-None-Match on another method is 412.
  assertEquals((await call("/range/26", [["If-None-Match", '"range26"']], "POST")).status, 412);
  const failed = await call("/range/26", [["If-Match", '"nope"'], ["Range", "bytes=0-1"]]);
  assertEquals([failed.status, header(failed, "etag")], [412, '"range26"']);
  const matched = await call("/range/26", [["If-Match", '"range26"'], ["Range", "bytes=0-1"]]);
  assertEquals(matched.status, 206);
});

Deno.test("/range streams a large slice with the right bytes", async () => {
  const res = await call("/range/200000", [["Range", "bytes=100000-199999"]]);
  const text = await bodyText(res.body);
  assertEquals([res.status, text.length, text.slice(0, 3)], [206, 100_000, "efg"]);
});

Deno.test("/range refuses a size over maxGeneratedBytes", async () => {
  assertEquals((await call("/range/200001")).status, 400);
});

Deno.test("/range answers several ranges with 206 multipart/byteranges, in order", async () => {
  // go-httpbin's ok_multiple_ranges case.
  const res = await call("/range/100", [["Range", "bytes=10-24, 50-64"]]);
  assertEquals(res.status, 206);
  assertEquals([header(res, "etag"), header(res, "accept-ranges")], ['"range100"', "bytes"]);
  assertEquals(header(res, "content-range"), undefined);
  const type = header(res, "content-type")!;
  const boundary = /^multipart\/byteranges; boundary=([0-9a-f]{60})$/.exec(type)?.[1];
  assert(boundary !== undefined, type);
  const body = res.body as StreamBody;
  const text = await bodyText(body);
  assertEquals(body.length, new TextEncoder().encode(text).length);
  assertEquals(
    text,
    `--${boundary}\r\nContent-Range: bytes 10-24/100\r\n` +
      `Content-Type: application/octet-stream\r\n\r\nklmnopqrstuvwxy\r\n` +
      `--${boundary}\r\nContent-Range: bytes 50-64/100\r\n` +
      `Content-Type: application/octet-stream\r\n\r\nyzabcdefghijklm\r\n--${boundary}--\r\n`,
  );
});

Deno.test("/range sends the whole body for more than MAX_RANGES ranges", async () => {
  const many = Array.from({ length: MAX_RANGES + 1 }, (_, i) => `${i}-${i}`).join(",");
  const res = await call("/range/30", [["Range", `bytes=${many}`]]);
  assertEquals([res.status, await bodyText(res.body)], [200, WHOLE]);
  const most = Array.from({ length: MAX_RANGES }, (_, i) => `${i}-${i}`).join(",");
  const ok = await call("/range/30", [["Range", `bytes=${most}`]]);
  assertEquals(ok.status, 206);
  await bodyText(ok.body);
});

Deno.test("/range refuses a size below 1 with 400, as go-httpbin", async () => {
  for (const n of ["0", "-1", "-0", "1.5", "foo"]) {
    assertEquals((await call(`/range/${n}`)).status, 400, n);
  }
  assertEquals(await bodyText((await call("/range/+3")).body), "abc");
});

Deno.test("/range spreads the bytes sent over ?duration=, in proportion", async () => {
  // go-httpbin's case: 15 of 100 bytes with duration=100ms take at least 15 ms.
  const start = performance.now();
  const res = await call("/range/100?duration=100ms", [["Range", "bytes=10-24"]]);
  assertEquals([res.status, await bodyText(res.body)], [206, "klmnopqrstuvwxy"]);
  assert(performance.now() - start >= 14, "paced");
  const whole = performance.now();
  assertEquals((await bodyText((await call("/range/10?duration=0.05")).body)).length, 10);
  assert(performance.now() - whole >= 45, "whole body paced");
  assertEquals((await call("/range/10?duration=")).status, 200);
});

Deno.test("/range refuses a negative, unparsable or too long duration with 400", async () => {
  for (const d of ["-1", "-1ms", "XYZ", "2h", "1.5", "1001ms"]) {
    assertEquals((await call(`/range/100?duration=${d}`)).status, 400, d);
  }
});

Deno.test("parseByteRanges keeps ranges in order, clamps the last byte, drops past-end ones", () => {
  assertEquals(parseByteRanges("bytes=0-999", 10), {
    kind: "ranges",
    ranges: [{ first: 0, last: 9 }],
  });
  assertEquals(parseByteRanges("bytes=-20", 10), {
    kind: "ranges",
    ranges: [{ first: 0, last: 9 }],
  });
  assertEquals(parseByteRanges("bytes=5-6, 0-1", 10), {
    kind: "ranges",
    ranges: [{ first: 5, last: 6 }, { first: 0, last: 1 }],
  });
  assertEquals(parseByteRanges("Bytes=10-", 10), { kind: "no-overlap" });
  assertEquals(parseByteRanges("bytes=1", 10), { kind: "invalid" });
  assertEquals(parseByteRanges("bytes=,,", 10), { kind: "whole" });
  assertEquals(parseByteRanges("lines=1-2", 10), { kind: "whole" });
});
