/**
 * The HTTP answer for a rendered page: a strong ETag of the rendered bytes (RFC 9110 §8.8.3), so
 * `If-None-Match` gets 304 as long as the page renders the same; compression by Accept-Encoding
 * (made once per variant); the web root's Cache-Control.
 *
 * Decisions:
 * - No Last-Modified: a rendered page has no single modification time (its includes and listed
 *   posts each have one), and a time that moved back would make `If-Modified-Since` wrongly
 *   answer 304. Date conditions are therefore ignored (RFC 9110 §13.1.3, §13.1.4: they apply
 *   only to a representation with a known modification date).
 * - Range is ignored and the whole page sent (RFC 9110 §14.2 lets a server ignore it); no
 *   `Accept-Ranges` is sent, so clients do not ask.
 * - A 404 page (the web root's `404.html`) is sent as it rendered, without validators.
 *
 * This module must not touch the disk.
 * @module
 */

import { createHash } from "node:crypto";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { evaluatePreconditions } from "../app/conditional.ts";
import {
  compressBytes,
  type ContentCoding,
  MIN_COMPRESS_BYTES,
  negotiateEncoding,
} from "../app/content_coding.ts";
import { withSuffix } from "../app/etag.ts";
import { textResponse } from "../app/router.ts";
import type { CachedPage } from "./render_cache.ts";

const HTML_TYPE = "text/html; charset=utf-8";
const OFFERED: readonly ContentCoding[] = ["br", "gzip", "identity"];
const VARY: [string, string] = ["Vary", "Accept-Encoding"];
/** Characters of the body's SHA-1 (base64url) kept in the tag: 132 bits. */
const TAG_CHARS = 22;

/** The strong ETag of rendered bytes. */
export function renderedEtag(body: Uint8Array): string {
  return `"t-${createHash("sha1").update(body).digest("base64url").slice(0, TAG_CHARS)}"`;
}

/**
 * The answer for `page` with `status` (200, or 404 for a `404.html`). `grew` is told the size of
 * a compressed form added to the page (the cache counts it).
 */
export function renderedResponse(
  req: HttpRequest,
  page: CachedPage,
  status: number,
  cacheControl: string,
  grew: (bytes: number) => void,
): HttpResponse {
  if (status !== STATUS.OK) {
    return {
      status,
      headers: [["Content-Type", HTML_TYPE], ["Cache-Control", "no-cache"]],
      body: page.body,
    };
  }
  const coding = chooseCoding(req, page);
  const etag = coding === "identity" ? page.etag : withSuffix(page.etag, coding);
  const pre = evaluatePreconditions(req.method, req.headers, { etag, lastModifiedMs: null });
  if (pre === "not-modified") {
    // RFC 9110 §15.4.5: the fields a 200 would carry that describe caching.
    return {
      status: STATUS.NotModified,
      headers: [["ETag", etag], ["Cache-Control", cacheControl], VARY],
    };
  }
  if (pre === "failed") return textResponse(STATUS.PreconditionFailed, "Precondition failed\n");
  if (coding === "identity") {
    page.okHeaders ??= [
      ["Content-Type", HTML_TYPE],
      ["ETag", etag],
      ["Cache-Control", cacheControl],
      VARY,
    ];
    return { status, headers: page.okHeaders, body: page.body };
  }
  const headers: Array<[string, string]> = [
    ["Content-Type", HTML_TYPE],
    ["ETag", etag],
    ["Cache-Control", cacheControl],
    VARY,
  ];
  let data = page.encoded[coding];
  if (data === undefined) {
    data = compressBytes(page.body, coding);
    page.encoded[coding] = data;
    grew(data.length);
  }
  headers.push(["Content-Encoding", coding]);
  return { status, headers, body: data };
}

function chooseCoding(req: HttpRequest, page: CachedPage): "br" | "gzip" | "identity" {
  if (page.body.length < MIN_COMPRESS_BYTES) return "identity";
  const accept = req.headers.list("accept-encoding");
  if (accept === undefined) return "identity";
  const coding = negotiateEncoding(accept, OFFERED);
  return coding === "br" || coding === "gzip" ? coding : "identity";
}
