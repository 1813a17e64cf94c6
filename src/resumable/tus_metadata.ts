/**
 * tus `Upload-Metadata` (tus 1.0.0, Creation extension): comma-separated pairs of a key and a
 * base64 value, the value optional (`filename d29ybGQuanBn,is_confidential`). Keys are ASCII
 * without spaces or commas and must be unique. Parsed strictly: a malformed field is a 400, not a
 * field read halfway.
 *
 * Values are bytes; the ones we use (`filename`, `relativePath`, `filetype`) are decoded as
 * UTF-8, fatally, so a name that is not text is refused rather than mangled.
 *
 * This module must not know about requests or the disk.
 * @module
 */

import { trimOws } from "../http/ows.ts";

/** Most pairs accepted (a client's metadata is a handful of keys). */
export const MAX_METADATA_PAIRS = 64;
/** Longest field accepted, in characters. */
export const MAX_METADATA_CHARS = 8192;

const KEY = /^[\x21-\x2b\x2d-\x7e]+$/; // visible ASCII but ","
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The pairs of a metadata field: key → value bytes (empty for a key without value). */
export type TusMetadata = Map<string, Uint8Array>;

/** Parses `value`; null when it is malformed (or past the limits above). */
export function parseTusMetadata(value: string): TusMetadata | null {
  const out: TusMetadata = new Map();
  if (value.length > MAX_METADATA_CHARS) return null;
  // OWS only (RFC 9110 §5.6.3) around the field and each pair: a NBSP is a malformed key or value.
  if (trimOws(value) === "") return out;
  const pairs = value.split(",");
  if (pairs.length > MAX_METADATA_PAIRS) return null;
  for (const pair of pairs) {
    const parts = trimOws(pair).split(" ");
    if (parts.length > 2 || !KEY.test(parts[0]) || out.has(parts[0])) return null;
    const encoded = parts[1] ?? "";
    if (!BASE64.test(encoded)) return null;
    out.set(parts[0], Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0)));
  }
  return out;
}

/** The value of `key` as UTF-8 text; null when absent or not text. */
export function metadataText(meta: TusMetadata, key: string): string | null {
  const bytes = meta.get(key);
  if (bytes === undefined) return null;
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}
