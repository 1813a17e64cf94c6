/**
 * The byte-level grammar shared by the request-line and field-line parsers (RFC 9112 §2–5,
 * RFC 9110 §5.5–5.6, RFC 3986 §3.2): byte classes, latin1 decoding, and the authority check.
 *
 * This module must not know about sockets, lines or errors: it answers questions about bytes.
 * @module
 */

import { isIpLiteral } from "./ip_literal.ts";

// Bytes the grammar names (RFC 9112 §2–5, RFC 3986 §3.2).
export const CR = 0x0d, SP = 0x20, HTAB = 0x09, COLON = 0x3a, SLASH = 0x2f, QUESTION = 0x3f;
export const HASH = 0x23, DOT = 0x2e, DIGIT_0 = 0x30;
const PERCENT = 0x25, OPEN_BRACKET = 0x5b;
/** The CR that must end every line. */
export const CR_BYTES = 1;
/** `String.fromCharCode.apply` takes one argument per byte: stay far below engine arg limits. */
const DECODE_CHUNK_BYTES = 8192;

// Byte classes, one bit each, looked up in a 256-entry table on the hot path.
export const TCHAR = 1, VALUE = 2, TARGET = 4, HOST = 8, HEX = 16, DIGIT = 32;
/** The classes of each byte value: test with `CLASS[b] & TCHAR`. */
export const CLASS: Uint8Array = buildClasses();

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
 * Whether `s[start, end)` is `uri-host [ ":" port ]` (RFC 3986 §3.2.2–3.2.3): an IP-literal in
 * brackets (an IPv6 address or an IPvFuture, `ip_literal.ts`) or a non-empty reg-name/IPv4 (unreserved, pct-encoded, sub-delims), then digits.
 */
export function isAuthority(s: string, start: number, end: number, requirePort: boolean): boolean {
  let i = start;
  if (s.charCodeAt(i) === OPEN_BRACKET) {
    const close = s.indexOf("]", i);
    if (close < 0 || close >= end || !isIpLiteral(s, i + 1, close)) return false;
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
