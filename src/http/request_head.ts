/**
 * Strict parsing of a request head's field lines and whole-head rules (RFC 9112 §2–5): pure
 * functions from line bytes to values or `HttpError` values (never thrown). The request line is
 * `request_line.ts`, the byte grammar both share is `head_syntax.ts`, and `head_reader.ts` pulls
 * the lines from the connection under the head limits.
 *
 * Decisions, all strict by default (STYLE.md rule 3):
 * - Lines end in CRLF only. RFC 9112 §2.2 lets a recipient accept a bare LF; we refuse it (400),
 *   because a server and a proxy that disagree on where a line ends can be made to see two
 *   different requests in the same bytes (a request smuggling vector).
 * - Whitespace before a field's colon (§5.1), obs-fold (§5.2), bare CR, NUL and other CTLs in a
 *   value (§5.5 of RFC 9110) are refused rather than repaired.
 * - Names and values are decoded as latin1 proper (byte n → U+00nn), never windows-1252.
 *
 * This module must not know about sockets, timeouts, bodies or routes: body framing lives in
 * `body_framing.ts`, and what an error does to the connection is the connection's business.
 * @module
 */

import { HttpError } from "./errors.ts";
import { HeaderFields } from "./header_fields.ts";
import {
  CLASS,
  COLON,
  CR,
  CR_BYTES,
  HTAB,
  isAuthority,
  latin1,
  SP,
  TCHAR,
  VALUE,
} from "./head_syntax.ts";
import { HASH_SEED, hashStep, knownName } from "./known_fields.ts";
import type { RequestLine } from "./request_line.ts";

/** A complete, validated request head: the request line's parts (see `RequestLine`) and more. */
export interface RequestHead extends Omit<RequestLine, "authority"> {
  /** Header fields in original case and order. */
  headers: HeaderFields;
  /** The Host value, or the target's authority in absolute-form and authority-form (§3.2.2). */
  host: string;
  /** The head exactly as received: request line through the empty line, leading empty lines excluded. */
  rawHead: Uint8Array;
  /** How many empty lines (CRLF) came before the request line and were ignored (RFC 9112 §2.2). */
  leadingEmptyLines: number;
}

/**
 * Parses one field line (RFC 9112 §5) into `into`: `line` is the bytes before the LF, CR
 * included. Returns null on success or the error.
 */
export function parseFieldLine(line: Uint8Array, into: HeaderFields): HttpError | null {
  return parseFieldLineAt(line, 0, line.length, into);
}

/**
 * `parseFieldLine` for the line `bytes[start, lf)` read in place (`lf` is where its LF is).
 * `previous` (the last request's fields) lends its strings when this line repeats the line at
 * the same position there.
 */
export function parseFieldLineAt(
  bytes: Uint8Array,
  start: number,
  lf: number,
  into: HeaderFields,
  previous?: HeaderFields,
): HttpError | null {
  const end = lf - CR_BYTES;
  if (end < start || bytes[end] !== CR) return new HttpError("badHeader", "not ended by CRLF");
  const at = into.size;
  if (
    previous !== undefined && at < previous.size && repeatField(bytes, start, end, into, previous)
  ) {
    return null;
  }
  let colon = start;
  let hash = HASH_SEED;
  for (; colon < end; colon++) {
    const c = bytes[colon];
    if ((CLASS[c] & TCHAR) === 0) break;
    hash = hashStep(hash, c);
  }
  // A leading SP/HTAB is obs-fold (or whitespace after the start line): refused, §5.2 and §2.2.
  if (colon === start) return new HttpError("badHeader", "empty name or obs-fold");
  // §5.1: whitespace between name and colon MUST be rejected (it has enabled smuggling).
  if (bytes[colon] !== COLON) return new HttpError("badHeader", "name not followed by colon");
  let from = colon + 1;
  let stop = end;
  while (from < stop && (bytes[from] === SP || bytes[from] === HTAB)) from++;
  while (stop > from && (bytes[stop - 1] === SP || bytes[stop - 1] === HTAB)) stop--;
  for (let i = from; i < stop; i++) {
    if ((CLASS[bytes[i]] & VALUE) === 0) return new HttpError("badHeader", "byte not allowed");
  }
  const known = knownName(bytes, start, colon, hash);
  if (known !== null) into.add(known.name, latin1(bytes, from, stop), known.key);
  else {
    const name = latin1(bytes, start, colon);
    into.add(name, latin1(bytes, from, stop), name.toLowerCase());
  }
  return null;
}

