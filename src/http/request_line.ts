/**
 * Strict parsing of the request line (RFC 9112 §3): bytes in, a `RequestLine` or an `HttpError`
 * value out (never thrown), with the target split by form (§3.2). Common methods come out as
 * shared strings.
 *
 * This module must not know about sockets, header fields, bodies or routes.
 * @module
 */

import { HttpError } from "./errors.ts";
import {
  CLASS,
  CR,
  CR_BYTES,
  DIGIT,
  DIGIT_0,
  DOT,
  HASH,
  isAuthority,
  latin1,
  QUESTION,
  SLASH,
  SP,
  TARGET,
  TCHAR,
} from "./head_syntax.ts";
import type { HttpVersion, TargetForm } from "./types.ts";

/** A parsed request line (RFC 9112 §3) with its target split by form (§3.2). */
export interface RequestLine {
  /** The method token, case preserved. */
  method: string;
  /** The request-target exactly as sent. */
  target: string;
  /** Which form the target took. */
  targetForm: TargetForm;
  /** Path, still percent-encoded: "/" when absolute-form has none, "*" for asterisk-form, "" for authority-form. */
  path: string;
  /** The query after the first "?", without it; "" when absent. */
  query: string;
  /** The version, normalized (1.2–1.9 become 1.1). */
  version: HttpVersion;
  /** The version as sent. */
  rawVersion: string;
  /** The target's authority in absolute-form and authority-form, else "". */
  authority: string;
}

const HTTP_NAME = new TextEncoder().encode("HTTP/");
/** "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3). */
const VERSION_BYTES = HTTP_NAME.length + 3;

/** The method token `bytes[start, end)`, as a shared string when it is a common one. */
function methodName(bytes: Uint8Array, start: number, end: number): string {
  const b0 = bytes[start];
  switch (end - start) {
    case 3:
      if (b0 === 0x47 && bytes[start + 1] === 0x45 && bytes[start + 2] === 0x54) return "GET";
      if (b0 === 0x50 && bytes[start + 1] === 0x55 && bytes[start + 2] === 0x54) return "PUT";
      break;
    case 4:
      if (matches(bytes, start, "HEAD")) return "HEAD";
      if (matches(bytes, start, "POST")) return "POST";
      break;
    case 5:
      if (matches(bytes, start, "PATCH")) return "PATCH";
      break;
    case 6:
      if (matches(bytes, start, "DELETE")) return "DELETE";
      break;
    case 7:
      if (matches(bytes, start, "OPTIONS")) return "OPTIONS";
      break;
  }
  return latin1(bytes, start, end);
}

