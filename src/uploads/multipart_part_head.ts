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
 *   falls back to the plain `filename` (RFC 6266 §4.3). A malformed or non-UTF-8 one without a
 *   `filename` beside it still makes the part a file part (RFC 7578 §4.2: a part with a file
 *   name parameter is a file), whose name cannot be read: `filenameUnreadable`, for the caller
 *   to refuse — taken for a plain field, the file was silently left out of the upload.
 * - Header bytes that are not UTF-8 are read as Latin-1 rather than refused (old clients).
 *
 * White space around field values, parameters and folded lines is SP and HTAB only (RFC 5322
 * WSP, as HTTP's OWS): a NBSP (or any other Unicode space) is part of what it stands next to.
 *
 * This module must not touch the disk or know about requests.
 * @module
 */

import { trimOws } from "../http/ows.ts";

/** What a part's header block says. */
export interface PartHead {
  /** The form field name (`name` parameter), "" when absent. */
  name: string;
  /** The filename as sent (not yet reduced to a base name), or null for a plain field. */
  filename: string | null;
  /** The part's Content-Type, or null. */
  contentType: string | null;
  /**
   * Set when the part has a file name that cannot be read — a `filename*` malformed or in
   * another charset than UTF-8, and no `filename` — so `filename` is null but the part is a file.
   */
  filenameUnreadable?: true;
}

/** RFC 2046 §5.1.1: a boundary is 1 to 70 characters of `bchars`, not ending in a space. */
const MAX_BOUNDARY_LENGTH = 70;
const BCHARS = /^[0-9A-Za-z'()+_,\-./:=? ]+$/;
const utf8 = new TextDecoder("utf-8", { fatal: true });
const latin1 = new TextDecoder("latin1");
const SP = 0x20;
const HTAB = 0x09;

/**
 * What a request's Content-Type says of a form: `form` with its boundary; `badBoundary` when the
 * type is `multipart/form-data` but its boundary is missing, empty, longer than 70 characters or
 * not made of `bchars` (RFC 2046 §5.1.1) — the right type with a malformed parameter, which the
 * caller answers 400, not 415 (RFC 9110 §15.5.1); `other` for any other type, or none.
 */
export type FormDataType =
  | { kind: "form"; boundary: string }
  | { kind: "badBoundary" }
  | { kind: "other" };

const OTHER: FormDataType = Object.freeze({ kind: "other" });
const BAD_BOUNDARY: FormDataType = Object.freeze({ kind: "badBoundary" });

/** Reads a Content-Type value as a form's type: see {@link FormDataType}. */
export function formDataType(contentType: string | undefined): FormDataType {
  if (contentType === undefined) return OTHER;
  const semicolon = contentType.indexOf(";");
  const type = semicolon === -1 ? contentType : contentType.slice(0, semicolon);
  if (trimOws(type).toLowerCase() !== "multipart/form-data") return OTHER;
  if (semicolon === -1) return BAD_BOUNDARY;
  const params = parseParams(contentType.slice(semicolon + 1));
  const boundary = params?.get("boundary");
  if (boundary === undefined || boundary.length > MAX_BOUNDARY_LENGTH) return BAD_BOUNDARY;
  if (!BCHARS.test(boundary) || boundary.endsWith(" ")) return BAD_BOUNDARY;
  return { kind: "form", boundary };
}

/** The boundary of a `multipart/form-data` Content-Type value, or null when it has none valid. */
export function formDataBoundary(contentType: string | undefined): string | null {
  const form = formDataType(contentType);
  return form.kind === "form" ? form.boundary : null;
}

/** Parses a part's header block (field lines separated by CRLF), or null when malformed. */
export function parsePartHead(bytes: Uint8Array): PartHead | null {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = latin1.decode(bytes);
  }
  const lines = unfoldedLines(text);
  if (lines === null) return null;
  let disposition: string | null = null;
  let contentType: string | null = null;
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) return null;
    const field = trimOws(line.slice(0, colon)).toLowerCase();
    const value = trimOws(line.slice(colon + 1));
    if (field === "content-disposition") {
      // refuse: with two, parsers disagree on the name (Go and Python take the first, a
      // last-wins reader the second), so the file could land under a name nobody checked —
      // ambiguous like two differing Content-Length fields
      if (disposition !== null) return null;
      disposition = value;
    } else if (field === "content-type") contentType = value;
  }
  if (disposition === null) return { name: "", filename: null, contentType };
  const semicolon = disposition.indexOf(";");
  const type = trimOws(semicolon === -1 ? disposition : disposition.slice(0, semicolon));
  if (type.toLowerCase() !== "form-data") return null;
  const params = semicolon === -1 ? new Map() : parseParams(disposition.slice(semicolon + 1));
  if (params === null) return null;
  const extended = params.has("filename*") ? decodeExtValue(params.get("filename*")!) : null;
  // RFC 6266 §4.3 fallback: an empty filename* says nothing, so it does not hide `filename`
  const filename = (extended || null) ?? params.get("filename") ?? null;
  const part: PartHead = { name: params.get("name") ?? "", filename, contentType };
  if (filename === null && params.has("filename*") && extended === null) {
    part.filenameUnreadable = true;
  }
  return part;
}

/**
 * The field lines of a header block, each folded line joined to the one before it with one
 * space: part headers follow RFC 5322 (RFC 7578 §4.8 leaves them to it), where folding — CRLF
 * then SP or HTAB — is legal (§2.2.3), unlike in HTTP's own head; Go's mime/multipart unfolds
 * the same way. Null when the block starts with a continuation (nothing to fold onto).
 */
function unfoldedLines(text: string): string[] | null {
  const lines: string[] = [];
  if (text === "") return lines;
  for (const line of text.split("\r\n")) {
    const first = line.charCodeAt(0);
    if (first === SP || first === HTAB) {
      if (lines.length === 0) return null;
      lines[lines.length - 1] = `${trimOws(lines[lines.length - 1])} ${trimOws(line)}`;
    } else lines.push(line);
  }
  return lines;
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
    const name = trimOws(s.slice(i, eq)).toLowerCase();
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
      value = trimOws(s.slice(i, end === -1 ? s.length : end));
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
