/**
 * The CodeCrafters-compatible text routes, with their exact wire behaviour:
 * `GET /echo/<text>` and `GET /user-agent`, both `Content-Type: text/plain` (no charset: the
 * tester compares the field value exactly) and gzip when the client accepts it.
 *
 * This module must not touch sockets.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { latin1Bytes, replacedText } from "../app/byte_text.ts";
import { type CompressOptions, compressResponse } from "../app/compress_response.ts";
import type { ContentCoding } from "../app/content_coding.ts";
import { percentDecodeBytes } from "../app/percent_decode.ts";
import { prefersJson } from "../app/prefers_json.ts";
import { textResponse } from "../app/router.ts";
import { jsonResponse } from "../app/json_response.ts";

/** Where the echoed text starts in the path. */
export const ECHO_PREFIX = "/echo/";

/**
 * Only gzip: the CodeCrafters tester expects gzip specifically, and a `br` answer to a client
 * listing both would be a behaviour nobody pinned. Brotli is for the file routes and `/brotli`.
 */
const ECHO_CODINGS: readonly ContentCoding[] = ["gzip", "identity"];

/** gzip whenever accepted, however short the text. */
const ECHO_COMPRESSION: CompressOptions = { offered: ECHO_CODINGS, minBytes: 0 };

/** `text/plain` exactly: the tester compares the whole field value. */
const TEXT_PLAIN: [string, string] = ["Content-Type", "text/plain"];

/**
 * `GET /echo/<text>`: 200 with the percent-decoded bytes. Gzipped whenever gzip is accepted,
 * however short the text (the tester checks that), with `Vary: Accept-Encoding` on every answer;
 * no Content-Encoding at all when no acceptable coding is listed. Escapes that decode to bytes
 * that are not UTF-8 (`%FF`) are valid percent-encoding (RFC 3986 §2.1): those bytes are echoed
 * as they are, under the same `text/plain` without a charset. A malformed escape (`%zz`) → 400.
 */
export function echo(req: HttpRequest): HttpResponse {
  const encoded = req.path.slice(ECHO_PREFIX.length);
  // Fast path: without escapes the text is the path itself.
  const body = encoded.indexOf("%") === -1 ? encoded : percentDecodeBytes(encoded);
  if (body === null) {
    return textResponse(STATUS.BadRequest, "Cannot echo the path: invalid percent-encoding\n");
  }
  const res: HttpResponse = { status: STATUS.OK, headers: [TEXT_PLAIN], body };
  return compressResponse(req, res, ECHO_COMPRESSION);
}

/**
 * `GET /user-agent`: 200 with the User-Agent value byte for byte as sent (without the optional
 * whitespace around it, which is not part of a field value, RFC 9110 §5.5), compressed like
 * `/echo`. When the request has none, the body is empty (still 200): User-Agent is only a SHOULD
 * (RFC 9110 §10.1.5), so a request without one is valid and a 4xx would blame the client for
 * nothing; an empty body is exactly "what was sent". With several User-Agent lines the first
 * counts (the field is not a list).
 *
 * `?format=json` or `Accept: application/json` gives go-httpbin's `{"user-agent": "…"}` instead
 * (bytes that are not UTF-8 as U+FFFD, as go-httpbin and the httpbin routes show them), compressed the same way: the route promises gzip when accepted,
 * whichever form the client asked for.
 */
export function userAgent(req: HttpRequest): HttpResponse {
  const value = req.headers.get("user-agent") ?? "";
  // The body is User-Agent, and its form depends on Accept (and ?format): caches key on both
  // (RFC 9110 §12.5.5).
  const vary: [string, string] = ["Vary", "Accept, User-Agent"];
  if (prefersJson(req)) {
    const json = jsonResponse(STATUS.OK, { "user-agent": replacedText(value) }, [vary]);
    return compressResponse(req, json, ECHO_COMPRESSION);
  }
  const res: HttpResponse = {
    status: STATUS.OK,
    headers: [TEXT_PLAIN, vary],
    body: latin1Bytes(value),
  };
  return compressResponse(req, res, ECHO_COMPRESSION);
}
