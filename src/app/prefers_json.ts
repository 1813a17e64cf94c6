/**
 * Whether a request asks for JSON rather than text: `?format=json`, or an `Accept` field that
 * ranks `application/json` above `text/plain` (RFC 9110 §12.5.1).
 *
 * This module must not know about routes or sockets.
 * @module
 */

import type { HttpRequest } from "../http/types.ts";
import { acceptRanksAbove } from "./accept_ranks.ts";

const JSON_TYPE = "application/json";
const TEXT_TYPE = "text/plain";
const FORMAT_JSON = /(?:^|&)format=json(?:&|$)/;

/**
 * True for `?format=json`, or when `Accept` gives `application/json` a q above that of
 * `text/plain`, each from its most specific matching range (`accept_ranks.ts`): `*\/*` alone
 * (curl, fetch) and a browser's `text/html,…,*\/*;q=0.8` tie, so text stands.
 */
export function prefersJson(req: HttpRequest): boolean {
  if (req.query !== "" && FORMAT_JSON.test(req.query)) return true;
  return acceptRanksJsonAbove(req, TEXT_TYPE);
}

/**
 * Whether `Accept` gives `application/json` a higher q than `other` (e.g. `text/html` for a
 * listing), by RFC 9110 §12.5.1 precedence: `text/html;q=0, *\/*;q=0.1` is JSON (HTML refused),
 * `text/*;q=0.5, application/json;q=0.4` is not; a tie keeps `other`.
 */
export function acceptRanksJsonAbove(req: HttpRequest, other: string): boolean {
  const accept = req.headers.list("accept");
  return accept !== undefined && acceptRanksAbove(accept, JSON_TYPE, other);
}
