/**
 * The `Range` field of a `/range/<n>` request read as go-httpbin reads it (Go's `http.ServeContent`
 * and its `parseRange`): every range is kept, in the order asked, without merging; a malformed
 * range inside `bytes=`, or `bytes` not followed at once by `=`, makes the whole field invalid
 * (416), another unit is ignored, one past the end is dropped, and none left is "no overlap"
 * (416 with `Content-Range: bytes *\/<n>`).
 *
 * This module must not know about requests or responses.
 * @module
 */

import { trimOws } from "../http/ows.ts";
import { parseDigits } from "../app/parse_number.ts";

/** The unit wireserve serves; other units are ignored (RFC 9110 §14.2), units are case-blind. */
const RANGE_UNIT = "bytes=";
const BYTES_UNIT = "bytes";
/**
 * Most ranges served in one answer. A longer list is served whole (200; RFC 9110 §14.2 lets a
 * server ignore a Range), so one request cannot ask for thousands of parts.
 */
export const MAX_RANGES = 16;

/** A satisfiable byte range, both ends inclusive (RFC 9110 §14.1.2). */
export interface ByteRange {
  first: number;
  last: number;
}

/** What a Range field asks of a body. */
export type RangeAsk =
  /** No Range to honour (absent, another unit, empty, too many, more bytes than the body): 200. */
  | { kind: "whole" }
  /** A range that does not parse, or whose last byte is before its first: 416 "invalid range". */
  | { kind: "invalid" }
  /** Well-formed, but every range starts past the end: 416 with Content-Range `bytes *\/n`. */
  | { kind: "no-overlap" }
  /** One or more ranges, in the order asked. */
  | { kind: "ranges"; ranges: ByteRange[] };

const WHOLE: RangeAsk = { kind: "whole" };
const INVALID: RangeAsk = { kind: "invalid" };
const NO_OVERLAP: RangeAsk = { kind: "no-overlap" };

/** The ranges `value` asks of a body of `size` bytes (size ≥ 1), step by step as Go does. */
export function parseByteRanges(value: string, size: number): RangeAsk {
  if (value.slice(0, RANGE_UNIT.length).toLowerCase() !== RANGE_UNIT) {
    // `bytes = 0-4` or a bare `bytes` names our unit but is no ranges-specifier (RFC 9110 §14.2:
    // no whitespace around `=`): malformed, 416 as in Go. Another unit is ignored.
    const eq = value.indexOf("=");
    const unit = trimOws(eq === -1 ? value : value.slice(0, eq)).toLowerCase();
    return unit === BYTES_UNIT ? INVALID : WHOLE;
  }
  const ranges: ByteRange[] = [];
  let dropped = false;
  for (const raw of value.slice(RANGE_UNIT.length).split(",")) {
    // OWS only, as Go's textproto.TrimString: `0-1\xA0` is malformed, not bytes 0-1.
    const spec = trimOws(raw);
    if (spec === "") continue; // empty list elements are allowed (RFC 9110 §5.6.1)
    if (ranges.length >= MAX_RANGES) return WHOLE;
    const dash = spec.indexOf("-");
    if (dash === -1) return INVALID;
    const firstText = trimOws(spec.slice(0, dash));
    const lastText = trimOws(spec.slice(dash + 1));
    if (firstText === "") {
      // suffix-range: the last N bytes; "-0" asks for nothing (RFC 9110 §14.1.3).
      const suffix = parseDigits(lastText);
      if (suffix === null) return INVALID;
      if (suffix === 0) {
        dropped = true;
        continue;
      }
      ranges.push({ first: Math.max(0, size - suffix), last: size - 1 });
      continue;
    }
    const first = parseDigits(firstText);
    if (first === null) return INVALID;
    if (first >= size) {
      dropped = true;
      continue;
    }
    if (lastText === "") {
      ranges.push({ first, last: size - 1 });
      continue;
    }
    const last = parseDigits(lastText);
    if (last === null || last < first) return INVALID;
    ranges.push({ first, last: Math.min(last, size - 1) });
  }
  if (ranges.length === 0) return dropped ? NO_OVERLAP : WHOLE;
  // Go's guard: ranges adding up to more than the body (overlaps asked many times over) are an
  // abuse, and the whole body is cheaper to send.
  const total = ranges.reduce((sum, r) => sum + r.last - r.first + 1, 0);
  return total > size ? WHOLE : { kind: "ranges", ranges };
}
