/** Go's time.ParseDuration syntax, and go-httpbin's fallback to decimal seconds. */

import { parseDurationMillis, parseGoDuration } from "../../src/httpbin/go_duration.ts";
import { assertEquals } from "../support/assert.ts";

/** [input, Go duration in ms or null, time parameter in ms or null]. */
const CASES: Array<[string, number | null, number | null]> = [
  ["1h2m3.5s", 3_723_500, 3_723_500],
  ["100ms", 100, 100],
  ["0ms", 0, 0],
  ["0h", 0, 0],
  ["0", 0, 0],
  ["1.5s", 1500, 1500],
  [".5s", 500, 500],
  ["5.s", 5000, 5000],
  ["10us", 0.01, 0.01],
  ["10\u00b5s", 0.01, 0.01],
  ["10\u03bcs", 0.01, 0.01],
  ["5ns", 0.000005, 0.000005],
  ["1m30s", 90_000, 90_000],
  ["+1s", 1000, 1000],
  ["-1s", -1000, null],
  ["-0s", 0, 0],
  // Not Go durations: decimal seconds, truncated to milliseconds.
  ["2", null, 2000],
  ["0.1", null, 100],
  ["1.0005", null, 1000],
  [".5", null, 500],
  ["5.", null, 5000],
  ["+2", null, 2000],
  // Signed as Go's ParseFloat takes them: a negative zero (or a value that truncates to 0 ms, as
  // Go's Duration(n*1000) does) is zero; any other negative time is refused.
  ["-0.0", null, 0],
  ["-.0", null, 0],
  ["-0.0001", null, 0],
  ["-0.5", null, null],
  // Neither.
  ["", null, null],
  [".", null, null],
  ["s", null, null],
  [".s", null, null],
  ["1", null, 1000],
  ["1x", null, null],
  ["1S", null, null],
  ["1 s", null, null],
  [" 1s", null, null],
  ["1constructor", null, null],
  ["1e3", null, null],
  ["0x10", null, null],
  ["-2", null, null],
  ["Infinity", null, null],
  ["NaN", null, null],
  ["9999999999h", null, null],
];

for (const [input, go, millis] of CASES) {
  Deno.test(`parseGoDuration and parseDurationMillis read "${input}"`, () => {
    assertEquals(parseGoDuration(input), go);
    assertEquals(parseDurationMillis(input), millis);
  });
}
