/**
 * Parsing of HTTP-date values (RFC 9110 §5.6.7) in all three formats a recipient must accept:
 * IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850 form
 * (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`). Digits are read
 * by hand (no `Date.parse`, which accepts far more than the grammar and depends on the engine).
 *
 * This module must not know about headers or files.
 * @module
 */

import { trimOws } from "../http/ows.ts";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const SHORT_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const LONG_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
/** RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is in the past century. */
const TWO_DIGIT_YEAR_WINDOW = 50;
const CENTURY = 100;
const MS_PER_SECOND = 1000;
const MAX_HOUR = 23;
const MAX_MINUTE = 59;
/** A leap second (60) is allowed by the grammar. */
const MAX_SECOND = 60;

/**
 * The time an HTTP-date names, in milliseconds since the epoch, or null when it is not one. Only
 * OWS (SP, HTAB) around it is taken off: a date followed by NBSP is not a date.
 */
export function parseHttpDate(value: string, now: number = Date.now()): number | null {
  const s = trimOws(value);
  const comma = s.indexOf(",");
  if (comma === 3 && SHORT_DAYS.includes(s.slice(0, 3))) return imfFixdate(s.slice(4));
  if (comma > 3 && LONG_DAYS.includes(s.slice(0, comma))) return rfc850(s.slice(comma + 1), now);
  if (comma === -1 && SHORT_DAYS.includes(s.slice(0, 3))) return asctime(s.slice(3));
  return null;
}

/** ` 06 Nov 1994 08:49:37 GMT` */
function imfFixdate(s: string): number | null {
  if (s.length !== 25 || s[0] !== " " || s[3] !== " " || s[7] !== " " || s[12] !== " ") return null;
  if (s.slice(21) !== " GMT") return null;
  return build(digits(s, 8, 4), s.slice(4, 7), digits(s, 1, 2), s.slice(13, 21));
}

/** ` 06-Nov-94 08:49:37 GMT` */
function rfc850(s: string, now: number): number | null {
  if (s.length !== 23 || s[0] !== " " || s[3] !== "-" || s[7] !== "-" || s[10] !== " ") {
    return null;
  }
  if (s.slice(19) !== " GMT") return null;
  const yy = digits(s, 8, 2);
  if (yy === null) return null;
  const thisYear = new Date(now).getUTCFullYear();
  let year = thisYear - (thisYear % CENTURY) + yy;
  if (year > thisYear + TWO_DIGIT_YEAR_WINDOW) year -= CENTURY;
  return build(year, s.slice(4, 7), digits(s, 1, 2), s.slice(11, 19));
}

/** ` Nov  6 08:49:37 1994` (the day is space-padded) */
function asctime(s: string): number | null {
  if (s.length !== 21 || s[0] !== " " || s[4] !== " " || s[7] !== " " || s[16] !== " ") {
    return null;
  }
  const day = s[5] === " " ? digits(s, 6, 1) : digits(s, 5, 2);
  return build(digits(s, 17, 4), s.slice(1, 4), day, s.slice(8, 16));
}

/** `HH:MM:SS` with the date parts → epoch ms, or null when any part is out of range. */
function build(year: number | null, mon: string, day: number | null, hms: string): number | null {
  const month = MONTHS.indexOf(mon);
  if (year === null || day === null || month === -1 || hms[2] !== ":" || hms[5] !== ":") {
    return null;
  }
  const h = digits(hms, 0, 2);
  const m = digits(hms, 3, 2);
  const sec = digits(hms, 6, 2);
  if (h === null || m === null || sec === null) return null;
  if (h > MAX_HOUR || m > MAX_MINUTE || sec > MAX_SECOND || day < 1) return null;
  // Not Date.UTC: it reads years 0–99 as 1900–1999, and `0094` is the year 94 as written.
  const at = new Date(0);
  at.setUTCFullYear(year, month, day);
  at.setUTCHours(h, m, sec);
  // refuse: the setters roll 31 Feb over into March; a date that does not exist is not a date
  if (at.getUTCDate() !== day && sec !== MAX_SECOND) return null;
  const ms = at.getTime();
  return Math.floor(ms / MS_PER_SECOND) * MS_PER_SECOND;
}

/** The decimal number in `s[at, at+n)`, or null when any of it is not a digit. */
function digits(s: string, at: number, n: number): number | null {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  return v;
}
