/**
 * `--cors`: let pages from any origin call wireserve (Fetch standard, "CORS protocol"). A
 * wrapper around the whole app, outermost, so it also covers 401s and errors:
 *
 * - A request with `Origin` gets `Access-Control-Allow-Origin: <that origin>` and
 *   `Access-Control-Expose-Headers` (the validators, Location, Content-Range and digests a
 *   client script needs). Every response gets `Vary: Origin`, because with CORS on the answer
 *   depends on it and a shared cache must not hand one origin's answer to another (RFC 9110
 *   §12.5.5).
 * - A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is answered here
 *   with 204, the requested method and headers allowed, and a max-age, without reaching the app:
 *   preflights never carry credentials (Fetch §4.8), so under `--auth` they must not be refused.
 *
 * Security: `Access-Control-Allow-Credentials` is never sent. This layer owns the CORS answer: an
 * `Access-Control-*` field a handler set (`/response-headers?Access-Control-Allow-Credentials=true`
 * asks for any field) is dropped, but for `Access-Control-Expose-Headers`, which only lets a page
 * read more of what it already got (the resumable uploads add their fields that way). Reflecting
 * any origin together with credentials would let every web page a user visits act with the
 * user's cookies or cached Basic credentials; without it a page can still send an explicit
 * `Authorization` header it knows (the token), which is the point of `--cors` with `--token`. Reflecting the requested
 * method and headers is safe for the same reason: the page gets no more than any HTTP client.
 * Leaving the field out hides answers, not requests: a simple request (a form POST) still goes
 * out with the Basic credentials the browser remembers, so `cross_origin.ts` refuses that one
 * kind of cross-site write even under `--cors`.
 *
 * This module must not touch sockets or know the routes.
 * @module
 */

import { trimOws } from "../http/ows.ts";
import { STATUS } from "../http/status.ts";
import type { Handler, HttpRequest, HttpResponse } from "../http/types.ts";

/** How long a browser may cache a preflight answer, in seconds (Chromium caps it at 7200). */
export const PREFLIGHT_MAX_AGE_SECONDS = 7200;

/** Response headers a cross-origin script may read beyond the CORS-safelisted ones. */
export const EXPOSED_HEADERS = [
  "Content-Length",
  "Content-Range",
  "Accept-Ranges",
  "ETag",
  "Last-Modified",
  "Location",
  "Content-Disposition",
  "Repr-Digest",
  "Content-Digest",
  "WWW-Authenticate",
].join(", ");

/** RFC 9110 §5.6.2 token: a method name. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A comma list of header names (RFC 9110 §5.6.1), as Access-Control-Request-Headers sends. */
const TOKEN_LIST = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:[ \t]*,[ \t]*[!#$%&'*+\-.^_`|~0-9A-Za-z]+)*$/;
const VARY_PREFLIGHT = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
/** The CORS fields only this layer sets: every `Access-Control-*` but `-Expose-Headers`. */
const OWNED_BY_CORS = /^access-control-(?!expose-headers$)/i;

/** Wraps `handler` with CORS as described in the module doc. */
export function withCors(handler: Handler): Handler {
  return async (req) => {
    const origin = req.headers.get("origin");
    if (origin !== undefined && req.method === "OPTIONS") {
      const method = req.headers.get("access-control-request-method");
      if (method !== undefined) return preflight(req, origin, method);
    }
    const res = await handler(req);
    return decorate(res, origin);
  };
}

function preflight(req: HttpRequest, origin: string, method: string): HttpResponse {
  const headers: Array<[string, string]> = [["Vary", VARY_PREFLIGHT]];
  // A malformed request method or header list gets no CORS headers: the browser then fails the
  // preflight, which is the right outcome for a request it could not send anyway.
  // OWS only (RFC 9110 §5.6.3): `x-a\xA0` is no token list, so it is not echoed as `x-a`.
  const requestedField = req.headers.get("access-control-request-headers");
  const requested = requestedField === undefined ? "" : trimOws(requestedField);
  if (TOKEN.test(method) && (requested === "" || TOKEN_LIST.test(requested))) {
    headers.push(
      ["Access-Control-Allow-Origin", origin],
      ["Access-Control-Allow-Methods", method],
      ["Access-Control-Max-Age", String(PREFLIGHT_MAX_AGE_SECONDS)],
    );
    if (requested !== "") headers.push(["Access-Control-Allow-Headers", requested]);
  }
  return { status: STATUS.NoContent, headers };
}

function decorate(res: HttpResponse, origin: string | undefined): HttpResponse {
  // Copy: handlers may return shared, constant header arrays.
  const headers: Array<[string, string]> = [];
  let varied = false;
  for (const [name, value] of res.headers ?? []) {
    // refuse: a handler's Allow-Credentials (or its own Allow-Origin) would undo this layer's rules.
    if (OWNED_BY_CORS.test(name)) continue;
    if (!varied && name.toLowerCase() === "vary") {
      varied = true;
      headers.push([name, mergeVary(value)]);
    } else headers.push([name, value]);
  }
  if (!varied) headers.push(["Vary", "Origin"]);
  if (origin !== undefined) {
    headers.push(
      ["Access-Control-Allow-Origin", origin],
      ["Access-Control-Expose-Headers", EXPOSED_HEADERS],
    );
  }
  return { ...res, headers };
}

/** `value` with Origin added unless it is there already or is `*` (which covers it). */
function mergeVary(value: string): string {
  const names = value.split(",").map((n) => n.trim().toLowerCase());
  if (names.includes("origin") || names.includes("*")) return value;
  return value.trim() === "" ? "Origin" : `${value}, Origin`;
}
