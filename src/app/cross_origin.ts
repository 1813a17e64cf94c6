/**
 * Cross-site request forgery protection for the routes that change files: the algorithm of Go
 * 1.25's `net/http.CrossOriginProtection`, without its trusted-origin list.
 *
 * Why: wireserve's writes are open by default on loopback, and a browser sends a "simple"
 * request — a `fetch(url, {mode: "no-cors", method: "POST", body})`, or an HTML form POST as
 * `text/plain`, multipart or urlencoded — to any address without a preflight. Any page the user
 * visits could then create or replace files under `/files/`; it cannot read the answer, but it
 * does not need to. Browsers say where a request comes from, and only browsers make these
 * requests, so the decision reads what they send:
 *
 * 1. `GET`, `HEAD` and `OPTIONS` pass: they change nothing (RFC 9110 §9.2.1).
 * 2. `Sec-Fetch-Site` present (every browser since 2023): `same-origin` (the UI's own requests)
 *    and `none` (the user typed or bookmarked it) pass; `same-site` and `cross-site` are refused
 *    — another port on the same host is another site's page as far as the files are concerned.
 * 3. Else `Origin` present (older browsers): passes only when its `host[:port]` is the request's
 *    host; `Origin: null` (sandboxed frames, `file:` pages) is refused. The scheme is not
 *    compared (the host field has none), as Go does: a browser old enough to lack
 *    `Sec-Fetch-Site` is a trade-off its user made already.
 * 4. Neither: not a browser (curl, rclone, davfs2, cadaver, tus clients) — passes.
 *
 * Before all of these, a write with two `Sec-Fetch-Site` or two `Origin` field lines is refused:
 * no browser sends either twice, and reading only the first would let a second one hide.
 *
 * With `--cors` the user allowed every web origin to call wireserve, as CORS lets it: with
 * `Access-Control-Allow-Credentials` never sent (`cors.ts`), a page can use credentials only by
 * setting `Authorization` itself, which makes the browser ask first (a preflight). But a browser
 * attaches the Basic (or Digest) credentials it remembers for the server to a simple request by
 * itself: an HTML form POST from any site, once the user signed in, wrote files (a probe showed it
 * in Chromium). So under `--cors` one kind of cross-origin write is still refused: a POST that a
 * browser sends without asking (a form's content type, no field a page sets that is not
 * safelisted) carrying Basic or Digest credentials. A page that sets `Authorization` itself on a
 * simple POST is refused too, as nothing tells the two apart; `PUT`, another content type, a
 * field of its own (`Tus-Resumable`), or a Bearer `--token` make it a request that was asked
 * about. The refusal closes the connection rather than reading a body the server will never use.
 *
 * This module must not know the routes: `routes.ts` names which ones it wraps.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HeaderFields } from "../http/header_fields.ts";
import type { Handler, HttpResponse } from "../http/types.ts";
import type { AppConfig } from "./app_config.ts";
import { type Route, textResponse } from "./router.ts";

/** What a refused request is told: the why and the way out. */
export const CROSS_ORIGIN_REFUSAL = "Cross-origin write refused: this page is on another site; " +
  "start wireserve with --cors to allow that";

/** Methods that never change state, so never refused (RFC 9110 §9.2.1). */
const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

/** `Sec-Fetch-Site` values of a request the user or the page itself made (Fetch Metadata §2.4). */
const OWN_SITE: ReadonlySet<string> = new Set(["same-origin", "none"]);

/** The config fields the decision reads. */
export type CrossOriginConfig = Pick<AppConfig, "cors">;

/**
 * Content types a page may POST without a preflight (Fetch's CORS-safelisted request-header
 * `Content-Type`: an HTML form's three).
 */
const SIMPLE_CONTENT_TYPES: ReadonlySet<string> = new Set([
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "text/plain",
]);

/**
 * Request fields that do not show a page asked first: the CORS-safelisted ones, those only the
 * browser sets (Fetch's forbidden request-headers, and what browsers add on their own), and
 * `Authorization`, which the browser may have attached itself (`sec-` and `proxy-` names too).
 */
