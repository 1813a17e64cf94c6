/**
 * Which characters are bidi controls: the invisible characters that reorder the text around them —
 * the embeddings and overrides (U+202A–U+202E), the isolates (U+2066–U+2069) and the marks LRM,
 * RLM (U+200E, U+200F) and ALM (U+061C). In a name they make `invoice\u202Efdp.exe` read as
 * "invoiceexe.pdf". One definition, so that what a write refuses (`uploads/upload_name.ts`) is
 * exactly what a listing shows as a code point (`files/listing_text.ts`); the web UI's copy
 * (`www/js/format.js`, which cannot import this) is checked against it by
 * tests/e2e/ui_modules_test.ts.
 *
 * This module must not know about files, names on disk or HTTP.
 * @module
 */

/** The bidi controls as inclusive UTF-16 code unit ranges (all are in the BMP). */
const BIDI_CONTROL_RANGES: readonly (readonly [number, number])[] = [
  [0x061c, 0x061c], // ARABIC LETTER MARK
  [0x200e, 0x200f], // LEFT-TO-RIGHT MARK, RIGHT-TO-LEFT MARK
  [0x202a, 0x202e], // LRE, RLE, PDF, LRO, RLO
  [0x2066, 0x2069], // LRI, RLI, FSI, PDI
];

/** Whether the UTF-16 code unit (or code point) `code` is a bidi control. */
export function isBidiControl(code: number): boolean {
  for (const [first, last] of BIDI_CONTROL_RANGES) {
    if (code >= first && code <= last) return true;
  }
  return false;
}

const hex = (code: number) => `\\u${code.toString(16).padStart(4, "0")}`;

/**
 * A new global pattern matching one bidi control, for `String.replace` (a new one per caller: a
 * global RegExp carries `lastIndex` from one use to the next).
 */
export function bidiControlPattern(): RegExp {
  const ranges = BIDI_CONTROL_RANGES.map(([first, last]) =>
    first === last ? hex(first) : `${hex(first)}-${hex(last)}`
  );
  return new RegExp(`[${ranges.join("")}]`, "g");
}
