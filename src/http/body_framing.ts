/**
 * How a request body is delimited (RFC 9112 §6.3): not at all, by Content-Length, or chunked;
 * or why the framing cannot be trusted.
 *
 * Strict by default: anything two implementations could read as different body lengths is
 * refused (request smuggling lives in those disagreements), and the connection closes after.
 * This module must not know about sockets or readers: it looks at a parsed head only.
 * @module
 */

import { HttpError } from "./errors.ts";
import { trimOws } from "./ows.ts";
import type { RequestHead } from "./request_head.ts";

/** The framing of a request body. */
export type BodyFraming =
  | { kind: "none" }
  | { kind: "length"; length: number }
  | { kind: "chunked" };

const NONE: BodyFraming = Object.freeze({ kind: "none" });
const CHUNKED: BodyFraming = Object.freeze({ kind: "chunked" });
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const DECIMAL_BASE = 10;
const CHUNKED_NAME = "chunked";

/**
 * Decides the body framing of `head`, following RFC 9112 §6.3 in order (steps 1, 2 and 8 are
 * about responses). Every error kind returned here means: answer, then close the connection.
 */
export function decideFraming(head: RequestHead): BodyFraming | HttpError {
  // Most requests have neither field: two lookups that rarely scan, then at most one pass.
  const headers = head.headers;
  if (!headers.has("transfer-encoding") && !headers.has("content-length")) return NONE;
  const { keys, values } = headers;
  let te: string | undefined;
  let length: string | undefined;
  let lengthsDiffer = false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key === "transfer-encoding") {
      // RFC 9110 §5.3: repeated lines are one comma-separated list.
      te = te === undefined ? values[i] : `${te},${values[i]}`;
    } else if (key === "content-length") {
      if (length === undefined) length = values[i];
      else if (values[i] !== length) lengthsDiffer = true;
    }
  }
  if (te !== undefined) {
    // §6.1: an HTTP/1.0 peer cannot have meant chunked; the framing is faulty.
    if (head.version === "HTTP/1.0") return new HttpError("badFraming", "TE in HTTP/1.0");
    // §6.3 step 3: TE with CL may be a smuggling attempt; a server MAY reject it, and we do.
    if (length !== undefined) return new HttpError("badFraming", "both TE and CL");
    // §6.3 step 4: chunked must be the final coding, or the length cannot be determined.
    return decideCodings(te);
  }
  // §6.3 step 5: an invalid Content-Length is an unrecoverable error (400, then close).
  // Identical duplicate lines are accepted (step 5 allows a repeated value); a comma list in
  // one line is not, because few senders produce it and parsers disagree about it.
  if (lengthsDiffer) return new HttpError("badFraming", "differing Content-Length");
  if (length !== undefined) {
    const n = parseDecimal(length);
    // A valid length we cannot count to exactly (2^53 bytes or more) is too large for any limit,
    // not malformed (RFC 9110 §8.6: 1*DIGIT); either way the connection closes.
    if (n === PAST_SAFE) return new HttpError("contentTooLarge", "Content-Length past 2^53 - 1");
    if (n < 0) return new HttpError("badFraming", "invalid Content-Length");
    // §6.3 step 6: a valid Content-Length is the body length.
    return n === 0 ? NONE : { kind: "length", length: n };
  }
  // §6.3 step 7: a request with neither has no body.
  return NONE;
}

/** Checks the combined Transfer-Encoding list (RFC 9112 §6.1, §7). */
function decideCodings(list: string): BodyFraming | HttpError {
  // RFC 9110 §5.6.1: empty list elements are ignored.
  const codings = list.split(",").map(trimOws).filter((c) => c !== "");
  if (codings.length === 0) return new HttpError("badFraming", "empty Transfer-Encoding");
  let unsupported = false;
  for (let i = 0; i < codings.length; i++) {
    const coding = codings[i];
    const semicolon = coding.indexOf(";");
    const name = semicolon < 0 ? coding : trimOws(coding.slice(0, semicolon));
    if (!isToken(name)) return new HttpError("badFraming", "coding is not a token");
    const last = i === codings.length - 1;
    // RFC 9110 §10.1.4: coding names are case-insensitive.
    if (name.toLowerCase() === CHUNKED_NAME) {
      // §7.1: chunked takes no parameters; §6.1: it is applied at most once, and last.
      if (semicolon >= 0) return new HttpError("badFraming", "chunked with parameters");
      if (!last) return new HttpError("badFraming", "chunked not final");
    } else if (last) {
      return new HttpError("badFraming", "final coding is not chunked");
    } else {
      unsupported = true;
    }
  }
  // §6.1: a coding we do not implement gets 501; the framing itself was sound.
  if (unsupported) return new HttpError("unsupportedTransferCoding");
  return CHUNKED;
}

const TCHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Whether `s` is a non-empty token (RFC 9110 §5.6.2). */
function isToken(s: string): boolean {
  if (s === "") return false;
  for (let i = 0; i < s.length; i++) {
    if (!TCHARS.includes(s[i])) return false;
  }
  return true;
}

/** What `parseDecimal` returns for digits past the largest safe integer. */
const PAST_SAFE = -2;

/**
 * `1*DIGIT` (RFC 9110 §8.6) parsed by hand; -1 when it is not one, `PAST_SAFE` when it exceeds
 * the largest safe integer (a length we could not count to exactly).
 */
function parseDecimal(s: string): number {
  if (s === "") return -1;
  let n = 0;
  let past = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) return -1;
    if (!past) n = n * DECIMAL_BASE + (c - DIGIT_0);
    if (n > Number.MAX_SAFE_INTEGER) past = true;
  }
  return past ? PAST_SAFE : n;
}
