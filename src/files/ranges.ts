/**
 * The Range header for byte ranges (RFC 9110 §14.1.2): parse a ranges-specifier against a
 * representation's length, decide satisfiable / unsatisfiable / ignore, and keep abusive sets in
 * check (§14.2). Digits are read by hand, saturating instead of overflowing.
 *
 * This module must not touch the disk or build responses.
 * @module
 */

import { trimOws } from "../http/ows.ts";

/** Most ranges served in one response; a longer set is ignored (200, whole file; §14.2 MAY). */
export const MAX_RANGES = 16;

/** One satisfiable range: first and last byte positions, both inclusive. */
export interface ByteRange {
  start: number;
  end: number;
}

/** What a Range header asks for. */
export type RangeRequest =
  /** No usable Range: absent, another unit, malformed or abusive — serve the whole thing. */
  | { kind: "none" }
  /** Well-formed but no range overlaps the representation: 416. */
  | { kind: "unsatisfiable" }
  /** One or more satisfiable ranges, in the order to send them. */
  | { kind: "ranges"; ranges: ByteRange[] };

const NONE: RangeRequest = { kind: "none" };
const UNSATISFIABLE: RangeRequest = { kind: "unsatisfiable" };
/** Any number past this is treated as "larger than every file" instead of losing precision. */
const SATURATED = Number.MAX_SAFE_INTEGER;
const SATURATION_GUARD = Math.floor(SATURATED / 10) - 10;
const UNIT = "bytes=";

/**
 * Parses `value` (the Range field) for a representation of `size` bytes. Malformed values and
 * units other than `bytes` are ignored (`none`), as RFC 9110 §14.2 asks, and so is any range
 * set on an empty representation. Overlapping or adjacent
 * ranges are sorted and merged (§14.2 lets a server coalesce them), so a request for the same
 * bytes many times over costs no more than asking once.
 */
export function parseRange(value: string | undefined, size: number): RangeRequest {
  if (value === undefined) return NONE;
  // An empty representation has no byte to satisfy an int-range with (§14.1.1), yet browsers'
  // media elements and download managers send `bytes=0-` with every request. §14.2 lets a
  // server ignore Range: like Go's ServeContent (golang/go#54794) and nginx, the whole (empty)
  // representation (200) rather than 416.
  if (size === 0) return NONE;
  if (value.length < UNIT.length || value.slice(0, UNIT.length).toLowerCase() !== UNIT) return NONE;
  const specs = value.slice(UNIT.length).split(",");
  const ranges: ByteRange[] = [];
  let seen = 0;
  for (const raw of specs) {
    const spec = trimOws(raw);
    if (spec === "") continue; // empty list elements are allowed (RFC 9110 §5.6.1)
    if (++seen > MAX_RANGES) return NONE;
    const dash = spec.indexOf("-");
    if (dash === -1) return NONE;
    const first = spec.slice(0, dash);
    const last = spec.slice(dash + 1);
    if (first === "") {
      // suffix-range: the last N bytes (size > 0 here).
      const n = decimal(last);
      if (n === null) return NONE;
      if (n > 0) ranges.push({ start: Math.max(0, size - n), end: size - 1 });
      continue;
    }
    const start = decimal(first);
    const end = last === "" ? SATURATED : decimal(last);
    if (start === null || end === null || end < start) return NONE;
    if (start < size) ranges.push({ start, end: Math.min(end, size - 1) });
  }
  if (seen === 0) return NONE;
  if (ranges.length === 0) return UNSATISFIABLE;
  return { kind: "ranges", ranges: coalesce(ranges) };
}

/** The ranges as given when none overlap or touch; otherwise sorted and merged. */
function coalesce(ranges: ByteRange[]): ByteRange[] {
  if (ranges.length === 1) return ranges;
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  let touching = false;
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].start <= sorted[i - 1].end + 1) touching = true;
  }
  if (!touching) return ranges;
  const merged: ByteRange[] = [{ ...sorted[0] }];
  for (let i = 1; i < sorted.length; i++) {
    const top = merged[merged.length - 1];
    if (sorted[i].start <= top.end + 1) top.end = Math.max(top.end, sorted[i].end);
    else merged.push({ ...sorted[i] });
  }
  return merged;
}

/** 1*DIGIT as a number (saturating), or null when empty or not all digits. */
function decimal(s: string): number | null {
  if (s.length === 0) return null;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return null;
    v = v > SATURATION_GUARD ? SATURATED : v * 10 + d;
  }
  return v;
}
