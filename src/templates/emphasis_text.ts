/**
 * Emphasis and strikethrough as their text, for `heading_text.ts`: `**a**`, `__a__`, `*a*`,
 * `_a_` and `~~a~~` lose their delimiters, nested ones too (`**nested *em***`).
 *
 * Decisions:
 * - The rules are those the heading text always had (see `RULES`), applied as before: each rule
 *   pairs an opener with the first closer after it, left to right, then the next rule runs, and
 *   the whole round repeats while it changes something (that is how nesting comes off). `_` never
 *   opens or closes inside a word (`snake_case_name` stays as it is).
 * - A pass looks at each character a bounded number of times: the closers of a rule are listed
 *   once per pass, and an opener takes the first one past it by moving a cursor that never goes
 *   back — a lazy regular expression rescans the rest of the line from every opener with no
 *   closer (16 KiB of `*a ` took 30–120 ms so). Rounds stop after `MAX_EMPHASIS_ROUNDS`: each
 *   takes one level of nesting off, and a title nested deeper is not writing.
 *
 * This module must not touch the disk.
 * @module
 */

import type { ScanMeter } from "./scan_meter.ts";

/** Most rounds of the rules; a round takes off one level of nesting. */
export const MAX_EMPHASIS_ROUNDS = 8;

/** One emphasis rule: where its delimiters may open and close. */
interface PairRule {
  /** The lengths its delimiter may have (the closers are listed per length). */
  lengths: readonly number[];
  /** The length of the delimiter opening at `p`, or 0; `free`: where the text not yet matched starts. */
  open(s: string, p: number, free: number): number;
  /** Whether a delimiter of `length` may close at `q`. */
  close(s: string, q: number, length: number): boolean;
}

const SPACE = /\s/;
const TAB = 0x09, CR = 0x0d, SP = 0x20, ASCII_END = 0x80;
const WORD = /^[\p{L}\p{N}_]$/u;

/** `s[i]` exists and is not white space (what `\S` means). */
function solid(s: string, i: number): boolean {
  if (i < 0 || i >= s.length) return false;
  const c = s.charCodeAt(i);
  // ASCII without the regular expression: tab, line feed, vertical tab, form feed, CR, space
  if (c < ASCII_END) return c !== SP && (c < TAB || c > CR);
  return !SPACE.test(s[i]);
}

/** `s[i]` exists and is neither white space nor `delimiter`. */
function solidOther(s: string, i: number, delimiter: string): boolean {
  return solid(s, i) && s[i] !== delimiter;
}

/** The code point at `i` is a letter, a digit or `_`. */
function wordAt(s: string, i: number): boolean {
  return i < s.length && WORD.test(String.fromCodePoint(s.codePointAt(i)!));
}

/**
 * `_` may open at `p`: at the start, or after a code point that is not a letter, digit or `_`
 * and that no earlier match of this pass took (the rule's pattern consumed it).
 */
function underscoreMayOpen(s: string, p: number, free: number): boolean {
  if (p === 0) return true;
  let start = p - 1;
  const low = s.charCodeAt(start);
  if (low >= 0xdc00 && low <= 0xdfff && start > 0) {
    const high = s.charCodeAt(start - 1);
    if (high >= 0xd800 && high <= 0xdbff) start--;
  }
  return start >= free && !wordAt(s, start);
}

const RULES: readonly PairRule[] = [
  { // **strong**
    lengths: [2],
    open: (s, p) => s.startsWith("**", p) && solid(s, p + 2) ? 2 : 0,
    close: (s, q) => s.startsWith("**", q) && solid(s, q - 1),
  },
  { // __strong__
    lengths: [2],
    open: (s, p, free) =>
      s.startsWith("__", p) && underscoreMayOpen(s, p, free) && solidOther(s, p + 2, "_") ? 2 : 0,
    close: (s, q) => s.startsWith("__", q) && solidOther(s, q - 1, "_") && !wordAt(s, q + 2),
  },
  { // *em*
    lengths: [1],
    open: (s, p) => s[p] === "*" && solidOther(s, p + 1, "*") ? 1 : 0,
    close: (s, q) => s[q] === "*" && solidOther(s, q - 1, "*"),
  },
  { // _em_
    lengths: [1],
    open: (s, p, free) =>
      s[p] === "_" && underscoreMayOpen(s, p, free) && solidOther(s, p + 1, "_") ? 1 : 0,
    close: (s, q) => s[q] === "_" && solidOther(s, q - 1, "_") && !wordAt(s, q + 1),
  },
  { // ~~strike~~, as markdown-it reads it: a single `~` is text, and of a longer run of tildes
    // the last two delimit (`~~~a~~~` → `~a~`; the rounds take a run of four off in two).
    lengths: [2],
    open: (s, p) => s.startsWith("~~", p) && s[p + 2] !== "~" && solid(s, p + 2) ? 2 : 0,
    close: (s, q) => s.startsWith("~~", q) && s[q + 2] !== "~" && solid(s, q - 1),
  },
];

/** `text` without the delimiters of its emphasis and strikethrough. */
export function emphasisAsText(text: string, meter: ScanMeter): string {
  for (let round = 0; round < MAX_EMPHASIS_ROUNDS; round++) {
    const before = text;
    for (const rule of RULES) text = pairPass(text, rule, meter);
    if (text === before) break;
  }
  return text;
}

/** One rule over `s`: each opener, left to right, with the first closer past it. */
function pairPass(s: string, rule: PairRule, meter: ScanMeter): string {
  const closers = rule.lengths.map((length) => {
    const at: number[] = [];
    for (let q = 1; q < s.length; q++) if (rule.close(s, q, length)) at.push(q);
    return at;
  });
  const cursors = rule.lengths.map(() => 0);
  meter.steps += s.length * rule.lengths.length;
  let out = "";
  let from = 0;
  for (let p = 0; p < s.length; p++) {
    meter.steps++;
    const length = rule.open(s, p, from);
    if (length === 0) continue;
    const which = rule.lengths.indexOf(length);
    const at = closers[which];
    // the text between is never empty; openers come left to right, so the cursor only moves on
    let k = cursors[which];
    while (k < at.length && at[k] <= p + length) k++;
    meter.steps += k - cursors[which];
    cursors[which] = k;
    if (k === at.length) continue;
    out += s.slice(from, p) + s.slice(p + length, at[k]);
    from = at[k] + length;
    p = from - 1;
  }
  return out + s.slice(from);
}
