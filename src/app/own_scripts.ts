/**
 * The web UI's Content-Security-Policy says `script-src 'self'`, its second fence should markup
 * ever slip into the page. But `'self'` is every path of this origin, and some answer with bytes a
 * client chose: an uploaded `/files/x.js`, `/echo/<code>`, `/base64/<code>?content-type=
 * text/javascript`. A page of the origin that loaded one of them as a script (or a worker, or an
 * XSLT sheet) would run it with the UI's credentials. So the routes that serve what clients sent
 * refuse exactly that load, which the browser names (Fetch Metadata, W3C): `Sec-Fetch-Site:
 * same-origin` and a script-like `Sec-Fetch-Dest`. The UI's own scripts come from the web root,
 * which is not wrapped.
 *
 * Anything else passes: curl and other clients send no such fields; another site's page that
 * loads `/echo/…` as a script gets it as before (httpbin is a testing tool), since it runs with
 * that site's rights, not the UI's; and a same-origin `fetch` of the same URL is dest `empty`.
 *
 * This module must not know the routes: `routes.ts` names which ones it wraps.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { Handler, HttpRequest, HttpResponse } from "../http/types.ts";
import { type Route, textResponse } from "./router.ts";

/** `Sec-Fetch-Dest` values of a load whose bytes run as code (Fetch: request destinations). */
const CODE_DESTINATIONS: ReadonlySet<string> = new Set([
  "script",
  "worker",
  "sharedworker",
  "serviceworker",
  "audioworklet",
  "paintworklet",
  "xslt",
]);

/** What a refused load is told. */
export const OWN_SCRIPT_REFUSAL =
  "Not served as a script to this server's own pages: what this path answers is chosen by " +
  "clients\n";

/** Whether `req` is a page of this origin loading this URL as code to run. */
export function isOwnCodeLoad(req: Pick<HttpRequest, "headers">): boolean {
  const dest = req.headers.get("sec-fetch-dest");
  return dest !== undefined && CODE_DESTINATIONS.has(dest) &&
    req.headers.get("sec-fetch-site") === "same-origin";
}

/** `routes` with each handler refusing (403) a same-origin load as code. */
export function withoutOwnCodeLoads(routes: Route[]): Route[] {
  return routes.map((route) => ({ ...route, handler: refuseOwnCodeLoads(route.handler) }));
}

function refuseOwnCodeLoads(handler: Handler): Handler {
  return (req) => isOwnCodeLoad(req) ? refusal() : handler(req);
}

function refusal(): HttpResponse {
  const res = textResponse(STATUS.Forbidden, OWN_SCRIPT_REFUSAL);
  res.headers!.push(["X-Content-Type-Options", "nosniff"]);
  return res;
}
