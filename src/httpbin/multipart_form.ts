/**
 * A small, bounded parser for `multipart/form-data` bodies already in memory (RFC 7578 over the
 * multipart syntax of RFC 2046 §5.1.1): each part's `Content-Disposition` name, optional
 * filename and Content-Type, and its bytes. Used by the httpbin routes to show form fields and
 * uploaded files; it does not stream and must only see bodies bounded by the caller.
 *
 * This module must not know about requests or sockets.
 * @module
 */

import { bytesToLatin1 } from "../app/byte_text.ts";
import { trimOws } from "../http/ows.ts";
import { percentDecode } from "../app/percent_decode.ts";

/** One part of a multipart body. */
export interface FormPart {
  /** The `name` parameter of Content-Disposition. */
  name: string;
  /**
   * The file name (`filename*`, RFC 5987 / RFC 8187, before `filename`), or null for a plain
   * field: an empty name is a plain field too, as Go's `Part.FileName()` makes it.
   */
  filename: string | null;
  /** The part's Content-Type, or null when absent. */
  contentType: string | null;
  /** The part's bytes (a view into the body). */
  data: Uint8Array;
}

/** Most parts accepted: a body of tiny parts must not become a huge list of objects. */
export const MAX_FORM_PARTS = 1000;
/** RFC 2046 §5.1.1: a boundary is 1 to 70 characters. */
const MAX_BOUNDARY_LENGTH = 70;

const CRLF = "\r\n";
const HEADER_END = "\r\n\r\n";
const DASH_DASH = "--";

/**
 * Splits `body` into its parts, or returns null when it is not well-formed multipart with this
 * `boundary` (no opening delimiter, no closing one, a header line without a colon, too many
 * parts). A part that is not a named `form-data` one (no Content-Disposition, `attachment`, no
 * name, a disposition that does not parse) is skipped, as Go's `ReadForm` skips a part whose
 * `FormName()` is empty. Bytes are handled as latin1 so that offsets are byte offsets and nothing
 * is re-encoded.
 */
export function parseMultipart(body: Uint8Array, boundary: string): FormPart[] | null {
  if (boundary.length === 0 || boundary.length > MAX_BOUNDARY_LENGTH) return null;
  const text = bytesToLatin1(body);
  const delimiter = DASH_DASH + boundary;
  // The first delimiter may open the body or follow a preamble line.
  let at = text.startsWith(delimiter) ? 0 : text.indexOf(CRLF + delimiter);
  if (at === -1) return null;
  if (at !== 0) at += CRLF.length;
  const parts: FormPart[] = [];
  let seen = 0;
  for (;;) {
    at += delimiter.length;
    if (text.startsWith(DASH_DASH, at)) return parts; // close-delimiter
    // transport-padding (linear whitespace) may precede the CRLF.
    while (text[at] === " " || text[at] === "\t") at++;
    if (!text.startsWith(CRLF, at)) return null;
    at += CRLF.length;
    const headEnd = text.indexOf(HEADER_END, at - CRLF.length);
    if (headEnd === -1) return null;
    const head = headEnd < at ? "" : text.slice(at, headEnd);
    const dataStart = headEnd + HEADER_END.length;
    const next = text.indexOf(CRLF + delimiter, dataStart);
    if (next === -1) return null;
    const part = partFromHead(head, body.subarray(dataStart, next));
    if (part === null || ++seen > MAX_FORM_PARTS) return null;
    if (part !== SKIPPED) parts.push(part);
    at = next + CRLF.length;
  }
}

/** What {@link partFromHead} gives for a part `ReadForm` would leave out. */
const SKIPPED = "skipped";

/** The part, {@link SKIPPED} when it is not a named form-data part, or null when malformed. */
function partFromHead(head: string, data: Uint8Array): FormPart | typeof SKIPPED | null {
  let disposition: string | null = null;
  let contentType: string | null = null;
  for (const line of head === "" ? [] : head.split(CRLF)) {
    const colon = line.indexOf(":");
    if (colon <= 0) return null;
    // OWS only, as Go's textproto: `Content-Type: a/b\xA0` keeps its NBSP.
    const name = trimOws(line.slice(0, colon)).toLowerCase();
    const value = trimOws(line.slice(colon + 1));
    if (name === "content-disposition") disposition = value;
    else if (name === "content-type") contentType = value;
  }
  const params = disposition === null ? null : dispositionParams(disposition);
  const name = params?.get("name");
  if (params === null || name === undefined || name === "") return SKIPPED;
  const extended = params.get("filename*");
  const filename = (extended === undefined ? null : decodeExtValue(extended)) ??
    params.get("filename") ?? "";
  return { name, filename: filename === "" ? null : filename, contentType, data };
}

/**
 * An RFC 8187 ext-value (`UTF-8''%E2%82%AC.txt`) as text, or null when it is malformed or in
 * another charset (Go's `mime` decodes only UTF-8 and US-ASCII, and drops the parameter
 * otherwise). Bytes that are not UTF-8 become U+FFFD.
 */
function decodeExtValue(value: string): string | null {
  const quote = value.indexOf("'");
  const langEnd = quote === -1 ? -1 : value.indexOf("'", quote + 1);
  if (langEnd === -1) return null;
  const charset = value.slice(0, quote).toLowerCase();
  if (charset !== "utf-8" && charset !== "us-ascii") return null;
  return percentDecode(value.slice(langEnd + 1), { lossyUtf8: true });
}

/**
 * The parameters of `form-data; name="a"; filename="b.txt"` (RFC 6266 §4.1 syntax: token or
 * quoted-string values), names lower-cased; null when the type is not form-data or the syntax
 * is broken.
 */
function dispositionParams(value: string): Map<string, string> | null {
  const semicolon = value.indexOf(";");
  const type = trimOws(semicolon === -1 ? value : value.slice(0, semicolon)).toLowerCase();
  if (type !== "form-data") return null;
  const params = new Map<string, string>();
  let i = semicolon === -1 ? value.length : semicolon + 1;
  while (i < value.length) {
    while (value[i] === " " || value[i] === "\t" || value[i] === ";") i++;
    if (i >= value.length) break;
    const eq = value.indexOf("=", i);
    if (eq === -1) return null;
    const name = trimOws(value.slice(i, eq)).toLowerCase();
    i = eq + 1;
    let v = "";
    if (value[i] === '"') {
      i++;
      while (i < value.length && value[i] !== '"') {
        if (value[i] === "\\" && i + 1 < value.length) i++; // quoted-pair
        v += value[i++];
      }
      if (value[i] !== '"') return null;
      i++;
    } else {
      const end = value.indexOf(";", i);
      v = trimOws(value.slice(i, end === -1 ? value.length : end));
      i = end === -1 ? value.length : end;
    }
    if (!params.has(name)) params.set(name, v);
  }
  return params;
}
