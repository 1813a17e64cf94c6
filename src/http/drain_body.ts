/**
 * Reads and discards what a handler left of a request body, up to a bound, so that the
 * connection can read the next request after it; past the bound the caller closes instead.
 *
 * This module must not know how the body is framed or why it was left unread.
 * @module
 */

import type { Limits } from "./limits.ts";
import type { HttpRequest, HttpResponse, RequestBody } from "./types.ts";

/**
 * Bytes an answer may carry and still be written before the body its handler left unread is
 * drained. Small enough to sit in the socket buffers while a client that sends its whole body
 * before reading (wget, Python's http.client) is still sending; a larger answer written first
 * could block on that client as it blocks on us.
 */
export const EARLY_ANSWER_BYTES = 16 * 1024;

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

/**
 * Whether `res` goes out before what is left of `body` is drained: a client that sends part of a
 * body and waits (for an early 412, 401 or 413) must get the answer. So when the rest is declared
 * (Content-Length), within the drain bound, not yet all buffered (else draining costs no wait),
 * and the answer is small (`EARLY_ANSWER_BYTES`). A chunked rest is drained first: its length is
 * unknown, so only draining it tells whether the connection can be kept, which the answer's
 * head must say.
 */
export function answersBeforeDrain(
  res: HttpResponse,
  method: string,
  body: RequestBody,
  buffered: number,
  limits: Pick<Limits, "maxDrainBytes">,
): boolean {
  if (body.length === null) return false;
  const left = body.length - body.bytesRead;
  if (left > limits.maxDrainBytes || left <= buffered) return false;
  const answer = res.body;
  if (method === "HEAD" || answer === undefined || answer === null) return true;
  if (answer instanceof Uint8Array) return answer.length <= EARLY_ANSWER_BYTES;
  // A string's UTF-8 form is at most three bytes per UTF-16 unit.
  return typeof answer === "string" && answer.length * 3 <= EARLY_ANSWER_BYTES;
}
