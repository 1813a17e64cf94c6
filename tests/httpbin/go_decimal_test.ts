/** The one decimal reader of the httpbin surface: weights, rates, jitter, seconds. */

import { goDecimalParts, parseGoDecimal } from "../../src/httpbin/go_decimal.ts";
import { assertEquals } from "../support/assert.ts";

/** [input, value or null]: what Go's ParseFloat takes in plain decimal form, and no more. */
const CASES: Array<[string, number | null]> = [
  ["0", 0],
  ["1", 1],
  ["0.5", 0.5],
  [".5", 0.5],
  ["5.", 5],
  ["+0.5", 0.5],
  ["+1", 1],
  ["-0", 0],
  ["-0.0", 0],
  ["-0.25", -0.25],
  ["00.100", 0.1],
  // Real decimals, not thousandths.
  ["0.0004", 0.0004],
  ["0.0009", 0.0009],
  ["0.0000000000000001", 1e-16],
  ["123.456", 123.456],
  ["0.12345678901234567", 0.123456789012345], // 15 significant digits kept
  ["1234567890123456", 1234567890123450],
  ["9007199254740993", Infinity], // a whole part past 2^53: too large, as for integers
  ["99999999999999999999", Infinity],
  ["-99999999999999999999", -Infinity],
  // Refused, as documented: no exponent, hex, inf, NaN, underscore, space or bare sign/dot.
  ["", null],
  [".", null],
  ["+", null],
  ["-", null],
  ["+.", null],
  ["1e3", null],
  ["1E-1", null],
  ["0x1p0", null],
  ["inf", null],
  ["Infinity", null],
  ["NaN", null],
  ["1_0", null],
  [" 1", null],
  ["1 ", null],
  ["1.2.3", null],
  ["--1", null],
  ["\u0661", null], // ARABIC-INDIC DIGIT ONE
];

for (const [input, want] of CASES) {
  Deno.test(`parseGoDecimal reads "${input}" as ${want}`, () => {
    const got = parseGoDecimal(input);
    assertEquals(got, want);
    if (got === 0) assertEquals(Object.is(got, -0), false, "-0 is plain 0");
  });
}

Deno.test("goDecimalParts keeps the digits as written", () => {
  assertEquals(goDecimalParts("-.5"), { negative: true, whole: "", fraction: "5" });
  assertEquals(goDecimalParts("+5."), { negative: false, whole: "5", fraction: "" });
  assertEquals(goDecimalParts("."), null);
});
