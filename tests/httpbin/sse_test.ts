/** /sse: go-httpbin's event shape, pacing, validation and Server-Timing trailer. */

import { appConfig } from "../../src/app/app_config.ts";
import { createRouter } from "../../src/app/router.ts";
import type { StreamBody } from "../../src/http/types.ts";
import { httpbinRoutes } from "../../src/httpbin/httpbin_routes.ts";
import { MAX_SSE_EVENTS } from "../../src/httpbin/sse.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { bodyText, buildRequest, header } from "../support/request_builder.ts";

const app = createRouter(httpbinRoutes(appConfig({ maxDelaySeconds: 1 })));
const call = (target: string) => app(buildRequest({ target }));

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
  assertEquals((await call(`/sse?count=${MAX_SSE_EVENTS + 1}&duration=1ms`)).status, 400);
  assertEquals((await call("/sse?count=0")).status, 400);
  assertEquals((await call("/sse?count=-1")).status, 400);
  assertEquals((await call("/sse?duration=2")).status, 400);
  const most = await call(`/sse?count=${MAX_SSE_EVENTS}&duration=1ms`);
  assertEquals(most.status, 200);
  await bodyText(most.body);
});

Deno.test("/sse refuses a zero duration, as go-httpbin (its lower bound is 1 ns)", async () => {
  for (const d of ["0", "0s", "0h", "-1ms", "0.0001"]) {
    assertEquals((await call(`/sse?duration=${d}`)).status, 400, d);
  }
  const shortest = await call("/sse?count=2&duration=10ns");
  assertEquals(shortest.status, 200);
  await bodyText(shortest.body);
});

Deno.test("/sse takes Go durations for duration and delay", async () => {
  for (const q of ["duration=5ms", "duration=1ms&delay=5ms", "duration=1ms&delay=0h"]) {
    const sse = await call(`/sse?count=2&${q}`);
    assertEquals(sse.status, 200, q);
    await bodyText(sse.body);
  }
  assertEquals((await call("/sse?duration=1m")).status, 400);
});

Deno.test("/sse takes jitter from 0 to 1 and refuses anything else, as go-httpbin", async () => {
  for (const j of ["0", "0.5", "1", ".5", "1.0"]) {
    const res = await call(`/sse?count=3&duration=20ms&jitter=${j}`);
    assertEquals(res.status, 200, j);
    assertEquals((await bodyText(res.body)).split("\n\n").filter((e) => e !== "").length, 3, j);
  }
  for (const j of ["-0.1", "1.5", "abc", "1e-1", "NaN", "."]) {
    assertEquals((await call(`/sse?duration=20ms&jitter=${j}`)).status, 400, j);
  }
});

Deno.test("/sse spreads events so the first is at once and the last at the end", async () => {
  const start = performance.now();
  const res = await call("/sse?count=3&duration=100ms");
  const times: number[] = [];
  for await (const _ of (res.body as StreamBody).stream) times.push(performance.now() - start);
  assert(times[0] < 30 && times[1] >= 45 && times[2] >= 95 && times[2] < 900, String(times));
});

Deno.test("/sse announces Server-Timing in Trailer and sends it after the events", async () => {
  const res = await call("/sse?duration=100ms&delay=50ms&count=11");
  assertEquals(header(res, "trailer"), "Server-Timing");
  const body = res.body as StreamBody;
  assertEquals(body.length, undefined); // chunked: the only framing with a trailer section
  for await (const _ of body.stream) { /* drain */ }
  const fields = body.trailers!();
  assertEquals(fields.length, 1);
  const [name, value] = fields[0];
  assertEquals(name, "Server-Timing");
  const metrics = value.split(", ");
  const total = /^total_duration;dur=(\d+\.\d\d);desc="total request duration"$/.exec(metrics[0]);
  assert(total !== null && Number(total[1]) >= 150, metrics[0]);
  assertEquals(metrics.slice(1), [
    'initial_delay;dur=50.00;desc="initial delay"',
    'write_duration;dur=100.00;desc="duration of writes after initial delay"',
    'pause_per_write;dur=10.00;desc="computed pause between writes"',
  ]);
});

Deno.test("/sse with jitter ends within its duration, so the checked cap holds", async () => {
  const random = Math.random;
  Math.random = () => 0.999; // every pause drawn at its longest: twice itself with jitter=1
  // The waits the stream asks for, summed: the wall clock would also count a busy machine's
  // late timers (a parallel test run took this past its bound once).
  const setTimer = globalThis.setTimeout;
  let waited = 0;
  globalThis.setTimeout = ((fn: () => void, ms = 0) => {
    waited += ms;
    return setTimer(fn, ms);
  }) as typeof setTimeout;
  try {
    const res = await call("/sse?count=5&duration=0.4&jitter=1");
    assertEquals(res.status, 200);
    await bodyText(res.body);
    // Within a millisecond: the last pause is what is left of the duration by the clock, and
    // sums of fractional milliseconds came out at 400.x once in CI.
    assert(waited > 0 && waited <= 401, `waited ${waited} ms for a 400 ms stream`);
  } finally {
    Math.random = random;
    globalThis.setTimeout = setTimer;
  }
});

Deno.test("/sse announces no trailer to HTTP/1.0, which cannot carry one", async () => {
  const res = await app(buildRequest({ target: "/sse?count=1&duration=1ms", version: "HTTP/1.0" }));
  assertEquals(header(res, "trailer"), undefined);
  await bodyText(res.body);
});
