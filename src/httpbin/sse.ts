/**
 * httpbin's `/sse?count=&duration=&delay=&jitter=`: a short server-sent event stream in
 * go-httpbin's shape, with its `Server-Timing` sent as a trailer once the stream has ended.
 *
 * This module must not touch sockets.
 * @module
 */

import type { AppConfig } from "../app/app_config.ts";
import { badRequest } from "../app/json_response.ts";
import { optionalValue, parseQueryAsGo } from "../app/query_params.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { parseGoInteger, shownInteger } from "./go_integer.ts";
import { jittered, parseJitter, pausePerWriteMs } from "./pacing.ts";
import { encodeServerTimings, SERVER_TIMING } from "./server_timing.ts";
import { millisParam, MS_PER_SECOND, sleep, tooLong } from "./timed.ts";

/** Most events one `/sse` stream sends. */
export const MAX_SSE_EVENTS = 100;
/** `/sse` defaults: 10 events over 2 seconds (a short stream; go-httpbin uses 5 s). */
const SSE_DEFAULT_COUNT = 10;
const SSE_DEFAULT_DURATION_MS = 2 * MS_PER_SECOND;
const SSE_CONTENT_TYPE = "text/event-stream; charset=utf-8";

/**
 * Waits `delay`, then sends `count` events (1 to {@link MAX_SSE_EVENTS}) as `text/event-stream`,
 * the first at once and the last after `duration` (more than zero, as go-httpbin asks), each
 * pause moved by up to ±`jitter` (0 to 1) of itself, each event flushed as it is written:
 * `event: ping`, `data: {"id":<n>,"timestamp":<ms>}` with n from 0. delay + duration ≤
 * maxDelaySeconds. Chunked, with `Server-Timing` as a trailer (announced in `Trailer`).
 */
export function sseHandler(config: AppConfig) {
  return async (req: HttpRequest): Promise<HttpResponse> => {
    const start = performance.now();
    const pairs = parseQueryAsGo(req.query);
    const countText = optionalValue(pairs, "count");
    const count = countText === undefined ? SSE_DEFAULT_COUNT : parseGoInteger(countText);
    const duration = millisParam(pairs, "duration", SSE_DEFAULT_DURATION_MS);
    const delay = millisParam(pairs, "delay", 0);
    const jitterText = optionalValue(pairs, "jitter");
    const jitter = jitterText === undefined ? 0 : parseJitter(jitterText);
    if (count === null || duration === null || delay === null) {
      return badRequest(
        "Cannot stream events: count must be digits, times Go durations or seconds",
      );
    }
    if (count < 1 || count > MAX_SSE_EVENTS) {
      return badRequest(
        `Cannot send ${shownInteger(count)} events: count must be 1 to ${MAX_SSE_EVENTS}`,
      );
    }
    // go-httpbin bounds the duration below by 1 ns: a zero one would send a burst, not a stream.
    if (duration <= 0) return badRequest("Cannot stream events: the duration must be above 0");
    if (jitter === null) {
      return badRequest("Cannot stream events: jitter must be a decimal from 0 to 1");
    }
    if (delay + duration > config.maxDelaySeconds * MS_PER_SECOND) {
      return tooLong("stream events for", delay + duration, config);
    }
    await sleep(delay, req.signal);
    const pause = pausePerWriteMs(duration, count);
    const trailers = (): Array<[string, string]> => [[
      SERVER_TIMING,
      encodeServerTimings([
        { name: "total_duration", ms: performance.now() - start, desc: "total request duration" },
        { name: "initial_delay", ms: delay, desc: "initial delay" },
        { name: "write_duration", ms: duration, desc: "duration of writes after initial delay" },
        { name: "pause_per_write", ms: pause, desc: "computed pause between writes" },
      ]),
    ]];
    return {
      status: STATUS.OK,
      headers: [
        ["Content-Type", SSE_CONTENT_TYPE],
        ["Cache-Control", "no-cache"],
        // HTTP/1.0 has no chunked framing, so no trailer section to announce (RFC 9110 §6.6.2).
        ...(req.version === "HTTP/1.1" ? [["Trailer", SERVER_TIMING] as [string, string]] : []),
      ],
      // No length: chunked, the only framing that carries the trailer section.
      body: {
        kind: "stream",
        stream: events(count, pause, jitter, duration, req.signal),
        flush: true,
        trailers,
      },
    };
  };
}

/**
 * `count` ping events, the first at once, then one every `pause` ms (± jitter), all within
 * `duration` ms: jitter moves an event, never the end, so the checked cap (maxDelaySeconds) holds.
 * Ends (throws) when `signal` aborts.
 */
async function* events(
  count: number,
  pause: number,
  jitter: number,
  duration: number,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  // Each wait aims at a point on the schedule rather than sleeping a fixed pause, so the time
  // spent writing does not add up over the stream.
  let due = Date.now();
  const end = due + duration;
  // go-httpbin's writeServerSentEvent: ids from 0, no `id:` field, only `event` and `data`.
  for (let id = 0; id < count; id++) {
    if (id > 0) {
      due = Math.min(due + jittered(pause, jitter), end);
      await sleep(due - Date.now(), signal);
    }
    const data = JSON.stringify({ id, timestamp: Date.now() });
    yield encoder.encode(`event: ping\ndata: ${data}\n\n`);
  }
}
