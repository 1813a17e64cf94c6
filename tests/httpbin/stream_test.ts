/** `/stream/<n>` and `/jsonl`. */

import { appConfig } from "../../src/app/app_config.ts";
import { createRouter } from "../../src/app/router.ts";
import { httpbinRoutes } from "../../src/httpbin/httpbin_routes.ts";
import { MAX_JSONL_LINES, MAX_STREAM_LINES } from "../../src/httpbin/stream.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { bodyText, buildRequest, header } from "../support/request_builder.ts";

const app = createRouter(httpbinRoutes(appConfig({ maxDelaySeconds: 2 })));
const get = (target: string) =>
  app(buildRequest({ target, headers: [["Host", "h"], ["X-A", "1"]] }));
const lines = async (target: string) =>
  (await bodyText((await get(target)).body)).split("\n").filter((l) => l !== "").map((l) =>
    JSON.parse(l)
  );

Deno.test("/stream/<n> sends n JSON lines with id, args, headers, origin, url, flushed", async () => {
  const res = await get("/stream/3?x=1");
  assertEquals(res.status, 200);
  assert(typeof res.body === "object" && res.body !== null && "kind" in res.body);
  assertEquals(res.body.kind === "stream" && res.body.flush, true);
  const got = await lines("/stream/3?x=1");
  assertEquals(got.map((l) => l.id), [0, 1, 2]);
  assertEquals(got[0].args, { x: ["1"] });
  assertEquals(got[0].headers["X-A"], ["1"]);
  assertEquals(got[0].url, "http://h/stream/3?x=1");
  assertEquals(Object.keys(got[0]), ["id", "args", "headers", "origin", "url"]);
});

Deno.test("/stream/<n> clamps n to 1..MAX_STREAM_LINES and refuses non-digits", async () => {
  assertEquals((await lines(`/stream/${MAX_STREAM_LINES + 50}`)).length, MAX_STREAM_LINES);
  assertEquals((await lines("/stream/0")).length, 1);
  assertEquals((await get("/stream/x")).status, 400);
  assertEquals((await get("/stream/1.5")).status, 400);
});

Deno.test("/stream/<n> clamps a negative n to one line, as go-httpbin", async () => {
  assertEquals((await lines("/stream/-100")).length, 1);
  assertEquals((await lines("/stream/+2")).length, 2);
});

Deno.test("/jsonl clamps a negative or zero count to one line, as go-httpbin", async () => {
  assertEquals((await lines("/jsonl?count=-5")).length, 1);
  assertEquals((await lines("/jsonl?count=0")).length, 1);
  assertEquals((await get("/jsonl?count=1.5")).status, 400);
});

Deno.test("/jsonl sends 10 NDJSON lines by default and count clamped to MAX_JSONL_LINES", async () => {
  const res = await get("/jsonl");
  assertEquals(header(res, "content-type"), "application/x-ndjson; charset=utf-8");
  assertEquals((await lines("/jsonl")).length, 10);
  assertEquals((await lines(`/jsonl?count=${MAX_JSONL_LINES + 1}`)).length, MAX_JSONL_LINES);
});

Deno.test("/jsonl spreads the lines over duration", async () => {
  const start = Date.now();
  assertEquals((await lines("/jsonl?count=3&duration=0.3")).length, 3);
  assert(Date.now() - start >= 150, "paced");
});

Deno.test("/jsonl takes at least duration: the first line at once, the last at duration", async () => {
  const start = Date.now();
  const res = await get("/jsonl?count=2&duration=200ms");
  assertEquals((await bodyText(res.body)).split("\n").filter((l) => l !== "").length, 2);
  const elapsed = Date.now() - start;
  assert(elapsed >= 200, `${elapsed} ms`);
});

Deno.test("/jsonl takes Go durations for duration and delay", async () => {
  const start = Date.now();
  assertEquals((await lines("/jsonl?count=3&duration=300ms&delay=1ms")).length, 3);
  assert(Date.now() - start >= 150, "paced");
  assertEquals((await get("/jsonl?duration=1m")).status, 400);
});

Deno.test("/jsonl refuses bad numbers, jitter past 1 and time past maxDelaySeconds", async () => {
  for (const q of ["count=x", "duration=-1", "jitter=1.5", "duration=1.5&delay=0.6", "delay=3"]) {
    assertEquals((await get(`/jsonl?${q}`)).status, 400, q);
  }
  assertEquals((await get("/jsonl?duration=1&delay=1&count=1&jitter=1")).status, 200);
});

Deno.test("/jsonl takes jitter as /sse does: .5, +0.5, +1, -0 (go-httpbin's ParseFloat)", async () => {
  // `%2B` is a plus sign; a bare `+` in a query is a space, for Go as for us.
  for (const j of [".5", "%2B0.5", "%2B1", "-0", "1.", "0.0009"]) {
    assertEquals((await get(`/jsonl?count=2&jitter=${j}`)).status, 200, j);
  }
  for (const j of ["5.", "-0.1", "1e-1", "inf", "NaN", "0x1", "+1"]) {
    assertEquals((await get(`/jsonl?count=2&jitter=${j}`)).status, 400, j);
  }
});
