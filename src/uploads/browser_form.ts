/**
 * Whether a form post came from a browser navigating (an HTML `<form>`), not from a script: such
 * a post should land on a page (`303 See Other` to the folder), not on the JSON or text a script
 * reads.
 *
 * Decisions:
 * - `Accept` must rank `text/html` above `application/json` by RFC 9110 §12.5.1 precedence
 *   (`acceptRanksAbove`): Chrome's and Firefox's navigation fields (`text/html,…,*\/*;q=0.8`) do;
 *   `text/html;q=0` does not (HTML refused), nor does `*\/*` alone (curl, fetch) or
 *   `*\/*;q=1, text/html;q=0.1` (the specific range's weight counts, not the wildcard's). A tie
 *   (`text/html, application/json`) keeps the script's answer, the default.
 * - `Sec-Fetch-Mode`, when sent, must be `navigate`: a `fetch()` that asks for HTML still reads
 *   what it gets in code and wants the answer, not a redirect.
 *
 * This module must not know about routes or sockets.
 * @module
 */

import type { HttpRequest } from "../http/types.ts";
import { acceptRanksAbove } from "../app/accept_ranks.ts";

const HTML_TYPE = "text/html";
const JSON_TYPE = "application/json";

/** A navigation from an HTML form, not a script: it should land on a page, not on JSON. */
export function isBrowserForm(req: HttpRequest): boolean {
  const accept = req.headers.list("accept");
  if (accept === undefined || !acceptRanksAbove(accept, HTML_TYPE, JSON_TYPE)) return false;
  const mode = req.headers.get("sec-fetch-mode");
  return mode === undefined || mode === "navigate";
}
