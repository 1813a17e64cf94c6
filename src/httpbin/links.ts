/**
 * `/links/<n>` (302 to `/links/<n>/0`, the query kept, as go-httpbin redirects to its URL with
 * `/0` added) and `/links/<n>/<offset>`: an HTML page of n links to the pages of the same set,
 * the current one as plain text — a tiny site for crawlers. An offset that is no page's (past
 * the end, negative) marks none, as in go-httpbin.
 *
 * This module must not touch sockets.
 * @module
 */

import { badRequest } from "../app/json_response.ts";
import { parseGoCountSegment, parseGoIntegerSegment } from "./go_integer.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { HTML_CONTENT_TYPE } from "./documents.ts";

/** Most links on one page (go-httpbin's bound). */
export const MAX_LINKS = 256;

/** A handler for `<prefix><n>[/<offset>]`. */
export function linksHandler(prefix: string) {
  return (req: HttpRequest): HttpResponse => {
    const segments = req.path.slice(prefix.length).split("/");
    if (segments.length > 2) {
      return badRequest("Cannot list links: the path is /links/<n>[/<offset>]");
    }
    const n = parseGoCountSegment(segments[0]);
    if (n === null || n > MAX_LINKS) {
      return badRequest(`Cannot list links: the count must be 0 to ${MAX_LINKS}`);
    }
    if (segments.length === 1) {
      // The count was digits and the query passed the request-line checks: safe to send back.
      const query = req.query === "" ? "" : `?${req.query}`;
      return { status: STATUS.Found, headers: [["Location", `${prefix}${n}/0${query}`]] };
    }
    const offset = parseGoIntegerSegment(segments[1]);
    if (offset === null) return badRequest("Cannot list links: the offset must be an integer");
    let page = "<html><head><title>Links</title></head><body>";
    for (let i = 0; i < n; i++) {
      page += i === offset ? `${i} ` : `<a href="${prefix}${n}/${i}">${i}</a> `;
    }
    page += "</body></html>";
    return { status: STATUS.OK, headers: [["Content-Type", HTML_CONTENT_TYPE]], body: page };
  };
}
