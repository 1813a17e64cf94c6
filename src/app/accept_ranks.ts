/**
 * Which of two media types an `Accept` field ranks higher (RFC 9110 §12.5.1): each type takes
 * the q of the most specific media range that matches it — `type/subtype` over `type/*` over
 * `*\/*` — a type no range matches is not acceptable (q 0), and `q=0` means "not acceptable"
 * too. So `text/html;q=0, *\/*;q=0.1` ranks any other type above HTML, and
 * `text/*;q=0.5, application/json;q=0.4` ranks HTML above JSON.
 *
 * It runs on every listing, echo and error answer, so it scans the field in place: no split, no
 * regular expression, no string made per member.
 *
 * This module must not know about requests or routes.
 * @module
 */

import { parseQValueAt } from "./qvalue.ts";

const SP = 0x20;
const HTAB = 0x09;
const COMMA = 0x2c;
const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const SLASH = 0x2f;
const STAR = 0x2a;
const LOWER_Q = 0x71;
const UPPER_A = 0x41, UPPER_Z = 0x5a, CASE_BIT = 0x20;

/** How closely a media range matches a type, least to most specific (RFC 9110 §12.5.1). */
const NO_MATCH = 0;
const ANY_TYPE = 1; // */*
const SAME_TYPE = 2; // type/*
const EXACT = 3; // type/subtype

/**
 * True when `accept` (an Accept field value) gives `preferred` a higher q than `other`; both are
 * bare media types in lower case (`application/json`, `text/html`). A tie, `*\/*` alone
 * included, is false: the caller's default (`other`) stands.
 *
 * Decisions: parameters other than q do not narrow a range (`text/html;level=1` counts as
 * `text/html`: neither of our pages has such parameters to compare); of two ranges equally
 * specific the higher q counts; a malformed q counts 0 (a bad weight never makes a type
 * preferred); a member that is not `range *( OWS ";" OWS parameter )` is ignored.
 */
export function acceptRanksAbove(accept: string, preferred: string, other: string): boolean {
  const preferredSlash = preferred.indexOf("/");
  const otherSlash = other.indexOf("/");
  let preferredLevel = NO_MATCH;
  let preferredQ = 0;
  let otherLevel = NO_MATCH;
  let otherQ = 0;
  const n = accept.length;
  let i = 0;
  while (i < n) {
    let c = accept.charCodeAt(i);
    if (c === SP || c === HTAB || c === COMMA) { // OWS and empty members (RFC 9110 §5.6.1)
      i++;
      continue;
    }
    const rangeStart = i;
    while (i < n && !endsToken(accept.charCodeAt(i))) i++;
    const rangeEnd = i;
    let q = 1;
    let wellFormed = true;
    while (i < n) {
      c = accept.charCodeAt(i);
      if (c === SP || c === HTAB) {
        i++;
        continue;
      }
      if (c === COMMA) break;
      if (c !== SEMICOLON) {
        wellFormed = false;
        i = memberEnd(accept, i);
        break;
      }
      i++;
      while (i < n && ((c = accept.charCodeAt(i)) === SP || c === HTAB)) i++;
      const nameStart = i;
      while (i < n && !endsToken(c = accept.charCodeAt(i)) && c !== EQUALS) i++;
      const nameEnd = i;
      let valueStart = i;
      if (i < n && accept.charCodeAt(i) === EQUALS) {
        valueStart = ++i;
        if (i < n && accept.charCodeAt(i) === DQUOTE) i = quotedEnd(accept, i);
        else while (i < n && !endsToken(accept.charCodeAt(i))) i++;
      }
      if (nameEnd - nameStart === 1 && lower(accept.charCodeAt(nameStart)) === LOWER_Q) {
        q = parseQValueAt(accept, valueStart, i) ?? 0;
      }
    }
    if (!wellFormed) continue;
    const p = matchLevel(accept, rangeStart, rangeEnd, preferred, preferredSlash);
    if (p > preferredLevel) {
      preferredLevel = p;
      preferredQ = q;
    } else if (p === preferredLevel && p !== NO_MATCH && q > preferredQ) preferredQ = q;
    const o = matchLevel(accept, rangeStart, rangeEnd, other, otherSlash);
    if (o > otherLevel) {
      otherLevel = o;
      otherQ = q;
    } else if (o === otherLevel && o !== NO_MATCH && q > otherQ) otherQ = q;
  }
  return preferredQ > otherQ;
}

/** How the range `s[start, end)` matches `type` (lower case, its "/" at `slash`). */
function matchLevel(s: string, start: number, end: number, type: string, slash: number): number {
  const length = end - start;
  if (
    length === 3 && s.charCodeAt(start) === STAR && s.charCodeAt(start + 1) === SLASH &&
    s.charCodeAt(start + 2) === STAR
  ) {
    return ANY_TYPE;
  }
  if (length < slash + 2) return NO_MATCH;
  for (let k = 0; k <= slash; k++) {
    if (lower(s.charCodeAt(start + k)) !== type.charCodeAt(k)) return NO_MATCH;
  }
  if (length === slash + 2 && s.charCodeAt(start + slash + 1) === STAR) return SAME_TYPE;
  if (length !== type.length) return NO_MATCH;
  for (let k = slash + 1; k < length; k++) {
    if (lower(s.charCodeAt(start + k)) !== type.charCodeAt(k)) return NO_MATCH;
  }
  return EXACT;
}

/** Whether `c` ends a range, a parameter name or a token value. */
function endsToken(c: number): boolean {
  return c === SP || c === HTAB || c === COMMA || c === SEMICOLON;
}

/** Where the quoted-string opening at `s[i]` ends (past its closing quote), or the end of `s`. */
function quotedEnd(s: string, i: number): number {
  for (i++; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === DQUOTE) return i + 1;
  }
  return s.length;
}

/** Where the member holding `s[i]` ends: its comma outside quoted strings, or the end of `s`. */
function memberEnd(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === COMMA) return i;
    i = c === DQUOTE ? quotedEnd(s, i) : i + 1;
  }
  return i;
}

function lower(c: number): number {
  return c >= UPPER_A && c <= UPPER_Z ? c | CASE_BIT : c;
}
