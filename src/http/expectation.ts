/**
 * What a request's `Expect` field asks of the server before it sends its body (RFC 9110
 * §10.1.1): `100-continue` is the only expectation defined, so it is the only one met.
 *
 * This module must not know sockets or bodies: it looks at a parsed head only, and the
 * connection decides when the `100 Continue` goes out (when the handler starts reading).
 * @module
 */

import { HttpError } from "./errors.ts";
import { trimOws } from "./ows.ts";
import type { RequestHead } from "./request_head.ts";

const CONTINUE = "100-continue";

/**
 * Whether the client waits for `100 Continue` before its body. `Expect` is a list (RFC 9110
 * §10.1.1, `#expectation`): its lines are one list (§5.3) and empty members are ignored
 * (§5.6.1). A list of `100-continue` members only (any case) in an HTTP/1.1 request waits — an
 * HTTP/1.0 client cannot read a 1xx, so its 100-continue is ignored; an empty list expects
 * nothing. Any other member cannot be met: `HttpError("expectationFailed")` (417, which §10.1.1
 * allows for "a member other than 100-continue").
 */
export function waitsForContinue(head: RequestHead): boolean | HttpError {
  const headers = head.headers;
  const expect = headers.get("expect");
  if (expect === undefined) return false;
  // The common case, one line saying exactly 100-continue, needs no list parsing.
  let members = 0;
  if (expect.toLowerCase() === CONTINUE && headers.count("expect") === 1) members = 1;
  else {
    for (const value of headers.getAll("expect")) {
      for (const part of value.split(",")) {
        const member = trimOws(part);
        if (member === "") continue;
        if (member.toLowerCase() !== CONTINUE) return new HttpError("expectationFailed");
        members++;
      }
    }
  }
  return members > 0 && head.version === "HTTP/1.1";
}
