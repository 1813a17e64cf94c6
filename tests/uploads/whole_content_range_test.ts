/**
 * Which `Content-Range` values on an upload name the whole body (stored as a plain upload) and
 * which name a piece (refused by the caller).
 */

import { namesWholeBody } from "../../src/uploads/whole_content_range.ts";
import { assertEquals } from "../support/assert.ts";

/** [case, Content-Range value, declared Content-Length, names the whole body] */
const CASES: Array<[string, string, number | null, boolean]> = [
  ["curl -C - -T: the whole file from 0", "bytes 0-3892/3893", 3893, true],
  ["unit in another case", "Bytes 0-9/10", 10, true],
  ["one byte", "bytes 0-0/1", 1, true],
  ["a piece from 0", "bytes 0-4/10", 5, false],
  ["a piece at an offset (curl -C 1000 -T)", "bytes 1000-3892/3893", 2893, false],
  ["whole range but a shorter body", "bytes 0-9/10", 5, false],
  ["whole range but a longer body", "bytes 0-9/10", 11, false],
  ["complete length unknown", "bytes 0-9/*", 10, false],
  ["chunked body: no declared length", "bytes 0-9/10", null, false],
  ["empty body", "bytes 0-0/0", 0, false],
  ["unsatisfied-range form", "bytes */10", 10, false],
  ["another unit", "items 0-9/10", 10, false],
  ["no unit", "0-9/10", 10, false],
  ["two spaces", "bytes  0-9/10", 10, false],
  ["signed first", "bytes +0-9/10", 10, false],
  ["slash before dash", "bytes 0/9-10", 10, false],
  ["duplicate fields joined", "bytes 0-9/10, bytes 0-9/10", 10, false],
  ["overflowing length", "bytes 0-99999999999999999998/99999999999999999999", 10, false],
];

for (const [name, value, declared, expected] of CASES) {
  Deno.test(`namesWholeBody is ${expected} for ${name}`, () => {
    assertEquals(namesWholeBody(value, declared), expected);
  });
}
