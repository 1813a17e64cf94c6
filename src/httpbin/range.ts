/**
 * httpbin's `/range/<n>?duration=`: n bytes of `abc…xyzabc…` that honour byte ranges as
 * go-httpbin does through Go's `http.ServeContent` (RFC 9110 §14): one range → 206 with
 * Content-Range, several → 206 `multipart/byteranges`, none satisfiable → 416 with
 * `Content-Range: bytes *\/<n>`, a malformed one → 416, otherwise the full 200. `duration`
 * spreads the bytes sent over that share of it, as go-httpbin's paced byte source does.
 *
 * This module must not touch sockets.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse, ResponseBody } from "../http/types.ts";
import type { AppConfig } from "../app/app_config.ts";
import { evaluatePreconditions, ifRangePasses, type Validators } from "../app/conditional.ts";
import { badRequest } from "../app/json_response.ts";
import { optionalValue, parseQueryAsGo } from "../app/query_params.ts";
import { textResponse } from "../app/router.ts";
import { byterangesBody } from "./byteranges_body.ts";
import { GENERATED_PIECE_BYTES } from "./data.ts";
import { parseDurationMillis } from "./go_duration.ts";
import { parseGoIntegerSegment, shownInteger } from "./go_integer.ts";
import { type ByteRange, parseByteRanges } from "./range_spec.ts";
import { MS_PER_SECOND, sleep, tooLong } from "./timed.ts";

const ALPHABET = new TextEncoder().encode("abcdefghijklmnopqrstuvwxyz");
const CONTENT_TYPE = "application/octet-stream";
/** Go's `http.ServeContent` texts for a 416, sent as its `http.Error` does (with a newline). */
const INVALID_RANGE = "invalid range\n";
const NO_OVERLAP = "invalid range: failed to overlap\n";

/**
 * The pattern bytes `[from, to)` of the body, in pieces of at most one generated piece; each
 * piece waits `msPerByte` per byte before it goes, so the whole body would take the duration.
 * Ends (throws) when `signal` aborts.
 */
async function* pattern(
  from: number,
  to: number,
  msPerByte: number,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  for (let at = from; at < to;) {
    const piece = patternBytes(at, Math.min(to, at + GENERATED_PIECE_BYTES));
    at += piece.length;
    await sleep(msPerByte * piece.length, signal);
    yield piece;
  }
}

function patternBytes(from: number, to: number): Uint8Array {
  const out = new Uint8Array(to - from);
  for (let i = 0; i < out.length; i++) out[i] = ALPHABET[(from + i) % ALPHABET.length];
  return out;
}

function slice(from: number, to: number, msPerByte: number, signal: AbortSignal): ResponseBody {
  const n = to - from;
  return n <= GENERATED_PIECE_BYTES && msPerByte === 0
    ? patternBytes(from, to)
    : { kind: "stream", stream: pattern(from, to, msPerByte, signal), length: n };
}

/**
 * `/range/<n>`: ETag `"range<n>"`, `Accept-Ranges: bytes`; honours `If-Match` (412) and
 * `If-None-Match` (304, or 412 for other methods than GET and HEAD) as the app's conditional
 * requests do, `Range` (see {@link parseByteRanges}) and `If-Range` with that ETag (strong
 * comparison, RFC 9110 §13.1.5: anything else sends all). 1 ≤ n ≤ maxGeneratedBytes,
 * `duration` ≤ maxDelaySeconds.
 */
export function rangeHandler(prefix: string, config: AppConfig) {
  return (req: HttpRequest): HttpResponse => {
    const size = parseGoIntegerSegment(req.path.slice(prefix.length));
    if (size === null) return badRequest("Cannot serve a range: the size must be digits");
    // go-httpbin: the count is in [1, max]; an empty body has no range to ask for.
    if (size < 1 || size > config.maxGeneratedBytes) {
      return badRequest(
        `Cannot serve ${
          shownInteger(size)
        } bytes: the size must be 1 to ${config.maxGeneratedBytes}`,
      );
    }
    const pairs = parseQueryAsGo(req.query);
    const durationText = optionalValue(pairs, "duration");
    // As in go-httpbin, an empty `duration=` is no duration.
    const duration = durationText === undefined || durationText === ""
      ? 0
      : parseDurationMillis(durationText);
    if (duration === null) {
      return badRequest("Cannot serve a range: the duration must be a Go duration or seconds");
    }
    if (duration > config.maxDelaySeconds * MS_PER_SECOND) {
      return tooLong("spread a range over", duration, config);
    }
    const msPerByte = duration / size;
    const etag = `"range${size}"`;
    const headers: Array<[string, string]> = [
      ["Content-Type", CONTENT_TYPE],
      ["Accept-Ranges", "bytes"],
      ["ETag", etag],
    ];
    // The preconditions as the app evaluates them for files (RFC 9110 §13.2.2), as Go's
    // ServeContent does before ranges: no modification time, so only the entity-tag conditions.
    const validators: Validators = { etag, lastModifiedMs: null };
    const pre = evaluatePreconditions(req.method, req.headers, validators);
    if (pre === "not-modified") {
      // §15.4.5: the validator fields go out; the content's type and length do not (Go's too).
      return { status: STATUS.NotModified, headers: headers.slice(1) };
    }
    if (pre === "failed") {
      const res = textResponse(STATUS.PreconditionFailed, "Precondition failed\n");
      res.headers!.push(...headers.slice(1));
      return res;
    }
    const rangeValue = req.headers.get("range");
    // RFC 9110 §14.2: Range is for GET (HEAD answers as GET would); other methods ignore it.
    // §13.1.5: If-Range holds only for our entity-tag, strongly compared (no date can match).
    const rangeApplies = rangeValue !== undefined &&
      (req.method === "GET" || req.method === "HEAD") &&
      ifRangePasses(req.headers.list("if-range"), validators);
    const ask = rangeApplies ? parseByteRanges(rangeValue, size) : { kind: "whole" as const };
    switch (ask.kind) {
      case "whole":
        return { status: STATUS.OK, headers, body: slice(0, size, msPerByte, req.signal) };
      case "invalid":
        return refuse(INVALID_RANGE, headers);
      case "no-overlap":
        return refuse(NO_OVERLAP, [...headers, ["Content-Range", `bytes */${size}`]]);
    }
    if (ask.ranges.length === 1) {
      const [{ first, last }] = ask.ranges;
      headers.push(["Content-Range", `bytes ${first}-${last}/${size}`]);
      return {
        status: STATUS.PartialContent,
        headers,
        body: slice(first, last + 1, msPerByte, req.signal),
      };
    }
    const source = (r: ByteRange) => pattern(r.first, r.last + 1, msPerByte, req.signal);
    const parts = byterangesBody(ask.ranges, size, CONTENT_TYPE, source);
    return {
      status: STATUS.PartialContent,
      headers: [["Content-Type", parts.contentType], ...headers.slice(1)],
      body: { kind: "stream", stream: parts.stream, length: parts.length },
    };
  };
}

/** A 416 with Go's text, keeping the fields that describe the resource (ETag, Accept-Ranges). */
function refuse(text: string, headers: Array<[string, string]>): HttpResponse {
  const res = textResponse(STATUS.RangeNotSatisfiable, text);
  res.headers!.push(...headers.slice(1));
  return res;
}
