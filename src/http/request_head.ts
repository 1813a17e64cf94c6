/**
 * Strict parsing of a request head (RFC 9112 §2–5): pure functions from line bytes to values or
 * `HttpError` values (never thrown). `head_reader.ts` pulls the lines from the connection under
 * the head limits.
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
import { HASH_SEED, hashStep, knownName } from "./known_fields.ts";
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

/** A complete, validated request head: the request line's parts (see `RequestLine`) and more. */
export interface RequestHead extends Omit<RequestLine, "authority"> {
  /** Header fields in original case and order. */
  headers: HeaderFields;
  /** The Host value, or the target's authority in absolute-form and authority-form (§3.2.2). */
  host: string;
  /** The head exactly as received: request line through the empty line, leading empty lines excluded. */
  rawHead: Uint8Array;
}

// Bytes the grammar names (RFC 9112 §2–5, RFC 3986 §3.2).
const CR = 0x0d, SP = 0x20, HTAB = 0x09, COLON = 0x3a, SLASH = 0x2f, QUESTION = 0x3f;
const HASH = 0x23, DOT = 0x2e, DIGIT_0 = 0x30, PERCENT = 0x25, OPEN_BRACKET = 0x5b;
const CR_BYTES = 1;
const HTTP_NAME = new TextEncoder().encode("HTTP/");
/** "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3). */
const VERSION_BYTES = HTTP_NAME.length + 3;
/** `String.fromCharCode.apply` takes one argument per byte: stay far below engine arg limits. */
const DECODE_CHUNK_BYTES = 8192;

// Byte classes, one bit each, looked up in a 256-entry table on the hot path.
const TCHAR = 1, VALUE = 2, TARGET = 4, HOST = 8, HEX = 16, DIGIT = 32;
const CLASS = buildClasses();

function buildClasses(): Uint8Array {
  const firstVisible = 0x21, lastVisible = 0x7e, firstObsText = 0x80, byteValues = 0x100;
  const table = new Uint8Array(byteValues);
  const mark = (chars: string, bit: number) => {
    for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] |= bit;
  };
  const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  mark(alnum + "!#$%&'*+-.^_`|~", TCHAR); // tchar, RFC 9110 §5.6.2
  mark(alnum + "-._~!$&'()*+,;=", HOST); // unreserved / sub-delims, RFC 3986 §3.2.2
  mark("0123456789ABCDEFabcdef", HEX);
  mark("0123456789", DIGIT);
  // field-vchar / SP / HTAB (RFC 9110 §5.5); a target is visible ASCII (RFC 9112 §3.2)
  for (let b = firstVisible; b <= lastVisible; b++) table[b] |= VALUE | TARGET;
  for (let b = firstObsText; b < byteValues; b++) table[b] |= VALUE;
  mark(" \t", VALUE);
  // The fragment is the client's alone (RFC 9110 §4.2.5): a "#" on the wire is refused.
  table[HASH] &= ~TARGET;
  return table;
}

/**
 * Spans up to this long are decoded with a loop: cheaper than making a view for `apply`. V8
 * builds strings this short flat; longer ones built by `+=` would be cons strings, which cost a
 * copy later, the first time they are hashed or compared.
 */
const SHORT_DECODE_BYTES = 12;

/** Bytes `[start, end)` as a string, one byte to one char code (latin1, not windows-1252). */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= SHORT_DECODE_BYTES) {
    let out = "";
    for (let i = start; i < end; i++) out += String.fromCharCode(bytes[i]);
    return out;
  }
  let out = "";
  for (let i = start; i < end; i += DECODE_CHUNK_BYTES) {
    const part = bytes.subarray(i, Math.min(end, i + DECODE_CHUNK_BYTES));
    out += String.fromCharCode.apply(null, part as unknown as number[]);
  }
  return out;
}

/**
 * `bytes[start, end)` as a string, reusing `previous` when it spells the same bytes: requests
 * on one connection repeat most of their text (Host, User-Agent…), and comparing is cheaper
 * than decoding.
 */
function latin1Again(
  bytes: Uint8Array,
  start: number,
  end: number,
  previous: string | undefined,
): string {
  if (previous !== undefined && previous.length === end - start) {
    let i = 0;
    while (i < previous.length && previous.charCodeAt(i) === bytes[start + i]) i++;
    if (i === previous.length) return previous;
  }
  return latin1(bytes, start, end);
}

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
 * `previousTarget` (the last request's) is reused as the target's string when the bytes match,
 * and the parts are written into `into` when given (a caller's reused scratch object) rather
 * than a new object.
 */
export function parseRequestLineAt(
  bytes: Uint8Array,
  start: number,
  lf: number,
  previousTarget?: string,
  into?: RequestLine,
): RequestLine | HttpError {
  const end = lf - CR_BYTES;
  if (end < start || bytes[end] !== CR) {
    return new HttpError("badRequestLine", "not ended by CRLF");
  }
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
  const target = latin1Again(bytes, sp1 + 1, sp2, previousTarget);
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
  return splitTarget(out, query) ?? out;
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

/**
 * Whether `s[start, end)` is `uri-host [ ":" port ]` (RFC 3986 §3.2.2–3.2.3): an IP-literal in
 * brackets or a non-empty reg-name/IPv4 (unreserved, pct-encoded, sub-delims), then digits.
 */
function isAuthority(s: string, start: number, end: number, requirePort: boolean): boolean {
  let i = start;
  if (s.charCodeAt(i) === OPEN_BRACKET) {
    const close = s.indexOf("]", i);
    if (close < 0 || close >= end || close === i + 1) return false;
    for (i++; i < close; i++) {
      const c = s.charCodeAt(i);
      if ((CLASS[c] & HOST) === 0 && c !== COLON) return false;
    }
    i = close + 1;
  } else {
    for (; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === COLON) break;
      if (c === PERCENT) {
        if (i + 2 >= end || !(CLASS[s.charCodeAt(i + 1)] & HEX & CLASS[s.charCodeAt(i + 2)])) {
          return false;
        }
        i += 2;
      } else if ((CLASS[c] & HOST) === 0) return false;
    }
    if (i === start) return false;
  }
  if (i === end) return !requirePort;
  if (s.charCodeAt(i) !== COLON || (requirePort && i + 1 === end)) return false;
  for (i++; i < end; i++) if (!(CLASS[s.charCodeAt(i)] & DIGIT)) return false;
  return true;
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
  const at = into.size;
  const again = previous !== undefined && at < previous.size;
  const known = knownName(bytes, start, colon, hash);
  if (known !== null) {
    const prior = again && previous.keys[at] === known.key ? previous.values[at] : undefined;
    into.add(known.name, latin1Again(bytes, from, stop, prior), known.key);
  } else {
    const name = latin1Again(bytes, start, colon, again ? previous.names[at] : undefined);
    const prior = again && previous.names[at] === name ? previous.values[at] : undefined;
    into.add(name, latin1Again(bytes, from, stop, prior), name.toLowerCase());
  }
  return null;
}

/** The last Host value that passed the check (strings are immutable: equal means valid). */
let lastValidHost = "";

/**
 * Whole-head rules (RFC 9112 §3.2): an HTTP/1.1 request has exactly one Host, no request has
 * more than one, and its value is `uri-host [ ":" port ]` or empty. Returns the request's host:
 * the target's authority when it has one (§3.2.2: then Host is ignored), else the Host value.
 */
export function checkHead(line: RequestLine, headers: HeaderFields): string | HttpError {
  const keys = headers.keys;
  let value: string | undefined;
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== "host") continue;
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
