/**
 * The `Server-Timing` field (W3C Server Timing) as go-httpbin writes it for `/delay`, `/drip` and
 * `/sse`: `name;dur=<ms with two decimals>;desc="<text>"`, entries joined by `, `.
 *
 * This module must not know about requests.
 * @module
 */

/** The field's name, for headers and for the `Trailer` field that announces it. */
export const SERVER_TIMING = "Server-Timing";

/** One metric: go-httpbin's names and descriptions, a duration in milliseconds. */
export interface ServerTiming {
  name: string;
  ms: number;
  desc: string;
}

const NANOS_PER_MS = 1e6;
/** Nanoseconds in one hundredth of a millisecond: the field's precision (Go's `%0.2f` of ms). */
const NANOS_PER_HUNDREDTH = 1e4;
const HUNDREDTHS_PER_MS = 100;
const FRACTION_DIGITS = 2;

/**
 * `ms` with exactly two decimals, rounded from whole nanoseconds half to even as Go's `%0.2f`
 * does (JavaScript's `toFixed` rounds halves up and works on the binary value).
 */
export function formatMillis(ms: number): string {
  const nanos = Math.round(ms * NANOS_PER_MS);
  let hundredths = Math.floor(nanos / NANOS_PER_HUNDREDTH);
  const rest = nanos - hundredths * NANOS_PER_HUNDREDTH;
  const half = NANOS_PER_HUNDREDTH / 2;
  if (rest > half || (rest === half && hundredths % 2 === 1)) hundredths++;
  const whole = Math.floor(hundredths / HUNDREDTHS_PER_MS);
  const fraction = String(hundredths % HUNDREDTHS_PER_MS).padStart(FRACTION_DIGITS, "0");
  return `${whole}.${fraction}`;
}

/** The field value for `timings`, in go-httpbin's `encodeServerTimings` format. */
export function encodeServerTimings(timings: readonly ServerTiming[]): string {
  return timings.map((t) => `${t.name};dur=${formatMillis(t.ms)};desc="${t.desc}"`).join(", ");
}