const NOT_ASKED_ABOUT: ReadonlySet<string> = new Set([
  "accept",
  "accept-language",
  "content-language",
  "content-type",
  "range",
  "accept-charset",
  "accept-encoding",
  "authorization",
  "cache-control",
  "connection",
  "content-length",
  "cookie",
  "cookie2",
  "date",
  "dnt",
  "expect",
  "host",
  "keep-alive",
  "origin",
  "pragma",
  "priority",
  "referer",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "upgrade-insecure-requests",
  "user-agent",
  "via",
]);

/** Schemes whose credentials a browser remembers for a server and sends by itself. */
const REMEMBERED_SCHEMES: ReadonlySet<string> = new Set(["basic", "digest"]);

/**
 * Whether a request must be refused as a cross-origin write: `method`, its header fields and
 * `host` (the effective host, `HttpRequest.host`), under `config`. See the module doc.
 */
export function isCrossOriginWrite(
  method: string,
  headers: Pick<HeaderFields, "get" | "count" | "names">,
  host: string,
  config: CrossOriginConfig,
): boolean {
  if (SAFE_METHODS.has(method)) return false;
  if (config.cors && !mayCarryRememberedCredentials(method, headers)) return false;
  // refuse: a browser sends each of these once, so two field lines are no browser's request, and
  // the first need not be the true one (`Origin: <this server>` then `Origin: http://evil`).
  if (headers.count("sec-fetch-site") > 1 || headers.count("origin") > 1) return true;
  const site = headers.get("sec-fetch-site");
  if (site !== undefined) return !OWN_SITE.has(site);
  const origin = headers.get("origin");
  if (origin === undefined) return false;
  const from = originHost(origin);
  // refuse: an Origin that names no host (`null`, garbage) cannot be this server's own page.
  return from === null || host === "" || from !== host.toLowerCase();
}

/** The 403 for a refused request; the connection closes instead of draining the body. */
export function crossOriginRefusal(): HttpResponse {
  const res = textResponse(STATUS.Forbidden, `${CROSS_ORIGIN_REFUSAL}\n`);
  res.close = true;
  return res;
}

/**
 * `routes` with cross-origin writes refused before their handlers run (with `--cors`, only those
 * that may carry credentials the browser attached by itself).
 */
export function withCrossOriginProtection(config: CrossOriginConfig, routes: Route[]): Route[] {
  return routes.map((route) => ({ ...route, handler: protect(config, route.handler) }));
}

function protect(config: CrossOriginConfig, handler: Handler): Handler {
  return (req) =>
    isCrossOriginWrite(req.method, req.headers, req.host, config)
      ? crossOriginRefusal()
      : handler(req);
}

/**
 * Whether a browser may have sent this write without a preflight and with credentials it
 * remembered (see the module doc): a POST of a form's content type (or none), carrying Basic or
 * Digest credentials, with no field a page could only have set after asking.
 */
function mayCarryRememberedCredentials(
  method: string,
  headers: Pick<HeaderFields, "get" | "names">,
): boolean {
  if (method !== "POST") return false; // every other write method is asked about first
  const credentials = headers.get("authorization");
  if (credentials === undefined) return false;
  const scheme = credentials.trimStart().split(/[ \t]/, 1)[0].toLowerCase();
  if (!REMEMBERED_SCHEMES.has(scheme)) return false;
  const type = headers.get("content-type");
  if (type !== undefined && !SIMPLE_CONTENT_TYPES.has(mediaTypeOf(type))) return false;
  return headers.names.every((name) => {
    const lower = name.toLowerCase();
    return NOT_ASKED_ABOUT.has(lower) || lower.startsWith("sec-") || lower.startsWith("proxy-");
  });
}

/** The lower-cased media type of a `Content-Type` value, without its parameters. */
function mediaTypeOf(value: string): string {
  const semi = value.indexOf(";");
  return (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
}

/**
 * The lower-cased `host[:port]` of a serialized origin (`scheme "://" host [ ":" port ]`, RFC
 * 6454 §6.2), or null when it is not one (`null`, a path, userinfo, whitespace).
 */
function originHost(origin: string): string | null {
  const sep = origin.indexOf("://");
  if (sep <= 0) return null;
  const authority = origin.slice(sep + 3);
  if (authority === "" || /[/?#@\s]/.test(authority)) return null;
  return authority.toLowerCase();
}
