/**
 * A Markdown heading's inline source as the plain text a reader sees: `Using \`fetch\` with
 * **Deno**` → `Using fetch with Deno`. A post's title comes from its first heading when its
 * front matter has none, and a listing shows it as text (escaped), so the Markdown around the
 * words — backticks, asterisks, link targets, character references — must go, or the listing
 * shows `**Deno**` where the post shows **Deno**.
 *
 * A small subset of CommonMark's inline rules, enough for headings, agreeing with markdown-it (what
 * renders the page) where they differ: code spans (kept literally), backslash escapes, HTML
 * comments (dropped), images (their alt text), inline links (their text: brackets nest, the
 * destination may hold balanced parentheses, a title may follow) and autolinks (their text),
 * inline HTML tags (dropped), `*`/`_` emphasis, `~~` strikethrough, and numeric and the
 * common named character references. Anything it does not recognise stays as written.
 *
 * Decisions: a heading is whatever the file says (up to META_READ_BYTES), so its cost must grow
 * with its length only. Code spans (here), links (`link_text.ts`) and emphasis
 * (`emphasis_text.ts`) are found by scans that look at each character a bounded number of times,
 * not by regular expressions that rescan the rest of the line from every `[`, backtick or `*`
 * with no closer (16 KiB of `[` took 0.1–0.7 s that way, and a folder of such posts holds a
 * worker). Each attempt of the regular expressions left ends by the next `<` (tags, autolinks)
 * or within a few characters (references). `ScanMeter` counts the scans' steps, so tests bound
 * the work without timing it.
 *
 * This module must not touch the disk.
 * @module
 */

import { emphasisAsText } from "./emphasis_text.ts";
import { linksAsText } from "./link_text.ts";
import type { ScanMeter } from "./scan_meter.ts";

export type { ScanMeter } from "./scan_meter.ts";

const AUTOLINK = /<((?:https?|mailto):[^<>\s]+)>/gi;
const HTML_TAG = /<\/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?\/?>/g;
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

const BACKSLASH = 0x5c;
const BACKTICK = 0x60;

/** The plain text of a heading's inline Markdown `source`. */
export function headingText(source: string, meter: ScanMeter = { steps: 0 }): string {
  const held: string[] = [];
  const hold = (text: string) => `${HELD}${held.push(text) - 1}${HELD}`;
  // A HELD written in the heading itself would stand for another span's text: it goes first.
  let text = holdEscapesAndCode(source.replaceAll(HELD, ""), hold, meter);
  text = linksAsText(dropComments(text, meter), meter)
    .replace(AUTOLINK, "$1")
    .replace(HTML_TAG, "");
  text = emphasisAsText(text, meter).replace(
    CHAR_REF,
    (whole, ref: string) => decodeRef(ref) ?? whole,
  );
  return text.replace(HELD_AT, (_, i: string) => held[Number(i)]).replace(/\s+/g, " ").trim();
}

/**
 * `s` with each backslash escape and code span replaced by `hold(its text)`, whichever starts
 * first (a backslash in code is literal). A code span closes at the next backtick run of its
 * opening run's length (CommonMark §6.1); `BacktickRuns` finds that run without rescanning.
 */
function holdEscapesAndCode(s: string, hold: (text: string) => string, meter: ScanMeter): string {
  if (s.indexOf("\\") === -1 && s.indexOf("`") === -1) return s;
  const runs = new BacktickRuns(s, meter);
  let out = "";
  let from = 0;
  let i = 0;
  while (i < s.length) {
    meter.steps++;
    const c = s.charCodeAt(i);
    if (c === BACKSLASH && isAsciiPunctuation(s.charCodeAt(i + 1))) {
      out += s.slice(from, i) + hold(s[i + 1]);
      i += 2;
      from = i;
    } else if (c === BACKTICK) {
      let end = i + 1;
      while (end < s.length && s.charCodeAt(end) === BACKTICK) end++;
      meter.steps += end - i;
      const close = runs.next(end - i, end);
      if (close !== -1) {
        out += s.slice(from, i) + hold(trimCode(s.slice(end, close)));
        from = close + end - i;
      }
      i = close === -1 ? end : from;
    } else i++;
  }
  return out + s.slice(from);
}

/** Where the backtick runs of a text start, by length: for each opener, the next closer. */
class BacktickRuns {
  #starts = new Map<number, number[]>();
  #cursors = new Map<number, number>();
  #meter: ScanMeter;

  constructor(s: string, meter: ScanMeter) {
    this.#meter = meter;
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) !== BACKTICK) continue;
      let end = i + 1;
      while (end < s.length && s.charCodeAt(end) === BACKTICK) end++;
      const list = this.#starts.get(end - i);
      if (list === undefined) this.#starts.set(end - i, [i]);
      else list.push(i);
      i = end;
    }
    meter.steps += s.length;
  }

  /** The start of the first run of exactly `length` backticks at or past `from`, or -1. */
  next(length: number, from: number): number {
    // Openers come left to right, so each length's cursor only moves on: one pass in all.
    const list = this.#starts.get(length);
    if (list === undefined) return -1;
    let k = this.#cursors.get(length) ?? 0;
    while (k < list.length && list[k] < from) k++;
    this.#meter.steps += k - (this.#cursors.get(length) ?? 0);
    this.#cursors.set(length, k);
    return k < list.length ? list[k] : -1;
  }
}

/** `s` without its HTML comments: `<!-- … -->`, and `<!-->`, `<!--->` as markdown-it reads them. */
function dropComments(s: string, meter: ScanMeter): string {
  let out = "";
  let from = 0;
  for (;;) {
    const start = s.indexOf("<!--", from);
    let end = -1;
    if (start !== -1) {
      if (s.startsWith(">", start + 4)) end = start + 5;
      else if (s.startsWith("->", start + 4)) end = start + 6;
      else {
        const close = s.indexOf("-->", start + 4);
        if (close !== -1) end = close + 3;
      }
    }
    // no comment closes past `start`, so none opening later can either: stop looking
    if (end === -1) break;
    meter.steps += end - from;
    out += s.slice(from, start);
    from = end;
  }
  meter.steps += s.length - from;
  return out + s.slice(from);
}

/** ASCII punctuation, what a backslash escapes (CommonMark §2.4); false past the end (NaN). */
function isAsciiPunctuation(c: number): boolean {
  return (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) ||
    (c >= 0x7b && c <= 0x7e);
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
