/**
 * Reads and discards what a handler left of a request body, up to a bound, so that the
 * connection can read the next request after it; past the bound the caller closes instead.
 *
 * This module must not know how the body is framed or why it was left unread.
 * @module
 */

import type { HttpRequest, HttpResponse, RequestBody } from "./types.ts";

/**
 * `res`, set to close the connection when `req`'s body was not read to its end: a refusal sent
 * before the body (an upload refused, a form too large, a storage failure) is not worth draining.
 */
export function closingUnread(res: HttpResponse, req: HttpRequest): HttpResponse {
  res.close = !req.body.done;
  return res;
}

/** Reads and discards up to `maxBytes` of what is left of `body`; true when it reached the end. */
export async function drainBody(body: RequestBody, maxBytes: number): Promise<boolean> {
  let left = maxBytes;
  if (body.length !== null && body.length - body.bytesRead > maxBytes) return false;
  while (!body.done) {
    const piece = await body.read();
    if (piece === null) return true;
    left -= piece.length;
    if (left < 0) return false;
  }
  return true;
}
