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
 * With `--cors` the user allowed every web origin to call wireserve, so nothing is refused here
 * (credentials, when configured, still are the gate). The refusal closes the connection rather
 * than reading a body the server will never use.
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
 * Whether a request must be refused as a cross-origin write: `method`, its header fields and
 * `host` (the effective host, `HttpRequest.host`), under `config`. See the module doc.
 */
export function isCrossOriginWrite(
  method: string,
  headers: Pick<HeaderFields, "get" | "count">,
  host: string,
  config: CrossOriginConfig,
): boolean {
  if (config.cors || SAFE_METHODS.has(method)) return false;
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

/** `routes` with cross-origin writes refused before their handlers run (none with `--cors`). */
export function withCrossOriginProtection(config: CrossOriginConfig, routes: Route[]): Route[] {
  if (config.cors) return routes;
  return routes.map((route) => ({ ...route, handler: protect(config, route.handler) }));
}

function protect(config: CrossOriginConfig, handler: Handler): Handler {
  return (req) =>
    isCrossOriginWrite(req.method, req.headers, req.host, config)
      ? crossOriginRefusal()
      : handler(req);
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
