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
    ((await bodyJson(res.body)) as { error: string }).error,
    "Cannot delay 1000 seconds: the most is 1 (maxDelaySeconds)",
  );
  assertEquals((await call("/delay/1.001")).status, 400);
  assertEquals((await call("/delay/-1")).status, 400);
  assertEquals((await call("/delay/abc")).status, 400);
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
  assert(/^id: 1\nevent: ping\ndata: \{"id":1,"timestamp":\d+\}$/.test(events[0]), events[0]);
});

Deno.test("/sse refuses too many events or too long a stream", async () => {
  assertEquals((await call(`/sse?count=${MAX_SSE_EVENTS + 1}&duration=0`)).status, 400);
  assertEquals((await call("/sse?count=0")).status, 400);
  assertEquals((await call("/sse?duration=2")).status, 400);
  assertEquals((await call(`/sse?count=${MAX_SSE_EVENTS}&duration=0`)).status, 200);
});
