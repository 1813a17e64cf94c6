/**
 * httpbin's `/range/<n>`: n bytes of `abc…xyzabc…` that honour a single byte range
 * (RFC 9110 §14): 206 with Content-Range, 416 with `Content-Range: bytes *\/<n>` when the
 * range cannot be satisfied, and the full 200 otherwise.
 *
 * This module must not touch sockets.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse, ResponseBody } from "../http/types.ts";
import type { AppConfig } from "../app/app_config.ts";
import { parseEntityTag, strongMatch } from "../app/etag.ts";
import { parseDigits } from "../app/parse_number.ts";
import { badRequest } from "../app/json_response.ts";
import { GENERATED_PIECE_BYTES } from "./data.ts";

const ALPHABET = new TextEncoder().encode("abcdefghijklmnopqrstuvwxyz");
const RANGE_UNIT = "bytes=";

/** A satisfiable byte range, inclusive (RFC 9110 §14.1.2). */
export interface ByteRange {
  first: number;
  last: number;
}

/**
 * The range a `Range` value asks of a body of `size` bytes (RFC 9110 §14.1.2): a range, "none"
 * when it cannot be satisfied (416), or "ignore" when the field is malformed, lists several
 * ranges (which we may serve whole, RFC 9110 §14.2), or uses another unit.
 */
export function parseSingleRange(value: string, size: number): ByteRange | "none" | "ignore" {
  if (!value.toLowerCase().startsWith(RANGE_UNIT)) return "ignore";
  const spec = value.slice(RANGE_UNIT.length).trim();
  if (spec.includes(",")) return "ignore";
  const dash = spec.indexOf("-");
  if (dash === -1) return "ignore";
  const firstText = spec.slice(0, dash).trim();
  const lastText = spec.slice(dash + 1).trim();
  if (firstText === "") {
    // suffix-range: the last N bytes; "-0" asks for nothing.
    const suffix = parseDigits(lastText);
    if (suffix === null) return "ignore";
    if (suffix === 0 || size === 0) return "none";
    return { first: Math.max(0, size - suffix), last: size - 1 };
  }
  const first = parseDigits(firstText);
  const last = lastText === "" ? Infinity : parseDigits(lastText);
  if (first === null || last === null || last < first) return "ignore";
  if (first >= size) return "none";
  return { first, last: Math.min(last, size - 1) };
}

/** The pattern bytes `[from, to)` of the body, in pieces of at most one generated piece. */
async function* pattern(from: number, to: number): AsyncGenerator<Uint8Array> {
  for (let at = from; at < to;) {
    const piece = patternBytes(at, Math.min(to, at + GENERATED_PIECE_BYTES));
    at += piece.length;
    yield piece;
  }
}

function patternBytes(from: number, to: number): Uint8Array {
  const out = new Uint8Array(to - from);
  for (let i = 0; i < out.length; i++) out[i] = ALPHABET[(from + i) % ALPHABET.length];
  return out;
}

function slice(from: number, to: number): ResponseBody {
  const n = to - from;
  return n <= GENERATED_PIECE_BYTES
    ? patternBytes(from, to)
    : { kind: "stream", stream: pattern(from, to), length: n };
}

/**
 * `/range/<n>`: ETag `"range<n>"`, `Accept-Ranges: bytes`; honours `Range` (one range) and
 * `If-Range` with that ETag (strong comparison, RFC 9110 §13.1.5: anything else sends all).
 * n ≤ maxGeneratedBytes.
 */
export function rangeHandler(prefix: string, config: AppConfig) {
  return (req: HttpRequest): HttpResponse => {
    const size = parseDigits(req.path.slice(prefix.length));
    if (size === null) return badRequest("Cannot serve a range: the size must be digits");
    if (size > config.maxGeneratedBytes) {
      return badRequest(`Cannot serve ${size} bytes: the most is ${config.maxGeneratedBytes}`);
    }
    const etag = `"range${size}"`;
    const headers: Array<[string, string]> = [
      ["Content-Type", "application/octet-stream"],
      ["Accept-Ranges", "bytes"],
      ["ETag", etag],
    ];
    const rangeValue = req.headers.get("range");
    const ifRange = req.headers.get("if-range");
    const tag = ifRange === undefined ? null : parseEntityTag(ifRange);
    const ours = { weak: false, opaque: `range${size}` };
    // RFC 9110 §14.2: Range is for GET (HEAD answers as GET would); other methods ignore it.
    const rangeApplies = rangeValue !== undefined &&
      (req.method === "GET" || req.method === "HEAD") &&
      (ifRange === undefined || (tag !== null && strongMatch(tag, ours)));
    const range = rangeApplies ? parseSingleRange(rangeValue, size) : "ignore";
    if (range === "none") {
      headers.push(["Content-Range", `bytes */${size}`]);
      return { status: STATUS.RangeNotSatisfiable, headers, body: "" };
    }
    if (range === "ignore") return { status: STATUS.OK, headers, body: slice(0, size) };
    headers.push(["Content-Range", `bytes ${range.first}-${range.last}/${size}`]);
    return { status: STATUS.PartialContent, headers, body: slice(range.first, range.last + 1) };
  };
}
