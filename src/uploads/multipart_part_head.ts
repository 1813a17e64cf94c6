/**
 * The small texts around a streamed multipart body: the boundary from the request's
 * `Content-Type` (RFC 2046 §5.1.1) and, for each part, the field name and filename from its
 * `Content-Disposition` (RFC 7578 §4.2, parameter syntax of RFC 6266 §4.1).
 *
 * Filenames, as clients really send them:
 * - Browsers put the UTF-8 bytes in a quoted-string and percent-encode only `"`, CR and LF
 *   (HTML "multipart/form-data encoding algorithm"); those escapes are NOT decoded here, because
 *   a browser leaves a literal `%22` typed by the user alone too — decoding would rename it.
 * - curl escapes `"` and `\` with a backslash (quoted-pair); a backslash before anything else is
 *   kept literally, so an old browser's `C:\Users\me\a.txt` keeps its separators for `baseName`.
 * - `filename*=UTF-8''…` (RFC 8187) is honoured when present, although RFC 7578 says senders
 *   should not use it: some do, and it is unambiguous. An empty, malformed or non-UTF-8 one
 *   falls back to the plain `filename` (RFC 6266 §4.3).
 * - Header bytes that are not UTF-8 are read as Latin-1 rather than refused (old clients).
 *
 * This module must not touch the disk or know about requests.
 * @module
 */

/** What a part's header block says. */
export interface PartHead {
  /** The form field name (`name` parameter), "" when absent. */
  name: string;
  /** The filename as sent (not yet reduced to a base name), or null for a plain field. */
  filename: string | null;
  /** The part's Content-Type, or null. */
  contentType: string | null;
}

/** RFC 2046 §5.1.1: a boundary is 1 to 70 characters of `bchars`, not ending in a space. */
const MAX_BOUNDARY_LENGTH = 70;
const BCHARS = /^[0-9A-Za-z'()+_,\-./:=? ]+$/;
const utf8 = new TextDecoder("utf-8", { fatal: true });
const latin1 = new TextDecoder("latin1");

/** The boundary of a `multipart/form-data` Content-Type value, or null when it is not one. */
export function formDataBoundary(contentType: string | undefined): string | null {
  if (contentType === undefined) return null;
  const semicolon = contentType.indexOf(";");
  if (semicolon === -1) return null;
  if (contentType.slice(0, semicolon).trim().toLowerCase() !== "multipart/form-data") return null;
  const params = parseParams(contentType.slice(semicolon + 1));
  const boundary = params?.get("boundary");
  if (boundary === undefined || boundary.length > MAX_BOUNDARY_LENGTH) return null;
  if (!BCHARS.test(boundary) || boundary.endsWith(" ")) return null;
  return boundary;
}

/** Parses a part's header block (field lines separated by CRLF), or null when malformed. */
export function parsePartHead(bytes: Uint8Array): PartHead | null {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = latin1.decode(bytes);
  }
  let disposition: string | null = null;
  let contentType: string | null = null;
  for (const line of text === "" ? [] : text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) return null;
    const field = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (field === "content-disposition") disposition = value;
    else if (field === "content-type") contentType = value;
  }
  if (disposition === null) return { name: "", filename: null, contentType };
  const semicolon = disposition.indexOf(";");
  const type = (semicolon === -1 ? disposition : disposition.slice(0, semicolon)).trim();
  if (type.toLowerCase() !== "form-data") return null;
  const params = semicolon === -1 ? new Map() : parseParams(disposition.slice(semicolon + 1));
  if (params === null) return null;
  const extended = params.has("filename*") ? decodeExtValue(params.get("filename*")!) : null;
  return {
    name: params.get("name") ?? "",
    // RFC 6266 §4.3 fallback: an empty filename* says nothing, so it does not hide `filename`
    filename: (extended || null) ?? params.get("filename") ?? null,
    contentType,
  };
}

/**
 * `; a=b; c="d"` → parameters (names lower-cased, first occurrence wins), or null when a quoted
 * string is unterminated or a parameter has no "=".
 */
function parseParams(s: string): Map<string, string> | null {
  const params = new Map<string, string>();
  let i = 0;
  while (i < s.length) {
    while (s[i] === " " || s[i] === "\t" || s[i] === ";") i++;
    if (i >= s.length) break;
    const eq = s.indexOf("=", i);
    if (eq === -1) return null;
    const name = s.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    while (s[i] === " " || s[i] === "\t") i++;
    let value = "";
    if (s[i] === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        // quoted-pair only before `"` and `\`: elsewhere a backslash is a literal (Windows paths)
        if (s[i] === "\\" && (s[i + 1] === '"' || s[i + 1] === "\\")) i++;
        value += s[i++];
      }
      if (s[i] !== '"') return null;
      i++;
    } else {
      const end = s.indexOf(";", i);
      value = s.slice(i, end === -1 ? s.length : end).trim();
      i = end === -1 ? s.length : end;
    }
    if (!params.has(name)) params.set(name, value);
  }
  return params;
}

/** RFC 8187 ext-value `UTF-8'lang'percent-encoded`, or null when malformed or not UTF-8. */
function decodeExtValue(v: string): string | null {
  const first = v.indexOf("'");
  const second = first === -1 ? -1 : v.indexOf("'", first + 1);
  if (second === -1 || v.slice(0, first).toLowerCase() !== "utf-8") return null;
  const encoded = v.slice(second + 1);
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    if (encoded[i] !== "%") {
      bytes.push(encoded.charCodeAt(i));
      continue;
    }
    const hex = encoded.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return null;
    bytes.push(hexValue(hex));
    i += 2;
  }
  try {
    return utf8.decode(new Uint8Array(bytes));
  } catch {
    return null;
  }
}

const HEX_RADIX = 16;
const DECIMAL_DIGITS = 10;

/** Two validated hex digits → their byte value (by hand: no parseInt on wire data). */
function hexValue(hex: string): number {
  return hexDigit(hex.charCodeAt(0)) * HEX_RADIX + hexDigit(hex.charCodeAt(1));
}

function hexDigit(c: number): number {
  if (c <= 0x39) return c - 0x30; // 0-9
  return (c | 0x20) - 0x61 + DECIMAL_DIGITS; // a-f, A-F
}
