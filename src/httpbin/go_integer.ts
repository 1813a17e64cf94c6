/**
 * Integers as go-httpbin reads them (Go's `strconv.Atoi` / `ParseInt(s, 10, 64)`): an optional
 * `+` or `-`, then decimal digits. go-httpbin then clamps or ignores values out of range where
 * wireserve used to refuse them (`/stream/-100` is one line, `/links/2/-1` marks no link).
 *
 * This module must not know about requests.
 * @module
 */

import { parseDigits } from "../app/parse_number.ts";
import { percentDecode } from "../app/percent_decode.ts";

/**
 * The value of `s` when it is `[+-]digits`, else null. Like {@link parseDigits}, a magnitude past
 * `Number.MAX_SAFE_INTEGER` comes back as ±Infinity, so callers clamp or refuse it as too large.
 */
export function parseGoInteger(s: string): number | null {
  const negative = s.startsWith("-");
  const digits = negative || s.startsWith("+") ? s.slice(1) : s;
  const magnitude = parseDigits(digits);
  if (magnitude === null) return null;
  return negative ? 0 - magnitude : magnitude; // 0 - x: "-0" is plain 0, not -0
}

/**
 * A count or size in a path (`/bytes/<n>`, `/redirect/<n>`, `/status/<code>`…) as go-httpbin
 * reads it with `strconv.Atoi`, `+5` included: the value when it is a Go integer and not
 * negative, else null (`-0` is 0). One reader for every count, so no route is stricter than
 * another about the same text.
 */
export function parseGoCount(s: string): number | null {
  const n = parseGoInteger(s);
  return n === null || n < 0 ? null : n;
}

/**
 * {@link parseGoInteger} of a path segment as it came on the wire, decoded first: go-httpbin reads
 * the decoded path (`r.PathValue`), so `/bytes/%2B5` is `/bytes/+5`. Null when the segment is not
 * a Go integer once decoded, or its escapes are malformed. Every integer a route reads from its
 * path goes through here, so no route reads `%2B` differently from another.
 */
export function parseGoIntegerSegment(segment: string): number | null {
  const text = percentDecode(segment);
  return text === null ? null : parseGoInteger(text);
}

/** {@link parseGoCount} of a path segment, decoded first (see {@link parseGoIntegerSegment}). */
export function parseGoCountSegment(segment: string): number | null {
  const text = percentDecode(segment);
  return text === null ? null : parseGoCount(text);
}

/**
 * An integer as an error message shows it: a magnitude past `Number.MAX_SAFE_INTEGER` (read as
 * ±Infinity) as that bound "or more" (or "or less"), never "Infinity".
 */
export function shownInteger(n: number): string {
  if (Number.isFinite(n)) return String(n);
  return n > 0 ? `${Number.MAX_SAFE_INTEGER} or more` : `-${Number.MAX_SAFE_INTEGER} or less`;
}
