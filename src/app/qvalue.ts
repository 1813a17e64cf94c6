/**
 * The weight of a member of an Accept-style list (RFC 9110 §12.4.2), parsed by hand.
 *
 * This module must not know about requests.
 * @module
 */

/** `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`. */
const QVALUE = /^(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$/;
/** Most digits after the point. */
const MAX_Q_DECIMALS = 3;
const THOUSANDTHS = 1000;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** Where the decimals start in "0.xyz". */
const DECIMALS_AT = 2;

/**
 * The value of a qvalue string (`0`, `0.5`, `0.125`, `1`, `1.000`), or null when it is not one
 * (`2`, `0.5555`, `.5`, ` 1`, `abc`).
 */
export function parseQValue(text: string): number | null {
  if (!QVALUE.test(text)) return null;
  if (text[0] === "1") return 1;
  let thousandths = 0;
  for (let i = 0; i < MAX_Q_DECIMALS; i++) {
    // NaN past the end: a missing digit counts as 0.
    const c = text.charCodeAt(DECIMALS_AT + i);
    thousandths = thousandths * 10 + (c >= DIGIT_0 && c <= DIGIT_9 ? c - DIGIT_0 : 0);
  }
  return thousandths / THOUSANDTHS;
}

/**
 * The q of one list member's parameters (`;q=0.5`, name case-insensitive, OWS around `;`):
 * 1 when there is none, 0 when it is malformed (so a bad weight never makes a member preferred).
 */
export function memberWeight(params: readonly string[]): number {
  let q = 1;
  for (const raw of params) {
    const param = raw.trim();
    if (param.length < 2 || param.slice(0, 2).toLowerCase() !== "q=") continue;
    q = parseQValue(param.slice(2)) ?? 0;
  }
  return q;
}
