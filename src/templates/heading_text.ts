/**
 * A Markdown heading's inline source as the plain text a reader sees: `Using \`fetch\` with
 * **Deno**` → `Using fetch with Deno`. A post's title comes from its first heading when its
 * front matter has none, and a listing shows it as text (escaped), so the Markdown around the
 * words — backticks, asterisks, link targets, character references — must go, or the listing
 * shows `**Deno**` where the post shows **Deno**.
 *
 * A small subset of CommonMark's inline rules, enough for headings: code spans (kept literally),
 * backslash escapes, images (their alt text), inline links and autolinks (their text), inline HTML tags
 * (dropped), `*`/`_`/`~~` emphasis, and numeric and the common named character references.
 * Anything it does not recognise stays as written.
 *
 * This module must not touch the disk.
 * @module
 */

/** A backslash escape or a code span, whichever starts first (a backslash in code is literal). */
const ESCAPE_OR_CODE = /\\([!-/:-@[-`{-~])|(`+)(?!`)([\s\S]*?[^`])\2(?!`)/g;
const IMAGE = /!\[([^\]]*)\]\([^)]*\)/g;
const LINK = /\[([^\]]*)\]\([^)]*\)/g;
const AUTOLINK = /<((?:https?|mailto):[^<>\s]+)>/gi;
const HTML_TAG = /<\/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?\/?>/g;
const STAR_STRONG = /\*\*(?=\S)([\s\S]*?\S)\*\*/g;
const STAR_EM = /\*(?=[^\s*])([\s\S]*?[^\s*])\*/g;
// `_` emphasis never starts or ends inside a word (`snake_case_name` stays as it is).
const UNDERSCORE_STRONG = /(^|[^\p{L}\p{N}_])__(?=[^\s_])([\s\S]*?[^\s_])__(?![\p{L}\p{N}_])/gu;
const UNDERSCORE_EM = /(^|[^\p{L}\p{N}_])_(?=[^\s_])([\s\S]*?[^\s_])_(?![\p{L}\p{N}_])/gu;
const STRIKE = /~~(?=\S)([\s\S]*?\S)~~/g;
const CHAR_REF = /&(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|amp|lt|gt|quot|apos|nbsp);/g;
const NAMED: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
};
/** Stands for an escaped character while the other rules run (private use, not in titles). */
const HELD = "\ue000";
const HELD_AT = /\ue000(\d+)\ue000/g;

/** The plain text of a heading's inline Markdown `source`. */
export function headingText(source: string): string {
  const held: string[] = [];
  const hold = (text: string) => `${HELD}${held.push(text) - 1}${HELD}`;
  let text = source
    .replace(
      ESCAPE_OR_CODE,
      (_, escaped: string | undefined, _ticks, code: string) => hold(escaped ?? trimCode(code)),
    )
    .replace(IMAGE, "$1")
    .replace(LINK, "$1")
    .replace(AUTOLINK, "$1")
    .replace(HTML_TAG, "");
  let before;
  do {
    before = text;
    text = text.replace(STAR_STRONG, "$1").replace(UNDERSCORE_STRONG, "$1$2")
      .replace(STAR_EM, "$1").replace(UNDERSCORE_EM, "$1$2").replace(STRIKE, "$1");
  } while (text !== before);
  text = text.replace(CHAR_REF, (whole, ref: string) => decodeRef(ref) ?? whole);
  return text.replace(HELD_AT, (_, i: string) => held[Number(i)]).replace(/\s+/g, " ").trim();
}

/** CommonMark strips one space from both ends of a code span that has both. */
function trimCode(code: string): string {
  return code.length > 2 && code.startsWith(" ") && code.endsWith(" ") && code.trim() !== ""
    ? code.slice(1, -1)
    : code;
}

function decodeRef(ref: string): string | null {
  if (!ref.startsWith("#")) return NAMED[ref] ?? null;
  const hex = ref[1] === "x" || ref[1] === "X";
  const n = hex ? parseInt(ref.slice(2), 16) : Number(ref.slice(1));
  // CommonMark: an invalid code point (0, surrogates, past U+10FFFF) becomes U+FFFD.
  if (n === 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return "\ufffd";
  return String.fromCodePoint(n);
}
