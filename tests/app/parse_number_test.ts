/** Numbers from URLs, parsed by hand. */

import { parseDigits, parseMillis } from "../../src/app/parse_number.ts";
import { assertEquals } from "../support/assert.ts";

const DIGITS: Array<[string, number | null]> = [
  ["0", 0],
  ["007", 7],
  ["1024", 1024],
  ["9007199254740991", Number.MAX_SAFE_INTEGER],
  ["9007199254740992", Infinity],
  ["10000000000000000000000", Infinity],
  ["", null],
  ["-1", null],
  ["+1", null],
  ["1e3", null],
  ["0x10", null],
  [" 1", null],
  ["1.5", null],
  ["Infinity", null],
];

for (const [input, expected] of DIGITS) {
  Deno.test(`parseDigits gives ${expected} for ${JSON.stringify(input)}`, () => {
    assertEquals(parseDigits(input), expected);
  });
}

const MILLIS: Array<[string, number | null]> = [
  ["2", 2000],
  ["0.5", 500],
  ["1.25", 1250],
  ["0.0001", 0],
  ["1.9999", 1999],
  ["1.", null],
  [".5", null],
  ["1.2.3", null],
  ["-1", null],
  ["1e2", null],
  ["99999999999999999999", Infinity],
];

for (const [input, expected] of MILLIS) {
  Deno.test(`parseMillis gives ${expected} for ${JSON.stringify(input)}`, () => {
    assertEquals(parseMillis(input), expected);
  });
}
