/**
 * Text helpers shared by the listing renderers: escaping for HTML, percent-encoding of names in
 * links, showing control characters, human-readable sizes and dates.
 *
 * Security: a file name is attacker-controlled text (anyone who can upload picks it). In HTML it
 * is escaped (`& < > " '`), so no name can open a tag or leave an attribute; in a link every
 * segment goes through `encodeURIComponent`, so `#`, `?`, `%`, `/`, `:` and quotes are data, never
 * URL syntax (no `javascript:` scheme can form, no fragment or query can be smuggled).
 *
 * This module must not know about folders on disk or HTTP.
 * @module
 */

import { bidiControlPattern } from "../app/bidi_control.ts";

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
const HTML_SPECIAL = /[&<>"']/g;
/** C0 controls and DEL, shown as their Control Pictures (U+2400 block) so they stay visible. */
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;
const CONTROL_PICTURES = 0x2400;
const DEL = 0x7f;
const SYMBOL_FOR_DEL = 0x2421;
/** Bidi controls (app/bidi_control.ts, the same set a write refuses), shown as `<U+202E>`. */
const BIDI_CONTROL = bidiControlPattern();
const SIZE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
const BYTES_PER_UNIT = 1024;
/** Below this many units, one decimal is shown (9.5 KiB); above, none (95 KiB). */
const DECIMAL_BELOW = 10;

/** `s` safe in HTML text and in double- or single-quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(HTML_SPECIAL, (c) => HTML_ESCAPES[c]);
}

/**
 * A name for display: control characters become visible symbols (a newline shows as ␊), and
 * bidi controls their code point (`<U+202E>`), so that a name cannot pass for another. (Where it
 * is shown in HTML it is also isolated, in `<bdi>`, so right-to-left letters cannot reorder what
 * follows it.)
 */
export function visibleName(name: string): string {
  return name.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return String.fromCharCode(code === DEL ? SYMBOL_FOR_DEL : CONTROL_PICTURES + code);
  }).replace(
    BIDI_CONTROL,
    (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}>`,
  );
}

/**
 * One path segment percent-encoded for a URL. Lone surrogates (possible in Windows names) are
 * replaced first: `encodeURIComponent` would throw on them. An apostrophe is encoded too
 * (`%27`, the same segment to any server): left as it is, HTML attributes carry it as `&#39;`,
 * which some clients (lftp's mirror) do not decode, and fetch `it&` instead of `it's`.
 */
export function encodeSegment(name: string): string {
  return encodeURIComponent(name.toWellFormed()).replaceAll("'", "%27");
}

/** The absolute URL path of `segments` below `mount` (`/files/`), with a final "/" for folders. */
export function segmentsUrl(mount: string, segments: readonly string[], folder: boolean): string {
  if (segments.length === 0) return mount;
  return mount + segments.map(encodeSegment).join("/") + (folder ? "/" : "");
}

/** Bytes in binary units: `512 B`, `1.5 KiB`, `20 MiB`. */
export function humanSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= BYTES_PER_UNIT && unit < SIZE_UNITS.length - 1) {
    value /= BYTES_PER_UNIT;
    unit++;
  }
  if (unit === 0) return `${bytes} B`;
  const shown = value < DECIMAL_BELOW ? value.toFixed(1) : Math.round(value).toString();
  return `${shown} ${SIZE_UNITS[unit]}`;
}

/** `YYYY-MM-DD HH:MM` in UTC, or an empty string. */
export function shortDate(date: Date | null): string {
  if (date === null) return "";
  return date.toISOString().slice(0, 16).replace("T", " ");
}
