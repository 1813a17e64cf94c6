/**
 * User-given text (a folder, a file name, a flag's value) as wireserve's own lines show it. A
 * path may hold any character but `/` and NUL, so a folder named with an escape sequence or a
 * line break would recolour the terminal or forge a line of the banner if printed raw.
 *
 * The quoting is JSON's, as every error line already quotes a value
 * (`DIR: "/nonexist" does not exist`), widened to the characters JSON leaves raw but a terminal
 * acts on: DEL and the C1 controls (U+009B is CSI to some terminals), the line and paragraph
 * separators and the bidi controls (`bidi_control.ts`), written `\uHHHH`. The result is still
 * JSON: `JSON.parse` gives the text back exactly.
 *
 * This module must not know options, the config or where a line is written.
 * @module
 */

import { isBidiControl } from "../app/bidi_control.ts";

const FIRST_PRINTABLE = 0x20;
const DEL = 0x7f;
const C1_LAST = 0x9f;
const LINE_SEPARATOR = 0x2028;
const PARAGRAPH_SEPARATOR = 0x2029;
const HEX_RADIX = 16;

/** Whether the UTF-16 code unit `c` is one a terminal acts on or that reshapes a line. */
function isUnsafe(c: number): boolean {
  return c < FIRST_PRINTABLE || (c >= DEL && c <= C1_LAST) || c === LINE_SEPARATOR ||
    c === PARAGRAPH_SEPARATOR || isBidiControl(c);
}

/** Whether `text` would show as itself, one line, on a terminal. */
function isSafe(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isUnsafe(text.charCodeAt(i))) return false;
  // a lone surrogate cannot be written as UTF-8: printed, it would silently become U+FFFD
  return text.isWellFormed();
}

/**
 * `text` in double quotes, JSON-escaped, with DEL, the C1 controls, U+2028/U+2029 and the bidi
 * controls also written `\uHHHH`: for error lines, which always quote their value.
 */
export function quoted(text: string): string {
  let out = "";
  for (const ch of JSON.stringify(text)) {
    const c = ch.charCodeAt(0);
    // JSON.stringify has already escaped the C0 controls; what remains unsafe is escaped here
    out += ch.length === 1 && isUnsafe(c) ? `\\u${c.toString(HEX_RADIX).padStart(4, "0")}` : ch;
  }
  return out;
}

/**
 * A path for the banner and the warnings: as it is when it shows as itself (so ordinary paths
 * read as typed), else {@link quoted}.
 */
export function shownPath(path: string): string {
  return isSafe(path) ? path : quoted(path);
}
