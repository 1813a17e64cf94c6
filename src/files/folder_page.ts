/**
 * The HTTP answer for a folder page — a listing or a search, as HTML or JSON — once its body is
 * made: type, caching fields, our page CSP, compression by Accept-Encoding, and for a page made
 * whole in memory a weak ETag of its bytes, so a revisit with `If-None-Match` gets 304 instead
 * of the whole page again.
 *
 * Decisions:
 * - The tag is weak (RFC 9110 §8.8.3): one tag for the page whether sent identity, gzip or br
 *   (as nginx weakens the tags it compresses); `Vary: Accept-Encoding` keeps the stored forms
 *   apart in caches. If-None-Match compares weakly, so revalidation works; If-Match compares
 *   strongly, so a write can never be guarded by a page's tag.
 * - The tag is the first 132 bits of the SHA-1 of the page (base64url). Measured on a 200 KB
 *   listing: node:crypto SHA-1 0.21 ms, a 32-bit FNV-1a in JavaScript 0.72 ms (and 2^-32 odds
 *   of answering 304 for a changed page); encoding the page to UTF-8, which sending needs
 *   anyway, 1.4 ms.
 * - No Last-Modified: a folder's time does not move when a file in it grows, so a date would
 *   make `If-Modified-Since` answer 304 for a changed page (date conditions then do not apply,
 *   §13.1.3).
 * - A streamed page (a large folder) has no tag: its bytes are known only once sent.
 *
 * This module must not read folders: it receives the page.
 * @module
 */

import { createHash } from "node:crypto";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse, StreamBody } from "../http/types.ts";
import { compressResponse } from "../app/compress_response.ts";
import { evaluatePreconditions, type Validators } from "../app/conditional.ts";
import type { ContentCoding } from "../app/content_coding.ts";
import { textResponse } from "../app/router.ts";

const OFFERED: readonly ContentCoding[] = ["br", "gzip", "identity"];
const HTML_TYPE = "text/html; charset=utf-8";
const JSON_TYPE = "application/json; charset=utf-8";
/** Characters of the page's SHA-1 (base64url) kept in the tag: 132 bits. */
const TAG_CHARS = 22;
/** What preconditions see of a page without a tag: it exists, with no tag and no date. */
const UNTAGGED: Validators = { etag: "", lastModifiedMs: null };

/**
 * The caching fields of a listing or search page, which its 304 repeats (RFC 9110 §15.4.5):
 * revalidate every time (a folder changes without notice), and the same URL answers HTML or
 * JSON by Accept, compressed or not by Accept-Encoding, so caches must key on both.
 */
export const FOLDER_PAGE_CACHING: ReadonlyArray<[string, string]> = [
  ["Cache-Control", "no-cache"],
  ["Vary", "Accept, Accept-Encoding"],
];
/**
 * Our listing and search pages: no script can run (script-src falls back to 'none'), styles
 * inline only, forms post only to this server, nothing may frame them.
 */
export const OWN_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; " +
  "base-uri 'none'; frame-ancestors 'self'";

const encoder = new TextEncoder();

/** The weak ETag of a page's bytes (see the module doc). */
export function pageEtag(bytes: Uint8Array): string {
  return `W/"${createHash("sha1").update(bytes).digest("base64url").slice(0, TAG_CHARS)}"`;
}

/**
 * A listing or search page as JSON or our own HTML, compressed when the client accepts it: a
 * page made whole is tagged and may be a 304; a streamed one is a 304 only for
 * `If-None-Match: *`.
 */
export function folderPage(
  req: HttpRequest,
  json: boolean,
  body: string | StreamBody,
): HttpResponse {
  const bytes = typeof body === "string" ? encoder.encode(body) : null;
  const etag = bytes === null ? null : pageEtag(bytes);
  const validators = etag === null ? UNTAGGED : { etag, lastModifiedMs: null };
  // RFC 9110 §13.2.2. If-Match was weighed before the folder was read, with the same outcome:
  // `*` holds, and a weak tag never matches strongly.
  const pre = evaluatePreconditions(req.method, req.headers, validators);
  if (pre === "failed") return textResponse(STATUS.PreconditionFailed, "Precondition failed\n");
  if (pre === "not-modified") {
    // RFC 9110 §15.4.5: the 304 carries the ETag, Cache-Control and Vary the 200 would have.
    const headers: Array<[string, string]> = etag === null ? [] : [["ETag", etag]];
    headers.push(...FOLDER_PAGE_CACHING);
    return { status: STATUS.NotModified, headers };
  }
  const headers: Array<[string, string]> = [
    ["Content-Type", json ? JSON_TYPE : HTML_TYPE],
    ...FOLDER_PAGE_CACHING,
  ];
  if (etag !== null) headers.push(["ETag", etag]);
  if (!json) headers.push(["Content-Security-Policy", OWN_PAGE_CSP]);
  const res: HttpResponse = { status: STATUS.OK, headers, body: bytes ?? body };
  return compressResponse(req, res, { offered: OFFERED });
}
