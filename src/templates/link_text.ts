/**
 * Inline links and images as their text, for `heading_text.ts`: `[a [b] c](u "t")` → `a [b] c`,
 * `![alt](p.png)` → `alt` (CommonMark §6.3, §6.4, as markdown-it reads them).
 *
 * Decisions: one pass with a stack of open brackets, and the parentheses of the line paired once
 * up front (`ParenPlan`), so each character is looked at a bounded number of times however many
 * `[`, `![` or `](` the line holds — a regular expression rescans the rest of the line from each
 * `[` that has no `]`, and a heading is whatever a file says. Backslash escapes and code spans are
 * gone before this runs (their brackets and parentheses are not syntax).
 *
 * This module must not touch the disk.
 * @module
 */

import type { ScanMeter } from "./scan_meter.ts";

const TAB = 0x09, LF = 0x0a, CR = 0x0d, SPACE = 0x20, DEL = 0x7f;
const BANG = 0x21, DQUOTE = 0x22, SQUOTE = 0x27, OPEN_PAREN = 0x28, CLOSE_PAREN = 0x29;
const LESS = 0x3c, GREATER = 0x3e, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d;

/**
 * `s` with each inline link and image replaced by its text (CommonMark §6.3, §6.4): a `]` closes
 * the nearest open `[` or `![`, and when `(destination "title")` follows, the marks and the
 * parentheses go. An opener a `]` closes without a link after it stays as written, as does one
 * nothing closes; either way it is never looked at again. A link may not hold a link: once one
 * is made, the `[` openers still open before it make none (they stay as written; `![` still
 * can), so `[a [b](c) d](e)` → `[a b d](e)`, as in markdown-it (marked let links nest).
 */
export function linksAsText(s: string, meter: ScanMeter): string {
  meter.steps += s.length;
  if (s.indexOf("](") === -1) return s;
  const out: string[] = [];
  const openers: number[] = []; // per open `[` or `![`: where its mark is in `out`
  // The `[` openers at stack places below this are inside a link made since they opened.
  let inactiveBelow = 0;
  let parens: ParenPlan | null = null;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    meter.steps++;
    const c = s.charCodeAt(i);
    if (c === OPEN_BRACKET || (c === BANG && s.charCodeAt(i + 1) === OPEN_BRACKET)) {
      const mark = c === BANG ? "![" : "[";
      out.push(s.slice(from, i));
      openers.push(out.length);
      out.push(mark);
      i += mark.length - 1;
      from = i + 1;
    } else if (c === CLOSE_BRACKET) {
      const opener = openers.pop();
      if (opener === undefined) continue;
      const inactive = openers.length < inactiveBelow && out[opener] === "[";
      inactiveBelow = Math.min(inactiveBelow, openers.length);
      if (inactive || s.charCodeAt(i + 1) !== OPEN_PAREN) continue;
      parens ??= new ParenPlan(s, meter);
      const end = linkTailEnd(s, i + 1, parens, meter);
      if (end === -1) continue;
      out.push(s.slice(from, i));
      if (out[opener] === "[") inactiveBelow = openers.length; // every opener still open
      out[opener] = "";
      from = end;
      i = end - 1;
    }
  }
  out.push(s.slice(from));
  return out.join("");
}

/**
 * The parentheses of `s`, paired within each run of characters that may be in a link
 * destination (no space or control character, CommonMark §6.3), in one pass: so the end of a
 * destination is a look-up, however many `](` share a run.
 */
class ParenPlan {
  /** Per `(`: the `)` that closes it in its run, or -1. */
  readonly close: Int32Array;
  /** Per `(` left open at its run's end: the next one left open in that run, or -1. */
  readonly nextOpen: Int32Array;
  /** Per position: where its run ends (the space or control character after it, or the end). */
  readonly runEnd: Int32Array;
  /** Per run start: the first `)` in the run that closes nothing, or -1. */
  readonly stray: Int32Array;
  /** Per run start: the first `(` in the run left open, or -1. */
  readonly openLeft: Int32Array;

