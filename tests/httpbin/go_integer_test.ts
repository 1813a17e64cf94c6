/** Go's Atoi syntax: sign, digits, nothing else. */

import { parseGoCount, parseGoInteger } from "../../src/httpbin/go_integer.ts";
import { assertEquals } from "../support/assert.ts";

const CASES: Array<[string, number | null]> = [
  ["0", 0],
  ["42", 42],
  ["011", 11],
  ["+7", 7],
  ["-12345", -12345],
  ["-0", 0],
  ["99999999999999999999", Infinity],
  ["-99999999999999999999", -Infinity],
  ["", null],
  ["-", null],
  ["+-1", null],
  ["--1", null],
  ["1.5", null],
  ["0x10", null],
  [" 1", null],
  ["1e3", null],
];

Deno.test("parseGoInteger reads an optional sign and digits, as Go's Atoi", () => {
  for (const [text, want] of CASES) assertEquals(parseGoInteger(text), want, text);
});

Deno.test("parseGoCount reads a Go integer that is not negative, a leading + included", () => {
  const cases: Array<[string, number | null]> = [
    ["5", 5],
    ["+5", 5],
    ["-0", 0],
    ["+0", 0],
    ["-1", null],
    ["++5", null],
    ["", null],
    ["99999999999999999999", Infinity],
  ];
  for (const [text, want] of cases) assertEquals(parseGoCount(text), want, text);
});
