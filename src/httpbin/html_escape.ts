/**
 * Reflected-XSS defence for the routes that echo request data under a Content-Type the client
 * chose (`/response-headers`, `/base64?content-type=`): go-httpbin's rule, where anything but a
 * few types a browser will not render as markup is HTML-escaped first.
 *
 * This module must not know about requests.
 * @module
 */

import { hasControl } from "../app/byte_text.ts";

/**
 * The media types a browser does not render as a document, so echoing data in them is safe
 * (go-httpbin's `safeContentTypes`; `application/octet-string` is its spelling, kept as is).
 */
const SAFE_MEDIA_TYPES: ReadonlySet<string> = new Set([
  "text/plain",
  "application/json",
  "application/octet-string",
]);

/** tchar (RFC 9110 §5.6.2). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A quoted-string's inside (RFC 9110 §5.6.4): no bare quote, every backslash escaping one char. */
const QUOTED_INSIDE = /^(?:[^"\\]|\\.)*$/s;

/** Whether `value` is a quoted-string without control characters (TAB allowed). */
function isQuoted(value: string): boolean {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return false;
  const inside = value.slice(1, -1);
  return !hasControl(inside, true) && QUOTED_INSIDE.test(inside);
}

/**
 * Whether echoing data under `contentType` needs HTML escaping: true unless it parses as
 * `type/subtype` with well-formed parameters (RFC 9110 §8.3.1) and the type is one of
 * {@link SAFE_MEDIA_TYPES}. A value that does not parse is dangerous: a browser may sniff it.
 */
export function isDangerousContentType(contentType: string): boolean {
  const [head, ...params] = contentType.split(";");
  const type = head.trim().toLowerCase();
  const halves = type.split("/");
  if (halves.length !== 2 || !TOKEN.test(halves[0]) || !TOKEN.test(halves[1])) return true;
  for (const raw of params) {
    const param = raw.trim();
    // A trailing `;` with nothing after it is tolerated, as Go's mime.ParseMediaType does.
    if (param === "") continue;
    const eq = param.indexOf("=");
    if (eq === -1 || !TOKEN.test(param.slice(0, eq))) return true;
    const value = param.slice(eq + 1);
    if (!TOKEN.test(value) && !isQuoted(value)) return true;
  }
  return !SAFE_MEDIA_TYPES.has(type);
}

/** The five characters Go's `html.EscapeString` replaces, with its replacements. */
const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "'": "&#39;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&#34;",
};
const HTML_SPECIAL = /[&'<>"]/g;

/** `text` with `& ' < > "` replaced as Go's `html.EscapeString` does. */
export function escapeHtml(text: string): string {
  return text.replace(HTML_SPECIAL, (ch) => HTML_ESCAPES[ch]);
}

const encoder = new TextEncoder();
/** The escapes as bytes, by the byte they replace (all five are ASCII). */
const BYTE_ESCAPES = new Map(
  Object.entries(HTML_ESCAPES).map(([ch, esc]) => [ch.charCodeAt(0), encoder.encode(esc)]),
);

/**
 * `bytes` with the same five characters escaped, byte by byte, so bytes that are not UTF-8
 * pass through unchanged (as Go's `html.EscapeString(string(b))` leaves them).
 */
export function escapeHtmlBytes(bytes: Uint8Array): Uint8Array {
  const parts: number[] = [];
  for (const b of bytes) {
    const esc = BYTE_ESCAPES.get(b);
    if (esc === undefined) parts.push(b);
    else parts.push(...esc);
  }
  return new Uint8Array(parts);
}
