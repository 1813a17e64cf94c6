/**
 * Numbers from URLs (paths like `/bytes/1024`, queries like `?duration=1.5`), parsed by hand:
 * `Number()` and `parseInt` accept signs, exponents, hex, whitespace and `Infinity`, none of
 * which a strict server should read as a size or a time.
 *
 * This module must not know about requests.
 * @module
 */

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const DECIMAL_RADIX = 10;
/** Most fraction digits kept in a decimal: milli-precision is plenty for seconds. */
const MAX_FRACTION_DIGITS = 3;
const MILLI = 1000;

/**
 * The value of `s` when it is 1 or more ASCII digits (leading zeros allowed), else null. A value
 * past `Number.MAX_SAFE_INTEGER` comes back as `Infinity`, so that callers report "too large"
 * rather than "not a number", without any precision games.
 */
export function parseDigits(s: string): number | null {
  if (s.length === 0) return null;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) return null;
    if (v > (Number.MAX_SAFE_INTEGER - (c - DIGIT_0)) / DECIMAL_RADIX) v = Infinity;
    else if (v !== Infinity) v = v * DECIMAL_RADIX + (c - DIGIT_0);
  }
  return v;
}

/**
 * A non-negative decimal such as `2`, `0.5` or `1.250` scaled by 1000 and rounded down (so
 * seconds come back as milliseconds), or null when `s` is not `digits[.digits]`. Fraction digits
 * past the third are checked but ignored.
 */
export function parseMillis(s: string): number | null {
  const dot = s.indexOf(".");
  const whole = parseDigits(dot === -1 ? s : s.slice(0, dot));
  if (whole === null) return null;
  let fraction = 0;
  if (dot !== -1) {
    const digits = s.slice(dot + 1);
    if (parseDigits(digits) === null) return null;
    for (let i = 0; i < MAX_FRACTION_DIGITS; i++) {
      const c = i < digits.length ? digits.charCodeAt(i) - DIGIT_0 : 0;
      fraction = fraction * DECIMAL_RADIX + c;
    }
  }
  return whole === Infinity ? Infinity : whole * MILLI + fraction;
}
