/**
 * The placeholder page at `/` until the web UI is served from `www/`.
 *
 * This module must not touch sockets.
 * @module
 */

import { STATUS } from "../../http/status.ts";
import type { HttpResponse } from "../../http/types.ts";

const PAGE = new TextEncoder().encode(
  '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>wireserve</title></head>' +
    "<body><h1>wireserve</h1><p>It works.</p></body></html>\n",
);
const HEADERS: Array<[string, string]> = [["Content-Type", "text/html; charset=utf-8"]];

/** `GET /`: the placeholder home page. */
export function homePage(): HttpResponse {
  return { status: STATUS.OK, headers: HEADERS, body: PAGE };
}
