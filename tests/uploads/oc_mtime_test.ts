/** `X-OC-Mtime` read from request fields: whole or decimal seconds, anything else ignored. */

import { MAX_OC_MTIME_SECONDS, ocMtimeOf } from "../../src/uploads/oc_mtime.ts";
import { assertEquals } from "../support/assert.ts";

/** A field source holding one `X-OC-Mtime` value (or none). */
function fields(value: string | undefined) {
  return { list: (key: string) => key === "x-oc-mtime" ? value : undefined };
}

const CASES: Array<[string | undefined, number | null]> = [
  ["981173106", 981_173_106_000],
  ["981173106.5", 981_173_106_500],
  ["981173106.123456", 981_173_106_123], // past milliseconds: dropped
  ["0", 0],
  [`${MAX_OC_MTIME_SECONDS}`, MAX_OC_MTIME_SECONDS * 1000], // at the limit
  [`${MAX_OC_MTIME_SECONDS + 1}`, null], // one second past it
  ["99999999999999999999999", null],
  [undefined, null],
  ["", null],
  ["-1", null],
  ["+1", null],
  ["1e9", null],
  ["0x10", null],
  ["1.", null],
  [".5", null],
  ["abc", null],
  ["1, 2", null], // the field sent twice
  ["Sat, 03 Feb 2001 04:05:06 GMT", null],
  // OWS is SP and HTAB only (RFC 9110 §5.6.3): a no-break space (0xA0) makes it no number.
  ["\t981173106 ", 981_173_106_000],
  ["981173106\xA0", null],
  ["\xA0981173106", null],
];

for (const [value, want] of CASES) {
  Deno.test(`ocMtimeOf reads ${JSON.stringify(value)} as ${want}`, () => {
    assertEquals(ocMtimeOf(fields(value))?.getTime() ?? null, want);
  });
}