  constructor(s: string, meter: ScanMeter) {
    const n = s.length;
    this.close = new Int32Array(n).fill(-1);
    this.nextOpen = new Int32Array(n).fill(-1);
    this.runEnd = new Int32Array(n + 1);
    this.stray = new Int32Array(n + 1).fill(-1);
    this.openLeft = new Int32Array(n + 1).fill(-1);
    const open: number[] = [];
    let start = 0;
    for (let i = 0; i <= n; i++) {
      const c = i < n ? s.charCodeAt(i) : SPACE;
      if (c <= SPACE || c === DEL) {
        for (let k = 0; k + 1 < open.length; k++) this.nextOpen[open[k]] = open[k + 1];
        if (open.length > 0) this.openLeft[start] = open[0];
        open.length = 0;
        this.runEnd.fill(i, start, i + 1);
        start = i + 1;
      } else if (c === OPEN_PAREN) open.push(i);
      else if (c === CLOSE_PAREN) {
        const opening = open.pop();
        if (opening !== undefined) this.close[opening] = i;
        else if (this.stray[start] === -1) this.stray[start] = i;
      }
    }
    meter.steps += 2 * n;
  }
}

/**
 * Where the inline link tail whose `(` is at `open` ends (past its `)`), or -1 when none is
 * there: optional whitespace, a destination (`<…>`, or a run with balanced parentheses),
 * optionally whitespace and a title in `"…"`, `'…'` or `(…)`, optional whitespace, `)`.
 */
function linkTailEnd(s: string, open: number, parens: ParenPlan, meter: ScanMeter): number {
  let i = skipSpace(s, open + 1, meter);
  if (i >= s.length) return -1;
  const c = s.charCodeAt(i);
  if (c === CLOSE_PAREN) return i + 1;
  if (c < SPACE || c === DEL) return -1;
  if (c === LESS) {
    // `<…>` holds no line ending and no other `<`: the scan stops at the next `<` at the latest
    let k = i + 1;
    while (k < s.length && s.charCodeAt(k) !== GREATER) {
      const d = s.charCodeAt(k);
      if (d === LESS || d === LF || d === CR) return -1;
      k++;
    }
    meter.steps += k - i;
    if (k >= s.length) return -1;
    i = k + 1;
  } else if (i === open + 1) {
    // The destination starts in the run of the link's own `(`: it ends at that `(`'s `)`, or
    // at the run's end when every `(` after it is closed.
    if (parens.close[open] !== -1) return parens.close[open] + 1;
    if (parens.nextOpen[open] !== -1) return -1;
    i = parens.runEnd[open];
  } else {
    // The destination is a whole run: it ends at a `)` that closes nothing in it.
    if (parens.stray[i] !== -1) return parens.stray[i] + 1;
    if (parens.openLeft[i] !== -1) return -1;
    i = parens.runEnd[i];
  }
  const j = skipSpace(s, i, meter);
  if (j < s.length && s.charCodeAt(j) === CLOSE_PAREN) return j + 1;
  // (after `<…>` marked takes a title without whitespace before it; a bare destination ends at
  // whitespace anyway)
  if (j >= s.length) return -1;
  const quote = s.charCodeAt(j);
  if (quote !== DQUOTE && quote !== SQUOTE && quote !== OPEN_PAREN) return -1;
  const closing = quote === OPEN_PAREN ? CLOSE_PAREN : quote;
  let k = j + 1;
  while (k < s.length && s.charCodeAt(k) !== closing) {
    if (quote === OPEN_PAREN && s.charCodeAt(k) === OPEN_PAREN) return -1;
    k++;
  }
  meter.steps += k - j;
  if (k >= s.length) return -1;
  const end = skipSpace(s, k + 1, meter);
  return end < s.length && s.charCodeAt(end) === CLOSE_PAREN ? end + 1 : -1;
}

/** The first position at or after `i` that is not a space, tab or line ending. */
function skipSpace(s: string, i: number, meter: ScanMeter): number {
  const start = i;
  for (
    let c;
    i < s.length && ((c = s.charCodeAt(i)) === SPACE || c === TAB || c === LF || c === CR);
  ) {
    i++;
  }
  meter.steps += i - start;
  return i;
}