/**
 * The fast path of `parseFieldLineAt`: when the line `bytes[start, end)` (CR excluded) spells
 * exactly the field at the same position of `previous`, that field is added again and true
 * returned; anything else returns false for the full parse.
 */
function repeatField(
  bytes: Uint8Array,
  start: number,
  end: number,
  into: HeaderFields,
  previous: HeaderFields,
): boolean {
  const at = into.size;
  if (!repeatsFieldLine(bytes, start, end, previous, at)) return false;
  into.add(previous.names[at], previous.values[at], previous.keys[at]);
  return true;
}

/**
 * Whether the field line `bytes[start, end)` (CR excluded) spells exactly line `at` of
 * `fields`: same name, colon, same value once OWS is trimmed, and `bytes[end]` is the CR. Bytes
 * equal to a line already accepted need no checking again.
 */
export function repeatsFieldLine(
  bytes: Uint8Array,
  start: number,
  end: number,
  fields: HeaderFields,
  at: number,
): boolean {
  // refuse: the line must end in CRLF (RFC 9112 §2.2). Without this, `Content-Length: 10` and a
  // bare LF after a head with `Content-Length: 1` compared equal up to its last byte and was
  // taken as the length 1, leaving the body's other bytes to be read as the next request.
  if (bytes[end] !== CR) return false;
  const name = fields.names[at];
  const colon = start + name.length;
  if (colon >= end || bytes[colon] !== COLON) return false;
  for (let i = 0; i < name.length; i++) if (bytes[start + i] !== name.charCodeAt(i)) return false;
  let from = colon + 1;
  let stop = end;
  while (from < stop && (bytes[from] === SP || bytes[from] === HTAB)) from++;
  while (stop > from && (bytes[stop - 1] === SP || bytes[stop - 1] === HTAB)) stop--;
  const value = fields.values[at];
  if (stop - from !== value.length) return false;
  for (let i = 0; i < value.length; i++) if (bytes[from + i] !== value.charCodeAt(i)) return false;
  return true;
}

/** The last Host value that passed the check (strings are immutable: equal means valid). */
let lastValidHost = "";

/**
 * Whole-head rules (RFC 9112 §3.2): an HTTP/1.1 request has exactly one Host, no request has
 * more than one, and its value is `uri-host [ ":" port ]` or empty; no request has more than one
 * Authorization. Returns the request's host: the target's authority when it has one (§3.2.2: then
 * Host is ignored), else the Host value.
 */
export function checkHead(line: RequestLine, headers: HeaderFields): string | HttpError {
  const keys = headers.keys;
  let value: string | undefined;
  let authorization = false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key === "authorization") {
      // refuse: Authorization is not a list field (RFC 9110 §5.3, §11.6.2), so two lines have no
      // meaning; we would check the first while a proxy in front may have checked the last.
      if (authorization) return new HttpError("repeatedAuthorization");
      authorization = true;
      continue;
    }
    if (key !== "host") continue;
    if (value !== undefined) return new HttpError("badHost", "more than one Host");
    value = headers.values[i];
  }
  if (value === undefined) {
    if (line.version === "HTTP/1.1") return new HttpError("badHost", "no Host");
    return line.authority;
  }
  // Consecutive requests nearly always name the same host: it is checked once.
  if (value !== lastValidHost) {
    if (value !== "" && !isAuthority(value, 0, value.length, false)) {
      return new HttpError("badHost", "invalid Host");
    }
    lastValidHost = value;
  }
  return line.authority !== "" ? line.authority : value;
}
