/**
 * Times as go-httpbin reads them (its `parseDuration`): Go's `time.ParseDuration` syntax
 * (`1h2m3.5s`, `100ms`, `10us`, `5ns`), else a decimal number of seconds (`1.5`). Parsed by hand:
 * `Number()` and `parseFloat` accept exponents, hex, `Infinity` and whitespace.
 *
 * This module must not know about requests.
 * @module
 */

import { parseDigits, parseMillis } from "../app/parse_number.ts";
import { goDecimalParts } from "./go_decimal.ts";

/** Nanoseconds per unit, as Go's `time` package names them (both spellings of micro). */
const NANOS_PER_UNIT: ReadonlyMap<string, number> = new Map([
  ["ns", 1],
  ["us", 1e3],
  ["\u00b5s", 1e3], // µ MICRO SIGN
  ["\u03bcs", 1e3], // μ GREEK SMALL LETTER MU
  ["ms", 1e6],
  ["s", 1e9],
  ["m", 60e9],
  ["h", 3600e9],
]);
const NANOS_PER_MS = 1e6;
/** Go durations are int64 nanoseconds: a longer one is an error there, so it is here. */
const MAX_DURATION_NANOS = 2 ** 63 - 1;
const DECIMAL_RADIX = 10;
/** Fraction digits past this many are dropped, as Go stops before its int64 would overflow. */
const MAX_FRACTION_DIGITS = 15;

const DIGITS = /^[0-9]*/;
const UNIT = /^[^0-9.]*/;

/**
 * `s` in Go's `time.ParseDuration` syntax as milliseconds (fractional: `10us` is 0.01), or null
 * when it is not one. A sign is allowed as in Go; a negative duration is returned negative.
 */
export function parseGoDuration(s: string): number | null {
  let rest = s;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    sign = rest.startsWith("-") ? -1 : 1;
    rest = rest.slice(1);
  }
  // Go's special case: a bare zero needs no unit.
  if (rest === "0") return 0;
  if (rest === "") return null;
  let nanos = 0;
  while (rest !== "") {
    const whole = DIGITS.exec(rest)![0];
    rest = rest.slice(whole.length);
    let fraction = "";
    if (rest.startsWith(".")) {
      fraction = DIGITS.exec(rest.slice(1))![0];
      rest = rest.slice(1 + fraction.length);
    }
    // Go: a number needs a digit on one side of the dot at least (`.s` is refused).
    if (whole === "" && fraction === "") return null;
    const unit = UNIT.exec(rest)![0];
    rest = rest.slice(unit.length);
    const scale = NANOS_PER_UNIT.get(unit);
    if (scale === undefined) return null;
    nanos += (whole === "" ? 0 : parseDigits(whole)!) * scale + fractionNanos(fraction, scale);
    if (nanos > MAX_DURATION_NANOS) return null;
  }
  // Go truncates to whole nanoseconds; `-0s` is plain zero.
  return nanos === 0 ? 0 : (sign * Math.trunc(nanos)) / NANOS_PER_MS;
}

/**
 * The nanoseconds of fraction digits `digits` of a unit of `unitNanos`, computed as Go does:
 * the digits as an integer f over 10^len, `trunc(f * (unit / 10^len))`.
 */
function fractionNanos(digits: string, unitNanos: number): number {
  if (digits === "") return 0;
  const kept = digits.slice(0, MAX_FRACTION_DIGITS);
  return Math.trunc(parseDigits(kept)! * (unitNanos / DECIMAL_RADIX ** kept.length));
}

/**
 * A time parameter as go-httpbin reads it, in milliseconds: a Go duration, else decimal seconds
 * (`2`, `0.5`, `.5`, `5.`, optionally signed) to whole milliseconds. Null when it is neither, or
 * negative (go-httpbin's bounds refuse those with the same 400; `-0` is zero). Exponents, hex
 * floats and `inf`, which Go's float parser would also take, are refused.
 */
export function parseDurationMillis(s: string): number | null {
  const go = parseGoDuration(s);
  if (go !== null) return go < 0 ? null : go;
  // The decimals every other httpbin number takes (go_decimal.ts), to the millisecond by digits
  // (go-httpbin's float product can land a hair under: 1.001 s would be 1000 ms there).
  const parts = goDecimalParts(s);
  if (parts === null) return null;
  const millis = parseMillis(`${parts.whole || "0"}.${parts.fraction || "0"}`);
  // `-0` and `-0.0` are zero, as for Go; any other negative time is refused.
  return parts.negative && millis !== 0 ? null : millis;
}
