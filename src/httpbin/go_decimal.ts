/**
 * Decimal numbers as go-httpbin reads them (Go's `strconv.ParseFloat`), narrowed to plain
 * decimals: an optional `+` or `-`, then `digits[.digits]`, `.5` and `5.` included. Exponents,
 * hex floats, `inf`, `NaN` and `_`, which Go's parser also takes, are refused: no client writes a
 * rate or a jitter that way, and each is a way to smuggle a huge or odd value past a bound. One
 * reader for every decimal of the httpbin surface (`/status` weights, `/unstable`'s
 * `failure_rate`, `jitter`, the seconds of a time), so no route is stricter than another.
 *
 * This module must not know about requests.
 * @module
 */

import { parseDigits } from "../app/parse_number.ts";

/** `[+-]`, whole digits, and a fraction after a dot; either side of the dot may be empty. */
const DECIMAL = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/;
const DECIMAL_RADIX = 10;
/**
 * Significant digits kept: 15 always fit a double exactly (2^53 has 16 digits); the rest are
 * dropped (truncated), a change past the 15th digit, far below any weight's or rate's meaning.
 */
const MAX_SIGNIFICANT_DIGITS = 15;

/** A decimal split into its sign and digit strings, as it was written. */
export interface DecimalParts {
  negative: boolean;
  /** Digits before the dot; "" for `.5`. */
  whole: string;
  /** Digits after the dot; "" for `5` and `5.`. */
  fraction: string;
}

/**
 * The parts of `s` when it is a plain decimal as described in the module doc (a digit on one side
 * of the dot at least: `.` and `+` alone are refused, as Go refuses them), else null.
 */
export function goDecimalParts(s: string): DecimalParts | null {
  const m = DECIMAL.exec(s);
  if (m === null) return null;
  const whole = m[2];
  const fraction = m[3] ?? "";
  if (whole === "" && fraction === "") return null;
  return { negative: m[1] === "-", whole, fraction };
}

/**
 * The value of `s` as a number (see the module doc), or null when it is not a plain decimal.
 * Negative values come back negative (callers refuse them where go-httpbin would answer
 * nonsense), `-0` as 0; a whole part past `Number.MAX_SAFE_INTEGER` as ±Infinity, so callers
 * refuse it as too large. Read exactly, not to the thousandth: `0.0004` is 0.0004.
 */
export function parseGoDecimal(s: string): number | null {
  const parts = goDecimalParts(s);
  if (parts === null) return null;
  const wholeValue = parts.whole === "" ? 0 : parseDigits(parts.whole)!;
  if (wholeValue === Infinity) return parts.negative ? -Infinity : Infinity;
  const magnitude = decimalValue(parts.whole + parts.fraction, parts.fraction.length);
  if (magnitude === 0) return 0; // `-0` is plain 0
  return parts.negative ? -magnitude : magnitude;
}

/**
 * The value of the digits `digits` with the last `scale` of them after the dot. Leading zeros
 * and trailing fraction zeros are dropped first, then at most {@link MAX_SIGNIFICANT_DIGITS}
 * digits kept, so the mantissa is an exact integer and one multiplication or division by a power
 * of ten (exact up to 10^22) gives the nearest double for short inputs.
 */
function decimalValue(digits: string, scale: number): number {
  let start = 0;
  while (start < digits.length && digits[start] === "0") start++;
  let end = digits.length;
  let exponent = -scale;
  while (end > start && digits[end - 1] === "0" && exponent < 0) {
    end--;
    exponent++;
  }
  if (start === end) return 0;
  if (end - start > MAX_SIGNIFICANT_DIGITS) {
    exponent += end - start - MAX_SIGNIFICANT_DIGITS;
    end = start + MAX_SIGNIFICANT_DIGITS;
  }
  const mantissa = parseDigits(digits.slice(start, end))!;
  return exponent < 0
    ? mantissa / DECIMAL_RADIX ** -exponent
    : mantissa * DECIMAL_RADIX ** exponent;
}
