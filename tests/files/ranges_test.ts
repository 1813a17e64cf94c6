/**
 * Range header parsing (RFC 9110 §14.1.2) as a table: satisfiable, unsatisfiable, ignored, and
 * abusive sets that are merged or ignored.
 */

import { MAX_RANGES, parseRange, type RangeRequest } from "../../src/files/ranges.ts";
import { assertEquals } from "../support/assert.ts";

const SIZE = 10_000;
const none: RangeRequest = { kind: "none" };
const unsatisfiable: RangeRequest = { kind: "unsatisfiable" };
const ranges = (...r: Array<[number, number]>): RangeRequest => ({
  kind: "ranges",
  ranges: r.map(([start, end]) => ({ start, end })),
});

const CASES: Array<[string, string | undefined, number, RangeRequest]> = [
  ["absent header", undefined, SIZE, none],
  ["first 500 bytes", "bytes=0-499", SIZE, ranges([0, 499])],
  ["second 500 bytes", "bytes=500-999", SIZE, ranges([500, 999])],
  ["suffix of 500", "bytes=-500", SIZE, ranges([9500, 9999])],
  ["open-ended", "bytes=9500-", SIZE, ranges([9500, 9999])],
  ["last byte", "bytes=-1", SIZE, ranges([9999, 9999])],
  ["first and last byte", "bytes=0-0,-1", SIZE, ranges([0, 0], [9999, 9999])],
  ["end past the size is clamped", "bytes=9000-20000", SIZE, ranges([9000, 9999])],
  ["suffix longer than the file is the whole file", "bytes=-20000", SIZE, ranges([0, 9999])],
  ["unit is case-insensitive", "Bytes=0-1", SIZE, ranges([0, 1])],
  ["whitespace around commas", "bytes=0-1 ,\t5-6", SIZE, ranges([0, 1], [5, 6])],
  ["empty list elements", "bytes=,0-1,,", SIZE, ranges([0, 1])],
  ["order kept when disjoint", "bytes=500-600,0-10", SIZE, ranges([500, 600], [0, 10])],
  ["overlapping ranges merged", "bytes=0-499,100-599", SIZE, ranges([0, 599])],
  ["adjacent ranges merged", "bytes=0-9,10-19", SIZE, ranges([0, 19])],
  ["same range twice merged", "bytes=0-99,0-99,0-99", SIZE, ranges([0, 99])],
  ["unsatisfiable part dropped", "bytes=0-1,20000-30000", SIZE, ranges([0, 1])],
  ["huge numbers saturate", "bytes=0-99999999999999999999999", SIZE, ranges([0, 9999])],
  ["huge first position unsatisfiable", "bytes=99999999999999999999-", SIZE, unsatisfiable],
  ["start at the size", "bytes=10000-", SIZE, unsatisfiable],
  ["zero-length suffix", "bytes=-0", SIZE, unsatisfiable],
  // Clients send `bytes=0-` to every URL: an empty file is sent whole (200), as Go and nginx do.
  ["open range of an empty file", "bytes=0-", 0, none],
  ["closed range of an empty file", "bytes=0-0", 0, none],
  ["range past an empty file", "bytes=5-9", 0, none],
  ["suffix of an empty file", "bytes=-5", 0, none],
  ["empty suffix of an empty file", "bytes=-0", 0, none],
  ["several ranges of an empty file", "bytes=0-0,-1", 0, none],
  ["other unit ignored", "items=0-5", SIZE, none],
  ["missing unit ignored", "0-5", SIZE, none],
  ["space before equals ignored", "bytes =0-5", SIZE, none],
  ["reversed range ignored", "bytes=5-1", SIZE, none],
  ["no dash ignored", "bytes=5", SIZE, none],
  ["lone dash ignored", "bytes=-", SIZE, none],
  ["negative number ignored", "bytes=--5", SIZE, none],
  ["sign ignored", "bytes=+1-5", SIZE, none],
  ["hex ignored", "bytes=0x1-5", SIZE, none],
  ["decimal point ignored", "bytes=1.5-5", SIZE, none],
  ["one bad spec spoils the set", "bytes=0-1,x", SIZE, none],
  ["no specs ignored", "bytes=", SIZE, none],
  ["only commas ignored", "bytes=,,", SIZE, none],
];

for (const [name, value, size, want] of CASES) {
  Deno.test(`parseRange: ${name} (${JSON.stringify(value)}) → ${want.kind}`, () => {
    assertEquals(parseRange(value, size), want);
  });
}

Deno.test("parseRange serves the most ranges allowed when at the cap", () => {
  const specs = Array.from({ length: MAX_RANGES }, (_, i) => `${i * 10}-${i * 10 + 1}`);
  const got = parseRange(`bytes=${specs.join(",")}`, SIZE);
  assertEquals(got.kind === "ranges" ? got.ranges.length : got.kind, MAX_RANGES);
});

Deno.test("parseRange ignores the header when one range past the cap", () => {
  const specs = Array.from({ length: MAX_RANGES + 1 }, (_, i) => `${i * 10}-${i * 10 + 1}`);
  assertEquals(parseRange(`bytes=${specs.join(",")}`, SIZE), none);
});
