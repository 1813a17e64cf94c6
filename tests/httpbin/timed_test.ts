/** /delay, /drip and /sse: bounded times and counts, refused at once past the caps. */

import { appConfig } from "../../src/app/app_config.ts";
import { httpbinRoutes } from "../../src/httpbin/httpbin_routes.ts";
import { MAX_SSE_EVENTS } from "../../src/httpbin/timed.ts";
import { createRouter } from "../../src/app/router.ts";
import type { StreamBody } from "../../src/http/types.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { bodyJson, bodyText, buildRequest, header } from "../support/request_builder.ts";

const app = createRouter(httpbinRoutes(appConfig({ maxDelaySeconds: 1, maxGeneratedBytes: 5000 })));
const call = (target: string, method = "GET") => app(buildRequest({ target, method }));

Deno.test("/delay/<s> waits that long, then describes the request", async () => {
  const start = performance.now();
  const res = await call("/delay/0.15");
  const ms = performance.now() - start;
  assert(ms >= 140 && ms < 1000, `${ms} ms`);
  assertEquals(((await bodyJson(res.body)) as { method: string }).method, "GET");
});

Deno.test("/delay refuses more than maxDelaySeconds at once", async () => {
  const start = performance.now();
  const res = await call("/delay/1000");
  assert(performance.now() - start < 50);
  assertEquals(res.status, 400);
  assertEquals(
    ((await bodyJson(res.body)) as { detail: string }).detail,
    "Cannot delay 1000 seconds: the most is 1 (maxDelaySeconds)",
  );
  assertEquals((await call("/delay/1.001")).status, 400);
  assertEquals((await call("/delay/-1")).status, 400);
  assertEquals((await call("/delay/abc")).status, 400);
  assertEquals((await call("/delay/1001ms")).status, 400);
  assertEquals((await call("/delay/1s1ns")).status, 400);
});

Deno.test("/delay takes Go durations as go-httpbin does", async () => {
  const start = performance.now();
  const res = await call("/delay/100ms");
  const ms = performance.now() - start;
  assertEquals(res.status, 200);
  assert(ms >= 90 && ms < 900, `${ms} ms`);
  for (const t of ["0ms", "0h", "10us", "5ns", "0.05s", "10ms"]) {
    const started = performance.now();
    assertEquals((await call(`/delay/${t}`)).status, 200, t);
    assert(performance.now() - started < 900, t);
  }
});

Deno.test("/drip and /sse take Go durations for duration and delay", async () => {
  for (
    const q of [
      "duration=5ms",
      "duration=0h",
      "duration=0&delay=5ms",
      "duration=0&delay=0h",
      "duration=5ms&delay=1ms",
    ]
  ) {
    const drip = await call(`/drip?numbytes=2&${q}`);
    assertEquals(drip.status, 200, q);
    assertEquals(await bodyText(drip.body), "**");
    const sse = await call(`/sse?count=2&${q}`);
    assertEquals(sse.status, 200, q);
    await bodyText(sse.body);
  }
  assertEquals((await call("/drip?duration=600ms&delay=500ms")).status, 400);
  assertEquals((await call("/sse?duration=1m")).status, 400);
});

Deno.test("/drip sends numbytes stars over the duration with Content-Length", async () => {
  const start = performance.now();
  const res = await call("/drip?numbytes=5&duration=0.2&code=201");
  const body = res.body as StreamBody;
  assertEquals([res.status, body.length, body.flush], [201, 5, true]);
  const times: number[] = [];
  let text = "";
  for await (const p of body.stream) {
    times.push(performance.now() - start);
    text += new TextDecoder().decode(p);
  }
  assertEquals(text, "*****");
  assert(times[0] >= 30 && times[4] >= 190 && times[4] < 900, String(times));
});

Deno.test("/drip keeps the piece count bounded for many bytes", async () => {
  const res = await call("/drip?numbytes=5000&duration=0");
  let pieces = 0;
  let total = 0;
  for await (const p of (res.body as StreamBody).stream) {
    pieces++;
    total += p.length;
  }
  assertEquals(total, 5000);
  assert(pieces <= 1000);
});

Deno.test("/drip refuses sizes, times and codes past the caps", async () => {
  for (
    const q of [
      "numbytes=5001",
      "duration=0.6&delay=0.5",
      "duration=2",
      "code=100",
      "code=abc",
      "numbytes=-1",
    ]
  ) {
    assertEquals((await call(`/drip?${q}`)).status, 400, q);
  }
});

Deno.test("/sse sends count ping events as a flushed text/event-stream", async () => {
  const res = await call("/sse?count=3&duration=0.1");
  assertEquals(header(res, "content-type"), "text/event-stream; charset=utf-8");
  assertEquals((res.body as StreamBody).flush, true);
  const text = await bodyText(res.body);
  const events = text.split("\n\n").filter((e) => e !== "");
  assertEquals(events.length, 3);
  // go-httpbin's shape: no `id:` field, ids in the data from 0.
  events.forEach((e, i) => {
    assert(new RegExp(`^event: ping\ndata: \\{"id":${i},"timestamp":\\d+\\}$`).test(e), e);
  });
});

Deno.test("/sse refuses too many events or too long a stream", async () => {
  assertEquals((await call(`/sse?count=${MAX_SSE_EVENTS + 1}&duration=0`)).status, 400);
  assertEquals((await call("/sse?count=0")).status, 400);
  assertEquals((await call("/sse?duration=2")).status, 400);
  assertEquals((await call(`/sse?count=${MAX_SSE_EVENTS}&duration=0`)).status, 200);
});
