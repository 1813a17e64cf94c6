/**
 * httpbin routes that take time on purpose: `/delay/<time>` and `/drip` (bytes spread over a
 * duration), each with go-httpbin's `Server-Timing` field; `/sse` is in `sse.ts`. Every wait is
 * capped by `maxDelaySeconds` and every count by a named constant, checked before anything
 * starts.
 *
 * This module must not touch sockets.
 * @module
 */

import { percentDecode } from "../app/percent_decode.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import type { AppConfig } from "../app/app_config.ts";
import { parseDurationMillis } from "./go_duration.ts";
import { parseGoCount, parseGoInteger, shownInteger } from "./go_integer.ts";
import { pausePerWriteMs } from "./pacing.ts";
import { encodeServerTimings, SERVER_TIMING } from "./server_timing.ts";
import { optionalValue, parseQueryAsGo, type QueryPairs } from "../app/query_params.ts";
import { badRequest, jsonResponse } from "../app/json_response.ts";
import { describeFully } from "./request.ts";

/** Milliseconds in a second. */
export const MS_PER_SECOND = 1000;
/** Most pieces `/drip` sends: beyond that, pieces grow instead of timers multiplying. */
export const MAX_DRIP_PIECES = 1000;
/** go-httpbin's `/drip` defaults: 10 bytes over 2 seconds. */
const DRIP_DEFAULT_BYTES = 10;
const DRIP_DEFAULT_DURATION_MS = 2 * MS_PER_SECOND;
const MIN_FINAL_STATUS = 200;
const MAX_STATUS = 599;
/** The byte `/drip` sends, as go-httpbin does. */
const DRIP_BYTE = 0x2a; // "*"

/**
 * Resolves after `ms` milliseconds, or rejects with the reason of `signal` (the request's: the
 * server closed its connection — a shutdown past its timeout, a clock) as soon as it aborts,
 * clearing the timer: a wait nobody will see the end of must not keep a stopping server's process
 * alive until it fires. A client that leaves during the wait is not seen until the answer is
 * written (`HttpRequest.signal`).
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const aborted = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", aborted);
      resolve();
    }, ms);
    signal.addEventListener("abort", aborted, { once: true });
  });
}

/** A message refusing a wait of `ms` that passes the cap. */
export function tooLong(what: string, ms: number, config: AppConfig): HttpResponse {
  return badRequest(
    `Cannot ${what} ${ms / MS_PER_SECOND} seconds: the most is ${config.maxDelaySeconds} ` +
      "(maxDelaySeconds)",
  );
}

/**
 * `/delay/<time>` (any method; a Go duration such as `100ms`, or decimal seconds): waits, then
 * answers like `/anything`, with `Server-Timing: initial_delay;…` as go-httpbin.
 * Over `maxDelaySeconds` → 400 at once. The body is read before the wait, so a client
 * expecting `100 Continue` gets it straight away.
 */
export function delayHandler(prefix: string, config: AppConfig) {
  return async (req: HttpRequest): Promise<HttpResponse> => {
    // The path is still percent-encoded: Go's `µs` arrives as %C2%B5s (go-httpbin decodes it).
    const segment = percentDecode(req.path.slice(prefix.length));
    const ms = segment === null ? null : parseDurationMillis(segment);
    if (ms === null) {
      return badRequest("Cannot delay: the time must be a Go duration (100ms) or decimal seconds");
    }
    if (ms > config.maxDelaySeconds * MS_PER_SECOND) return tooLong("delay", ms, config);
    const d = await describeFully(req, config, true);
    if ("error" in d) return d.error;
    await sleep(ms, req.signal);
    return jsonResponse(STATUS.OK, d.fields, [[
      SERVER_TIMING,
      encodeServerTimings([{ name: "initial_delay", ms, desc: "initial delay" }]),
    ]]);
  };
}

/**
 * A time query parameter in ms (a Go duration such as `500ms`, or decimal seconds, see
 * {@link parseDurationMillis}), its default when absent, or null when malformed.
 */
export function millisParam(pairs: QueryPairs, name: string, fallback: number): number | null {
  const text = optionalValue(pairs, name);
  return text === undefined ? fallback : parseDurationMillis(text);
}

/**
 * `/drip?numbytes=&duration=&delay=&code=` : waits `delay` seconds, then sends `numbytes` `*`
 * bytes over `duration` seconds, the first at once and the last at the end, as go-httpbin
 * (Content-Length set, every piece flushed), with status `code` and go-httpbin's four
 * `Server-Timing` metrics. 1 ≤ numbytes ≤ maxGeneratedBytes, delay + duration ≤
 * maxDelaySeconds; with more bytes than {@link MAX_DRIP_PIECES} the pieces grow rather than the
 * timers multiply.
 */
export function dripHandler(config: AppConfig) {
  return async (req: HttpRequest): Promise<HttpResponse> => {
    const pairs = parseQueryAsGo(req.query);
    const bytesText = optionalValue(pairs, "numbytes");
    const n = bytesText === undefined ? DRIP_DEFAULT_BYTES : parseGoInteger(bytesText);
    const duration = millisParam(pairs, "duration", DRIP_DEFAULT_DURATION_MS);
    const delay = millisParam(pairs, "delay", 0);
    const codeText = optionalValue(pairs, "code");
    const code = codeText === undefined ? STATUS.OK : parseGoCount(codeText);
    if (n === null || duration === null || delay === null || code === null) {
      return badRequest(
        "Cannot drip: numbytes and code must be digits, times Go durations or seconds",
      );
    }
    // go-httpbin: numbytes in [1, max]; a drip of nothing has nothing to spread over the time.
    if (n < 1 || n > config.maxGeneratedBytes) {
      return badRequest(
        `Cannot drip ${shownInteger(n)} bytes: numbytes must be 1 to ${config.maxGeneratedBytes}`,
      );
    }
    if (delay + duration > config.maxDelaySeconds * MS_PER_SECOND) {
      return tooLong("drip for", delay + duration, config);
    }
    if (code < MIN_FINAL_STATUS || code > MAX_STATUS) {
      return badRequest(
        `Cannot answer with status ${shownInteger(code)}: only 200 to 599 are allowed`,
      );
    }
    await sleep(delay, req.signal);
    const pieces = Math.min(n, MAX_DRIP_PIECES);
    const pause = pausePerWriteMs(duration, pieces);
    const timing = encodeServerTimings([
      { name: "total_duration", ms: delay + duration, desc: "total request duration" },
      { name: "initial_delay", ms: delay, desc: "initial delay" },
      { name: "write_duration", ms: duration, desc: "duration of writes after initial delay" },
      { name: "pause_per_write", ms: pause, desc: "computed pause between writes" },
    ]);
    return {
      status: code,
      headers: [["Content-Type", "application/octet-stream"], [SERVER_TIMING, timing]],
      body: { kind: "stream", stream: drip(n, pieces, pause, req.signal), length: n, flush: true },
    };
  };
}

/**
 * `n` bytes in `pieces` near-equal pieces, the first at once, then one every `pause` ms; ends
 * (throws) when `signal` aborts.
 */
async function* drip(
  n: number,
  pieces: number,
  pause: number,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const start = Date.now();
  let sent = 0;
  for (let i = 1; i <= pieces; i++) {
    // Piece i ends at byte round(n * i / pieces): sizes differ by at most one byte.
    const end = Math.round((n * i) / pieces);
    // Sleep to the ideal time of piece i rather than a fixed interval, so delays do not add up.
    await sleep(start + pause * (i - 1) - Date.now(), signal);
    yield new Uint8Array(end - sent).fill(DRIP_BYTE);
    sent = end;
  }
}
