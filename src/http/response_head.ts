/**
 * The parts of a response head that are the same whatever the connection: status lines (cached
 * per code), the fixed framing and Connection lines the writer picks from, and header fields
 * encoded byte for byte, refusing what would split or corrupt the head.
 *
 * This module must not know about sockets or bodies.
 * @module
 */

import { HttpError } from "./errors.ts";
import { dateHeaderLine } from "./http_date.ts";
import { reasonPhrase } from "./status.ts";

const encoder = new TextEncoder();
const statusLines = new Map<number, Uint8Array>();

/** `HTTP/1.1 <code> <reason>\r\n`, cached per code. We always answer as 1.1 (RFC 9110 §6.2). */
export function statusLine(status: number): Uint8Array {
  let line = statusLines.get(status);
  if (line === undefined) {
    if (!Number.isInteger(status) || status < 100 || status > 999) {
      throw new HttpError("internal", `invalid status ${status}`);
    }
    line = encoder.encode(`HTTP/1.1 ${status} ${reasonPhrase(status)}\r\n`);
    statusLines.set(status, line);
  }
  return line;
}

/** The empty line that ends a head. */
export const CRLF: Uint8Array = encoder.encode("\r\n");
/** Framing of a body of unknown length for an HTTP/1.1 client (RFC 9112 §6.1). */
export const CHUNKED_LINE: Uint8Array = encoder.encode("Transfer-Encoding: chunked\r\n");
/** The connection closes after this response (RFC 9112 §9.6). */
export const CLOSE_LINE: Uint8Array = encoder.encode("Connection: close\r\n");
/** An HTTP/1.0 client keeps the connection only when told so (RFC 9112 §9.3). */
export const KEEP_ALIVE_LINE: Uint8Array = encoder.encode("Connection: keep-alive\r\n");
/**
 * The connection options of an answer that carries an Upgrade field (a 101, a 426, an offer):
 * RFC 9110 §7.8, "a sender of Upgrade MUST also send an upgrade connection option".
 */
export const UPGRADE_LINE: Uint8Array = encoder.encode("Connection: Upgrade\r\n");
/** `CLOSE_LINE` with the upgrade option (see `UPGRADE_LINE`). */
export const CLOSE_UPGRADE_LINE: Uint8Array = encoder.encode("Connection: close, Upgrade\r\n");
/** `KEEP_ALIVE_LINE` with the upgrade option (see `UPGRADE_LINE`). */
export const KEEP_ALIVE_UPGRADE_LINE: Uint8Array = encoder.encode(
  "Connection: keep-alive, Upgrade\r\n",
);

const SERVER_LINE = encoder.encode("Server: wireserve\r\n");
let dateLine: Uint8Array | null = null;
let serverAndDate = SERVER_LINE;

/**
 * `Server: wireserve` and `Date: <now>` lines as one piece of bytes, rebuilt when the date line
 * changes (once a second).
 */
export function serverAndDateLines(now: number): Uint8Array {
  const date = dateHeaderLine(now);
  if (date !== dateLine) {
    dateLine = date;
    serverAndDate = new Uint8Array(SERVER_LINE.length + date.length);
    serverAndDate.set(SERVER_LINE);
    serverAndDate.set(date, SERVER_LINE.length);
  }
  return serverAndDate;
}

/** tchar (RFC 9110 §5.6.2) as a lookup table. */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TCHAR[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TCHAR[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TCHAR[c] = 1;

/** Fields the writer owns: what a handler sets under these names is ignored. */
export const OWNED_FIELDS: ReadonlySet<string> = new Set([
  "content-length",
  "transfer-encoding",
  "connection",
  "date",
  "server",
]);

/** Encoded `name: ` per handler field name already checked, or null for owned names. */
const fieldNames = new Map<string, Uint8Array | null>();
/** Names are nearly always constants in the code; a handler making them up gets no cache. */
const MAX_CACHED_NAMES = 512;

/**
 * `name: ` as bytes for a handler field name (null when the writer owns the field and the
 * handler's line is to be dropped), checked once per distinct name. Throws
 * `HttpError("internal")` for a name that is not a token.
 */
export function fieldNamePrefix(name: string): Uint8Array | null {
  const cached = fieldNames.get(name);
  if (cached !== undefined) return cached;
  let prefix: Uint8Array | null = null;
  if (!OWNED_FIELDS.has(name.toLowerCase())) {
    prefix = new Uint8Array(name.length + 2);
    const end = encodeName(prefix, 0, name);
    prefix[end] = 0x3a;
    prefix[end + 1] = 0x20;
  }
  if (fieldNames.size < MAX_CACHED_NAMES) fieldNames.set(name, prefix);
  return prefix;
}

/**
 * Writes `value\r\n` into `out` at `at` (room for the value and CRLF must be there) and returns
 * the new end. Throws `HttpError("internal")` for a value with a CTL or a char above 0xFF.
 */
export function encodeFieldValue(out: Uint8Array, at: number, value: string): number {
  let p = at;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // refuse: CR, LF, NUL or any CTL from handler data would split or corrupt the head
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff) {
      throw new HttpError("internal", "invalid header value");
    }
    out[p++] = c;
  }
  out[p++] = 0x0d;
  out[p++] = 0x0a;
  return p;
}

function encodeName(out: Uint8Array, at: number, name: string): number {
  let p = at;
  if (name.length === 0) throw new HttpError("internal", "empty header name");
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 128 || TCHAR[c] === 0) throw new HttpError("internal", "invalid header name");
    out[p++] = c;
  }
  return p;
}

/**
 * Writes `name: value\r\n` into `out` at `at` (room for name, value and FIELD_FRAMING_BYTES
 * must be there) and returns the new end. One byte per char: values are latin1 (obs-text kept).
 * Throws `HttpError("internal")` for a name that is not a token or a value with a CTL.
 */
export function encodeField(out: Uint8Array, at: number, name: string, value: string): number {
  let p = encodeName(out, at, name);
  out[p++] = 0x3a;
  out[p++] = 0x20;
  return encodeFieldValue(out, p, value);
}
