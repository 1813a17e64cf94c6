/** /delay and /drip: bounded times and counts, refused at once past the caps; Server-Timing. */

import { appConfig } from "../../src/app/app_config.ts";
import { httpbinRoutes } from "../../src/httpbin/httpbin_routes.ts";
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
  // Waiting even the most allowed (1 s) before refusing would take 1000 ms; a loaded CI machine
  // can stall this process for tens of ms, so the bound sits between the two.
  assert(performance.now() - start < 500);
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
  // µs arrives percent-encoded in a path (both of Go's spellings: micro sign and Greek mu).
  for (const t of ["0ms", "0h", "10us", "5ns", "0.05s", "10ms", "1%C2%B5s", "1%CE%BCs", "%2B1ms"]) {
    const started = performance.now();
    assertEquals((await call(`/delay/${t}`)).status, 200, t);
    assert(performance.now() - started < 900, t);
  }
});

Deno.test("/drip takes Go durations for duration and delay", async () => {
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
  }
  assertEquals((await call("/drip?duration=600ms&delay=500ms")).status, 400);
});

Deno.test("/drip sends the first star at once and the last at the end of the duration", async () => {
  const start = performance.now();
  const res = await call("/drip?numbytes=5&duration=0.2&code=201");
  const body = res.body as StreamBody;
  assertEquals([res.status, body.length, body.flush], [201, 5, true]);
  const times: number[] = [];
  let text = "";
  // go-httpbin's pacing: no wait before the first write, pause = duration / (n - 1) after. The
  // first piece waits on no clock, so it beats a timer of half a pause started after it was asked
  // for however slow the machine; one that slept a pause first would lose to that timer.
  const pieces = body.stream[Symbol.asyncIterator]();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const first = await Promise.race([
    pieces.next(),
    new Promise<"a timer first">((r) => timer = setTimeout(() => r("a timer first"), 25)),
  ]);
  clearTimeout(timer);
  assert(first !== "a timer first" && !first.done, "the first star waited for a clock");
  times.push(performance.now() - start);
  text += new TextDecoder().decode(first.value);
  for (let next = await pieces.next(); !next.done; next = await pieces.next()) {
    times.push(performance.now() - start);
    text += new TextDecoder().decode(next.value);
  }
  assertEquals(text, "*****");
  assert(times[1] >= 40 && times[4] >= 190 && times[4] < 900, String(times));
});

Deno.test("/delay sends go-httpbin's Server-Timing initial_delay", async () => {
  const res = await call("/delay/10ms");
  assertEquals(header(res, "server-timing"), 'initial_delay;dur=10.00;desc="initial delay"');
  const seconds = await call("/delay/0.25");
  assertEquals(header(seconds, "server-timing"), 'initial_delay;dur=250.00;desc="initial delay"');
});

Deno.test("/drip sends go-httpbin's four Server-Timing metrics", async () => {
  // go-httpbin's own case: 10 bytes over 100 ms after 50 ms, pause = ceil(100 ms / 9).
  const res = await call("/drip?duration=100ms&delay=50ms&numbytes=10");
  assertEquals(res.status, 200);
  assertEquals(
    header(res, "server-timing"),
    'total_duration;dur=150.00;desc="total request duration", ' +
      'initial_delay;dur=50.00;desc="initial delay", ' +
      'write_duration;dur=100.00;desc="duration of writes after initial delay", ' +
      'pause_per_write;dur=11.11;desc="computed pause between writes"',
  );
  await bodyText(res.body);
});

Deno.test("/drip refuses numbytes=0 and negative counts, as go-httpbin", async () => {
  for (const q of ["numbytes=0", "numbytes=-1", "numbytes=0xff", "numbytes=foo"]) {
    assertEquals((await call(`/drip?${q}`)).status, 400, q);
  }
  const one = await call("/drip?numbytes=1&duration=0");
  assertEquals([one.status, await bodyText(one.body)], [200, "*"]);
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

Deno.test("/delay and /drip stop waiting when the request's signal aborts (its connection closed)", async () => {
  const abort = new AbortController();
  const start = performance.now();
  const delayed = app(buildRequest({ target: "/delay/1", signal: abort.signal }));
  setTimeout(() => abort.abort(new Deno.errors.ConnectionAborted("closed")), 50);
  const failed = await Promise.resolve(delayed).then(() => null, (e) => e);
  assert(failed instanceof Deno.errors.ConnectionAborted, String(failed));
  assert(performance.now() - start < 500, `${performance.now() - start} ms`);
  // A drip already answering: the wait between its pieces ends too.
  const dripAbort = new AbortController();
  const res = await app(
    buildRequest({ target: "/drip?duration=1&numbytes=2", signal: dripAbort.signal }),
  );
  const pieces = (res.body as StreamBody).stream[Symbol.asyncIterator]();
  assertEquals((await pieces.next()).value?.length, 1);
  const next = pieces.next();
  dripAbort.abort(new Deno.errors.ConnectionAborted("closed"));
  const dripFailed = await next.then(() => null, (e) => e);
  assert(dripFailed instanceof Deno.errors.ConnectionAborted, String(dripFailed));
});
