/**
 * httpbin routes that stream JSON lines: `/stream/<n>` (n request descriptions, one per line,
 * each flushed) and `/jsonl?count=&duration=&delay=&jitter=` (the same lines paced over a
 * duration, as `application/x-ndjson`). Counts are capped before anything starts.
 *
 * This module must not touch sockets.
 * @module
 */

import type { AppConfig } from "../app/app_config.ts";
import { badRequest } from "../app/json_response.ts";
import { groupPairs, optionalValue, parseQueryAsGo, type QueryPairs } from "../app/query_params.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { parseGoInteger, parseGoIntegerSegment } from "./go_integer.ts";
import { parseJitter, pausePerWriteMs } from "./pacing.ts";
import { headerMap, origin, requestUrl } from "./request.ts";
import { millisParam, MS_PER_SECOND, sleep, tooLong } from "./timed.ts";

/** Most lines `/stream/<n>` sends; more are clamped to it, as go-httpbin does. */
export const MAX_STREAM_LINES = 100;
/** Most lines `/jsonl` sends; more are clamped to it. */
export const MAX_JSONL_LINES = 1000;
/** go-httpbin's `/jsonl` default count. */
const JSONL_DEFAULT_COUNT = 10;
/** `/stream` answers JSON (as httpbin.org does); `/jsonl` says what it is (NDJSON). */
const STREAM_CONTENT_TYPE = "application/json; charset=utf-8";
const JSONL_CONTENT_TYPE = "application/x-ndjson; charset=utf-8";

/** One line's fields but its id, built once per request. */
function lineFields(req: HttpRequest, pairs: QueryPairs): Record<string, unknown> {
  return {
    args: groupPairs(pairs),
    headers: headerMap(req),
    origin: origin(req),
    url: requestUrl(req),
  };
}

/**
 * `count` compact JSON lines `{"id": i, …fields}`, the i-th at `i * pauseMs` ± jitter; ends
 * (throws) when `signal` aborts.
 */
async function* lines(
  fields: Record<string, unknown>,
  count: number,
  pauseMs: number,
  jitter: number,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  const start = Date.now();
  for (let id = 0; id < count; id++) {
    if (id > 0 && pauseMs > 0) {
      // Aim at the ideal time of line `id` so that waits do not add up; jitter moves it by up
      // to ±jitter of one pause.
      const shift = jitter === 0 ? 0 : (Math.random() * 2 - 1) * jitter * pauseMs;
      await sleep(start + pauseMs * id + shift - Date.now(), signal);
    }
    yield encoder.encode(JSON.stringify({ id, ...fields }) + "\n");
  }
}

/**
 * `/stream/<n>`: n lines (1 to {@link MAX_STREAM_LINES}; more or fewer, negative ones too, are
 * clamped, as in go-httpbin), chunked, each flushed as it is written. Not an integer → 400.
 */
export function streamHandler(prefix: string) {
  return (req: HttpRequest): HttpResponse => {
    const n = parseGoIntegerSegment(req.path.slice(prefix.length));
    if (n === null) return badRequest("Cannot stream: the count must be an integer");
    const pairs = parseQueryAsGo(req.query);
    const count = Math.min(Math.max(n, 1), MAX_STREAM_LINES);
    return {
      status: STATUS.OK,
      headers: [["Content-Type", STREAM_CONTENT_TYPE]],
      body: {
        kind: "stream",
        stream: lines(lineFields(req, pairs), count, 0, 0, req.signal),
        flush: true,
      },
    };
  };
}

/**
 * `/jsonl?count=&duration=&delay=&jitter=`: waits `delay` seconds, then sends `count` lines
 * (default 10; any integer, clamped to 1 to {@link MAX_JSONL_LINES}) spread over `duration`
 * seconds (default 0: at once; the first line at once, the last at `duration`), each pause moved
 * by up to ±`jitter` (0 to 1) of itself.
 * delay + duration ≤ maxDelaySeconds, else 400.
 */
export function jsonlHandler(config: AppConfig) {
  return async (req: HttpRequest): Promise<HttpResponse> => {
    const pairs = parseQueryAsGo(req.query);
    const countText = optionalValue(pairs, "count");
    const n = countText === undefined ? JSONL_DEFAULT_COUNT : parseGoInteger(countText);
    const duration = millisParam(pairs, "duration", 0);
    const delay = millisParam(pairs, "delay", 0);
    const jitterText = optionalValue(pairs, "jitter");
    const jitter = jitterText === undefined ? 0 : parseJitter(jitterText);
    if (n === null || duration === null || delay === null) {
      return badRequest(
        "Cannot stream lines: count must be an integer, times Go durations or seconds",
      );
    }
    if (jitter === null) {
      return badRequest("Cannot stream lines: jitter must be a decimal from 0 to 1");
    }
    if (delay + duration > config.maxDelaySeconds * MS_PER_SECOND) {
      return tooLong("stream lines for", delay + duration, config);
    }
    await sleep(delay, req.signal);
    const count = Math.min(Math.max(n, 1), MAX_JSONL_LINES);
    const fields = lineFields(req, pairs);
    return {
      status: STATUS.OK,
      headers: [["Content-Type", JSONL_CONTENT_TYPE]],
      body: {
        kind: "stream",
        // As go-httpbin's pacer: the first line at once, then count - 1 pauses that add up to
        // the whole duration, so the answer takes at least `duration` (one line: no pause).
        stream: lines(fields, count, pausePerWriteMs(duration, count), jitter, req.signal),
        flush: true,
      },
    };
  };
}
