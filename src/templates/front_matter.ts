/**
 * What a Markdown post says about itself: an optional front-matter block at the very top
 *
 * ```
 * ---
 * title: Hello, world
 * date: 2024-05-01
 * description: "The first post"
 * ---
 * ```
 *
 * and otherwise its first `# ` heading (outside fenced code), as plain text, as the title. Only
 * `key: value` lines are read (values may be quoted) — a small, predictable subset of YAML, since
 * a title, a date and a description are all a listing shows; anything else in the block is
 * ignored.
 *
 * This module must not touch the disk.
 * @module
 */

import { headingText } from "./heading_text.ts";

/** A post's title, date and description; null where it says nothing. */
export interface PostMeta {
  title: string | null;
  date: Date | null;
  description: string | null;
}

const FENCE = /^---[ \t]*$/;
const CLOSING_FENCE = /^(---|\.\.\.)[ \t]*$/;
const FIELD = /^([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:[ \t]*(.*)$/;
/**
 * A level-1 ATX heading's opening (CommonMark §4.2): up to three spaces in, one `#`, then a space,
 * a tab or the end of the line (`#hashtag` and `## Sub` are not one).
 */
const HEADING_OPEN = /^ {0,3}#(?=[ \t]|$)/;
/** A code fence: three or more backticks or tildes, up to three spaces in. */
const FENCE_MARKER = /^ {0,3}(`{3,}|~{3,})/;
/** `2024-05-01`, optionally with a time (`T` or a space) and a zone (`Z`, `+02:00`). */
const DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?[ \t]*(Z|[+-]\d{2}:?\d{2})?)?$/;
const BOM = "\ufeff";
const MS_PER_MINUTE = 60_000;
const MINUTES_PER_HOUR = 60;

/** The front matter's fields and the text after it (the whole text when there is none). */
export function splitFrontMatter(text: string): { fields: Map<string, string>; body: string } {
  const fields = new Map<string, string>();
  const source = text.startsWith(BOM) ? text.slice(BOM.length) : text;
  const firstEnd = source.indexOf("\n");
  if (firstEnd === -1 || !FENCE.test(source.slice(0, firstEnd).replace(/\r$/, ""))) {
    return { fields, body: source };
  }
  let at = firstEnd + 1;
  while (at < source.length) {
    const end = source.indexOf("\n", at);
    const line = source.slice(at, end === -1 ? source.length : end).replace(/\r$/, "");
    const next = end === -1 ? source.length : end + 1;
    if (CLOSING_FENCE.test(line)) return { fields, body: source.slice(next) };
    const m = FIELD.exec(line);
    if (m !== null && !fields.has(m[1].toLowerCase())) {
      fields.set(m[1].toLowerCase(), unquote(m[2].trim()));
    }
    at = next;
  }
  // No closing fence: it was not front matter after all.
  return { fields: new Map(), body: source };
}

/** The title, date and description of a Markdown post from its (beginning of) text. */
export function readPostMeta(text: string): PostMeta {
  const { fields, body } = splitFrontMatter(text);
  const title = nonEmpty(fields.get("title")) ?? firstHeading(body);
  const dateText = fields.get("date");
  return {
    title,
    date: dateText === undefined ? null : parseDate(dateText),
    description: nonEmpty(fields.get("description") ?? fields.get("summary")),
  };
}

/** A front-matter date as a Date (UTC when it names no zone), or null. */
export function parseDate(text: string): Date | null {
  const m = DATE.exec(text.trim());
  if (m === null) return null;
  const [, y, mo, d, h, mi, s, zone] = m;
  const asWritten = new Date(0);
  // Not Date.UTC: it reads years 0–99 as 1900–1999 (`0079-08-24` would list as 1979).
  asWritten.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  asWritten.setUTCHours(Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), 0);
  const ms = asWritten.getTime();
  // Both roll 2024-02-31 over into March (and month 13 into the next year): not a date.
  if (
    Number.isNaN(ms) || asWritten.getUTCDate() !== Number(d) ||
    asWritten.getUTCMonth() !== Number(mo) - 1
  ) return null;
  return new Date(ms - zoneOffsetMinutes(zone) * MS_PER_MINUTE);
}

/** `2024-05-01` for a date (in UTC). */
export function formatDate(date: Date): string {
  return date.toISOString().slice(0, "yyyy-mm-dd".length);
}

function zoneOffsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * MINUTES_PER_HOUR + Number(digits.slice(2)));
}

/** The text of the first `# ` heading outside fenced code (a `# comment` in a shell block). */
function firstHeading(body: string): string | null {
  let fence: string | null = null;
  for (const raw of body.split("\n")) {
    const line = raw.replace(/\r$/, "");
    const marker = FENCE_MARKER.exec(line)?.[1];
    if (marker !== undefined && (fence === null || marker.startsWith(fence))) {
      fence = fence === null ? marker : null;
      continue;
    }
    if (fence !== null) continue;
    const content = headingContent(line);
    if (content !== null) return nonEmpty(headingText(content));
  }
  return null;
}

/**
 * The inline source of a level-1 heading line, or null when the line is not one: spaces and
 * tabs around it go, and so does a closing run of `#` — but only one that is preceded by a space
 * or a tab, or is all there is (CommonMark §4.2): `# Learn C#` is "Learn C#", as markdown-it
 * shows it, while `# Title ##` is "Title". Scanned by hand, not with a trailing `[ \t]+` pattern,
 * which backtracks over every run of spaces in the line.
 */
export function headingContent(line: string): string | null {
  const open = HEADING_OPEN.exec(line);
  if (open === null) return null;
  let start = open[0].length;
  let end = line.length;
  while (start < end && isBlank(line[start])) start++;
  while (end > start && isBlank(line[end - 1])) end--;
  let hashes = end;
  while (hashes > start && line[hashes - 1] === "#") hashes--;
  if (hashes === start) return "";
  if (hashes < end && isBlank(line[hashes - 1])) {
    end = hashes;
    while (end > start && isBlank(line[end - 1])) end--;
  }
  return line.slice(start, end);
}

function isBlank(c: string): boolean {
  return c === " " || c === "\t";
}

function unquote(value: string): string {
  if (value.length >= 2) {
    const q = value[0];
    if ((q === '"' || q === "'") && value.endsWith(q)) return value.slice(1, -1);
  }
  return value;
}

function nonEmpty(value: string | undefined | null): string | null {
  return value === undefined || value === null || value === "" ? null : value;
}
