/**
 * Whether a request asks for JSON rather than text: `?format=json`, or an `Accept` field that
 * ranks `application/json` above `text/plain` (RFC 9110 §12.5.1).
 *
 * This module must not know about routes or sockets.
 * @module
 */

import type { HttpRequest } from "../http/types.ts";
import { memberWeight } from "./qvalue.ts";

const JSON_TYPE = "application/json";
const TEXT_TYPE = "text/plain";
const FORMAT_JSON = /(?:^|&)format=json(?:&|$)/;

/**
 * True for `?format=json`, or when `Accept` lists `application/json` with a q above that of
 * `text/plain` (a type not listed counts 0; wildcards are ignored, so `*\/*` from curl and
 * browsers keeps text). A malformed q counts as 0.
 */
export function prefersJson(req: HttpRequest): boolean {
  if (req.query !== "" && FORMAT_JSON.test(req.query)) return true;
  return acceptRanksJsonAbove(req, TEXT_TYPE);
}

/**
 * Whether `Accept` gives `application/json` a higher q than `other` (e.g. `text/html` for a
 * listing). Types not listed count 0; wildcards are ignored; a malformed q counts as 0.
 */
export function acceptRanksJsonAbove(req: HttpRequest, other: string): boolean {
  const accept = req.headers.list("accept");
  if (accept === undefined) return false;
  let jsonQ = 0;
  let otherQ = 0;
  for (const member of accept.split(",")) {
    const params = member.split(";");
    const type = params[0].trim().toLowerCase();
    if (type !== JSON_TYPE && type !== other) continue;
    const q = memberWeight(params.slice(1));
    if (type === JSON_TYPE) jsonQ = Math.max(jsonQ, q);
    else otherQ = Math.max(otherQ, q);
  }
  return jsonQ > otherQ;
}
