/**
 * Error answers for people: when a browser navigates to something missing, refused or broken,
 * it gets a small HTML page (the status, the same one-line message, links to the files and the
 * home page) instead of bare `text/plain`. Scripts and tools keep the plain text: only a client
 * whose `Accept` ranks `text/html` above `text/plain` gets HTML (browsers list text/html and
 * leave text/plain to their `*\/*`; curl and fetch send `*\/*` alone), and never the web page's
 * own requests (`X-Wireserve-UI`), which show the text themselves.
 *
 * Security: the page holds the handler's fixed message, HTML-escaped, and no script; its
 * Content-Security-Policy allows no script, no form and no frame at all, and lets only pages of
 * this server frame it (`frame-ancestors 'self'`, and `X-Frame-Options` for older browsers), as
 * the built-in UI's own answers do (`frame_protection.ts`): it replaces their policy, and the
 * `--auth-all` 401 is made before any route's protection.
 *
 * This module must not know what the handlers do: it rewrites their plain-text error answers.
 * @module
 */

import { reasonPhrase } from "../http/status.ts";
import type { Handler, HttpRequest, HttpResponse } from "../http/types.ts";
import { acceptRanksAbove } from "./accept_ranks.ts";
import { UI_HEADER } from "./auth.ts";
import { type Route, routeLookup } from "./router.ts";
import { addVary } from "./vary.ts";

/** Smallest status answered as an HTML page for a browser. */
const FIRST_ERROR_STATUS = 400;
const HTML_TYPE = "text/html; charset=utf-8";
// refuse: the error page runs nothing and submits nothing; inline style only; framed only by us.
const ERROR_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; " +
  "form-action 'none'; frame-ancestors 'self'";
const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:40rem;` +
  `padding:0 1rem;color:#222;background:#fff}` +
  `@media (prefers-color-scheme:dark){body{color:#ddd;background:#161616}a{color:#8ab4f8}}` +
  `h1{font-size:1.4rem}`;
const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** The routes with their plain-text error answers turned into pages for browsers. */
export function withHtmlErrors(routes: readonly Route[]): Route[] {
  return routes.map((route) => ({
    ...route,
    handler: htmlErrors(route.handler),
    errorPages: true,
  }));
}

/**
 * For an error answered before routing (the `--auth-all` 401, auth.ts): `asPage` when the path
 * reaches routes of `routes` with error pages, so a browser gets the page those routes' own
 * errors are (the write 401 among them); other paths (`/echo`, httpbin, `/api/…`) keep text.
 */
export function pagesOnPageRoutes(
  routes: readonly Route[],
): (req: HttpRequest, res: HttpResponse) => HttpResponse {
  const lookup = routeLookup(routes);
  return (req, res) => lookup(req.path).some((r) => r.errorPages === true) ? asPage(req, res) : res;
}

/** Wraps one handler (see the module doc). */
export function htmlErrors(handler: Handler): Handler {
  return (req) => {
    const res = handler(req);
    return res instanceof Promise ? res.then((r) => asPage(req, r)) : asPage(req, res);
  };
}

/** `res` as an HTML page when it is a plain-text error and the client prefers HTML. */
export function asPage(req: HttpRequest, res: HttpResponse): HttpResponse {
  if (res.status < FIRST_ERROR_STATUS || typeof res.body !== "string") return res;
  const headers = res.headers ?? [];
  const type = headers.find(([n]) => n.toLowerCase() === "content-type")?.[1] ?? "";
  if (!type.startsWith("text/plain")) return res;
  // Whether this answer is text or HTML depends on Accept: caches must know it.
  const varied: Array<[string, string]> = [...headers];
  addVary(varied, "Accept");
  if (!prefersHtml(req)) return { ...res, headers: varied };
  const out: Array<[string, string]> = [];
  for (const pair of varied) {
    const name = pair[0].toLowerCase();
    if (name === "content-type" || name === "content-security-policy") continue;
    if (name === "x-frame-options") continue;
    out.push(pair);
  }
  out.push(
    ["Content-Type", HTML_TYPE],
    ["Content-Security-Policy", ERROR_CSP],
    ["X-Frame-Options", "SAMEORIGIN"],
  );
  return { ...res, headers: out, body: errorPage(res.status, res.body) };
}

/** The page for `status` with the handler's one-line `message`. */
export function errorPage(status: number, message: string): string {
  const title = escape(`${status} ${reasonPhrase(status)}`.trim());
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><style>${STYLE}</style></head>
<body><main>
<h1>${title}</h1>
<p>${escape(message.trim())}</p>
<p><a href="/files/">Browse the shared files</a> · <a href="/">Home</a></p>
</main></body></html>
`;
}

/**
 * Accept ranks text/html above text/plain, each by its most specific matching range (RFC 9110
 * §12.5.1: a browser's `text/html,…,*\/*;q=0.8` does, curl's `*\/*` ties), and it is not the
 * page asking.
 */
function prefersHtml(req: HttpRequest): boolean {
  if (req.headers.get(UI_HEADER) !== undefined) return false;
  const accept = req.headers.list("accept");
  return accept !== undefined && acceptRanksAbove(accept, "text/html", "text/plain");
}

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}