/** Whether `bytes` at `start` spell `text` (ASCII). */
function matches(bytes: Uint8Array, start: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (bytes[start + i] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * Parses one request line (RFC 9112 §3): `line` is the bytes before the LF, CR included.
 * Exactly one SP between the three parts; the version must be `HTTP/` DIGIT "." DIGIT.
 */
export function parseRequestLine(line: Uint8Array): RequestLine | HttpError {
  return parseRequestLineAt(line, 0, line.length);
}

/**
 * `parseRequestLine` for the line `bytes[start, lf)` read in place (`lf` is where its LF is).
 * The parts are written into `into` when given (a caller's reused scratch object, holding the
 * last line it parsed successfully, or `method` "") rather than a new object.
 */
export function parseRequestLineAt(
  bytes: Uint8Array,
  start: number,
  lf: number,
  into?: RequestLine,
): RequestLine | HttpError {
  const end = lf - CR_BYTES;
  if (end < start || bytes[end] !== CR) {
    return new HttpError("badRequestLine", "not ended by CRLF");
  }
  // A line that repeats the one `into` holds (keep-alive clients often send the same request
  // again) is already parsed: bytes equal to an accepted line need no checking again.
  if (into !== undefined && repeatsLine(bytes, start, end, into)) return into;
  let sp1 = start;
  while (sp1 < end && CLASS[bytes[sp1]] & TCHAR) sp1++;
  if (sp1 === start || bytes[sp1] !== SP) {
    return new HttpError("badRequestLine", "method is not a token followed by one space");
  }
  let sp2 = sp1 + 1;
  let query = -1;
  let bad = -1;
  // One pass over the target: its bytes are checked while the second space is looked for (a
  // bad byte is reported only after the version, as when the checks ran one after the other).
  for (; sp2 < end; sp2++) {
    const c = bytes[sp2];
    if (c === SP) break;
    if ((CLASS[c] & TARGET) === 0) {
      if (bad < 0) bad = sp2;
    } else if (c === QUESTION && query < 0) query = sp2 - sp1 - 1;
  }
  // No second space: an HTTP/0.9-style line without a version, which we do not speak.
  if (sp2 === end) return new HttpError("badRequestLine", "no version");
  if (sp2 === sp1 + 1) return new HttpError("badRequestLine", "empty target");
  const v = sp2 + 1;
  if (end - v !== VERSION_BYTES) return new HttpError("badRequestLine", "malformed version");
  for (let i = 0; i < HTTP_NAME.length; i++) {
    if (bytes[v + i] !== HTTP_NAME[i]) {
      return new HttpError("badRequestLine", "malformed version");
    }
  }
  const major = bytes[v + HTTP_NAME.length], dot = bytes[v + HTTP_NAME.length + 1];
  const minor = bytes[v + HTTP_NAME.length + 2];
  if (!(CLASS[major] & DIGIT & CLASS[minor]) || dot !== DOT) {
    return new HttpError("badRequestLine", "malformed version");
  }
  // RFC 9110 §6.2: a 1.x minor we do not know is answered as the highest 1.x we speak.
  if (major !== DIGIT_0 + 1) return new HttpError("versionNotSupported", "major version not 1");
  const version: HttpVersion = minor === DIGIT_0 ? "HTTP/1.0" : "HTTP/1.1";
  if (bad >= 0) {
    return new HttpError("badTarget", bytes[bad] === HASH ? "fragment sent" : "byte not allowed");
  }
  const method = methodName(bytes, start, sp1);
  const target = latin1(bytes, sp1 + 1, sp2);
  const rawVersion = minor <= DIGIT_0 + 1 ? version : latin1(bytes, v, end);
  let out: RequestLine;
  if (into === undefined) {
    out = {
      method,
      target,
      targetForm: "origin",
      path: target,
      query: "",
      version,
      rawVersion,
      authority: "",
    };
  } else {
    out = into;
    out.method = method;
    out.target = target;
    out.targetForm = "origin";
    out.path = target;
    out.query = "";
    out.version = version;
    out.rawVersion = rawVersion;
    out.authority = "";
  }
  const error = splitTarget(out, query);
  if (error === null) return out;
  // `into` must only ever hold an accepted line: a refused one must not pass as a repeat.
  out.method = "";
  return error;
}

/** Whether `bytes[start, end)` spells `line`'s method, target and version, one space apart. */
function repeatsLine(bytes: Uint8Array, start: number, end: number, line: RequestLine): boolean {
  const { method, target, rawVersion } = line;
  if (method === "" || end - start !== method.length + target.length + rawVersion.length + 2) {
    return false;
  }
  let p = start;
  for (let i = 0; i < method.length; i++) if (bytes[p++] !== method.charCodeAt(i)) return false;
  if (bytes[p++] !== SP) return false;
  for (let i = 0; i < target.length; i++) if (bytes[p++] !== target.charCodeAt(i)) return false;
  if (bytes[p++] !== SP) return false;
  for (let i = 0; i < rawVersion.length; i++) {
    if (bytes[p++] !== rawVersion.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Classifies `out.target` by form (RFC 9112 §3.2) and fills in path, query and authority;
 * `query` is the index of the first "?" or -1. Returns null or the error.
 */
function splitTarget(out: RequestLine, query: number): HttpError | null {
  const { method, target } = out;
  const isConnect = method === "CONNECT";
  if (target.charCodeAt(0) === SLASH && !isConnect) {
    if (query >= 0) {
      out.path = target.slice(0, query);
      out.query = target.slice(query + 1);
    }
    return null;
  }
  // §3.2.3: CONNECT takes host:port and nothing else, and nothing else takes host:port.
  if (isConnect) {
    if (!isAuthority(target, 0, target.length, true)) return new HttpError("badTarget", "CONNECT");
    out.targetForm = "authority";
    out.path = "";
    out.authority = target;
    return null;
  }
  // §3.2.4: "*" is only meaningful to OPTIONS.
  if (target === "*") {
    if (method !== "OPTIONS") return new HttpError("badTarget", "asterisk-form");
    out.targetForm = "asterisk";
    return null;
  }
  // §3.2.2: absolute-form must be accepted; only the http(s) schemes make sense here.
  const sep = target.indexOf("://");
  const scheme = sep < 0 ? "" : target.slice(0, sep).toLowerCase();
  if (scheme !== "http" && scheme !== "https") return new HttpError("badTarget", "unknown form");
  const from = sep + "://".length;
  let to = from;
  for (; to < target.length; to++) {
    const c = target.charCodeAt(to);
    if (c === SLASH || c === QUESTION) break;
  }
  // RFC 9110 §4.2.1/§4.2.4: an empty host is invalid and userinfo ("@") is refused.
  if (!isAuthority(target, from, to, false)) return new HttpError("badTarget", "bad authority");
  const pathEnd = query < 0 ? target.length : query;
  out.targetForm = "absolute";
  out.authority = target.slice(from, to);
  out.path = to < pathEnd ? target.slice(to, pathEnd) : "/";
  if (query >= 0) out.query = target.slice(query + 1);
  return null;
}
