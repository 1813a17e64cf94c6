/**
 * What a request's `Expect` field asks of the server before it sends its body (RFC 9110
 * §10.1.1): `100-continue` is the only expectation defined, so it is the only one met.
 *
 * This module must not know sockets or bodies: it looks at a parsed head only, and the
 * connection decides when the `100 Continue` goes out (when the handler starts reading).
 * @module
 */

import { HttpError } from "./errors.ts";
import type { RequestHead } from "./request_head.ts";

const CONTINUE = "100-continue";

/**
 * Whether the client waits for `100 Continue` before its body: true only for one
 * `Expect: 100-continue` (any case) in an HTTP/1.1 request — an HTTP/1.0 client cannot read a
 * 1xx response, so its 100-continue is ignored. Any other expectation, or more than one
 * `Expect` line, cannot be met: `HttpError("expectationFailed")` (417).
 */
export function waitsForContinue(head: RequestHead): boolean | HttpError {
  const expect = head.headers.get("expect");
  if (expect === undefined) return false;
  if (head.headers.count("expect") !== 1 || expect.toLowerCase() !== CONTINUE) {
    return new HttpError("expectationFailed");
  }
  return head.version === "HTTP/1.1";
}
