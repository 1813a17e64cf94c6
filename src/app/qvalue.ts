/**
 * The weight of a member of an Accept-style list (RFC 9110 §12.4.2), parsed by hand.
 *
 * This module must not know about requests.
 * @module
 */

import { trimOws } from "../http/ows.ts";

/** Most digits after the point. */
const MAX_Q_DECIMALS = 3;
const THOUSANDTHS = 1000;
const DIGIT_0 = 0x30;
const DIGIT_1 = 0x31;
const DIGIT_9 = 0x39;
const DOT = 0x2e;
const EQUALS = 0x3d;
const SP = 0x20;
const HTAB = 0x09;
const LOWER_Q = 0x71;
const UPPER_Q = 0x51;
/** Where the decimals start in "0.xyz". */
const DECIMALS_AT = 2;
/** The longest qvalue, "0.xyz". */
const MAX_Q_CHARS = DECIMALS_AT + MAX_Q_DECIMALS;

/**
 * The value of a qvalue string (`0`, `0.5`, `0.125`, `1`, `1.000`), or null when it is not one
 * (`2`, `0.5555`, `.5`, ` 1`, `abc`).
 */
export function parseQValue(text: string): number | null {
  return parseQValueAt(text, 0, text.length);
}

/**
 * {@link parseQValue} of `text.slice(start, end)`, without making that string: Accept parsers
 * call it on every member's weight. `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`
 * (RFC 9110 §12.4.2), checked by hand.
 */
export function parseQValueAt(text: string, start: number, end: number): number | null {
  const length = end - start;
  if (length < 1 || length > MAX_Q_CHARS) return null;
  const first = text.charCodeAt(start);
  if (first !== DIGIT_0 && first !== DIGIT_1) return null;
  if (length === 1) return first - DIGIT_0;
  if (text.charCodeAt(start + 1) !== DOT) return null;
  let thousandths = 0;
  for (let i = 0; i < MAX_Q_DECIMALS; i++) {
    const at = start + DECIMALS_AT + i;
    let digit = 0; // a missing digit counts as 0
    if (at < end) {
      const c = text.charCodeAt(at);
      if (c < DIGIT_0 || c > DIGIT_9) return null;
      digit = c - DIGIT_0;
    }
    thousandths = thousandths * 10 + digit;
  }
  if (first === DIGIT_1) return thousandths === 0 ? 1 : null;
  return thousandths / THOUSANDTHS;
}

/**
 * The q of one list member's parameters (`;q=0.5`, name case-insensitive, OWS around `;`):
 * 1 when there is none, 0 when it is malformed (so a bad weight never makes a member preferred).
 * A parameter named q is a weight only as exactly `q=qvalue`: RFC 9110 §12.4.2 allows no
 * whitespace around its "=", so `q = 0`, `q =0` and a bare `q` are malformed weights, not
 * unknown parameters to skip (skipping would read `br;q = 0` as br at q 1). Only OWS (SP, HTAB)
 * surrounds a parameter: `q=1\xA0` is a malformed weight, and so is a q behind other white space
 * (`\xA0q=0`), for the same reason as `q = 0`.
 */
export function memberWeight(params: readonly string[]): number {
  let q = 1;
  for (const raw of params) {
    const param = trimOws(raw);
    if (!namedQ(param)) {
      if (namedQ(raw.trim())) q = 0; // a q behind NBSP and the like: malformed, not unknown
      continue;
    }
    q = param.charCodeAt(1) === EQUALS ? parseQValueAt(param, 2, param.length) ?? 0 : 0;
  }
  return q;
}

/** Whether the parameter `param` (trimmed) is named q: `q` or `Q` before `=`, OWS or its end. */
function namedQ(param: string): boolean {
  const first = param.charCodeAt(0);
  if (first !== LOWER_Q && first !== UPPER_Q) return false;
  if (param.length === 1) return true;
  const next = param.charCodeAt(1);
  return next === EQUALS || next === SP || next === HTAB;
}
