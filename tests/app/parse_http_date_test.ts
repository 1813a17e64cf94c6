/** HTTP-date parsing in the three formats of RFC 9110 §5.6.7, and what is refused. */

import { parseHttpDate } from "../../src/app/parse_http_date.ts";
import { assertEquals } from "../support/assert.ts";

const NOV_6_1994 = Date.UTC(1994, 10, 6, 8, 49, 37);
const NOW_2024 = Date.UTC(2024, 5, 1);

const CASES: Array<[string, string, number | null]> = [
  ["IMF-fixdate", "Sun, 06 Nov 1994 08:49:37 GMT", NOV_6_1994],
  ["RFC 850", "Sunday, 06-Nov-94 08:49:37 GMT", NOV_6_1994],
  ["asctime, space-padded day", "Sun Nov  6 08:49:37 1994", NOV_6_1994],
  ["asctime, two-digit day", "Sun Nov 16 08:49:37 1994", Date.UTC(1994, 10, 16, 8, 49, 37)],
  ["surrounding whitespace", "  Sun, 06 Nov 1994 08:49:37 GMT ", NOV_6_1994],
  ["surrounding HTAB", "\tSun, 06 Nov 1994 08:49:37 GMT\t", NOV_6_1994],
  // OWS is SP and HTAB only (RFC 9110 §5.6.3): a no-break space (0xA0) is part of the value.
  ["trailing no-break space", "Sun, 06 Nov 1994 08:49:37 GMT\xA0", null],
  ["leading no-break space", "\xA0Sun, 06 Nov 1994 08:49:37 GMT", null],
  ["RFC 850 year within 50 years", "Tuesday, 01-Jan-30 00:00:00 GMT", Date.UTC(2030, 0, 1)],
  // Date.UTC reads years 0–99 as 1900–1999: a four-digit year must be taken as written.
  ["IMF-fixdate, year 0094", "Sun, 06 Nov 0094 08:49:37 GMT", Date.parse("0094-11-06T08:49:37Z")],
  ["asctime, year 0099", "Sun Nov  6 08:49:37 0099", Date.parse("0099-11-06T08:49:37Z")],
  ["29 February of year 0000", "Sun, 29 Feb 0000 00:00:00 GMT", Date.parse("0000-02-29T00:00:00Z")],
  ["zone other than GMT", "Sun, 06 Nov 1994 08:49:37 UTC", null],
  ["lower-case month", "Sun, 06 nov 1994 08:49:37 GMT", null],
  ["hour 24", "Sun, 06 Nov 1994 24:00:00 GMT", null],
  ["31 February", "Sun, 31 Feb 1994 08:49:37 GMT", null],
  ["day zero", "Sun, 00 Nov 1994 08:49:37 GMT", null],
  ["ISO 8601", "1994-11-06T08:49:37Z", null],
  ["epoch number", "784111777", null],
  ["empty", "", null],
  ["letters for digits", "Sun, 0x Nov 1994 08:49:37 GMT", null],
];

for (const [name, value, want] of CASES) {
  Deno.test(`parseHttpDate: ${name} → ${want === null ? "null" : new Date(want).toISOString()}`, () => {
    assertEquals(parseHttpDate(value, NOW_2024), want);
  });
}
