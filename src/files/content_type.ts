/**
 * The Content-Type of a file from its name, via the `mime-types` database: `text/*` (and JSON,
 * JavaScript) with `; charset=utf-8`, and exactly `application/octet-stream` when the extension
 * is unknown or missing.
 *
 * This module must not touch the disk: the name alone decides.
 * @module
 */

import mime from "mime-types";

/** The type of anything the database does not know: bytes, no sniffing. */
export const OCTET_STREAM = "application/octet-stream";

/** Extension (lower case) → Content-Type; the database lookup is cheap, this is cheaper. */
const byExtension = new Map<string, string>();
/** Bound on the memo, since extensions come from names on disk. */
const MAX_MEMO_ENTRIES = 1024;

/**
 * The Content-Type for a file called `name` (a base name). Only the text after the last dot
 * counts, and a leading dot does not start an extension: `json` and `.json` are not JSON
 * (mime-types alone would look the bare word up as an extension).
 */
export function contentTypeFor(name: string): string {
  const dot = name.lastIndexOf(".");
  if (dot <= 0 || dot === name.length - 1) return OCTET_STREAM;
  const ext = name.slice(dot + 1).toLowerCase();
  let type = byExtension.get(ext);
  if (type === undefined) {
    const found = mime.contentType(ext);
    type = typeof found === "string" ? normalize(found) : OCTET_STREAM;
    if (byExtension.size < MAX_MEMO_ENTRIES) byExtension.set(ext, type);
  }
  return type;
}

/**
 * Extensions whose files are stored compressed though their media type is not: an `.svgz` is a
 * gzipped `image/svg+xml` (the database gives it that type). Such a file goes out with
 * `Content-Encoding` naming the coding it already has, as Apache's `AddEncoding gzip svgz` does
 * (RFC 9110 §8.4: codings beyond those inherent in the media type), and is never compressed
 * again.
 */
const STORED_CODINGS: ReadonlyMap<string, string> = new Map([["svgz", "gzip"]]);

/** The coding a file called `name` is stored in beyond its media type (`a.svgz`: gzip), or null. */
export function storedCodingFor(name: string): string | null {
  const dot = name.lastIndexOf(".");
  if (dot <= 0 || dot === name.length - 1) return null;
  return STORED_CODINGS.get(name.slice(dot + 1).toLowerCase()) ?? null;
}

/** `text/*` always carries the UTF-8 charset (the database leaves a few text types without). */
function normalize(type: string): string {
  if (type.startsWith("text/") && !type.includes("charset=")) return `${type}; charset=utf-8`;
  return type;
}
