/**
 * What may stand between the brackets of an IP-literal in a Host field or an absolute-form or
 * authority-form target (RFC 3986 §3.2.2): an `IPv6address` or an `IPvFuture`. Anything else in
 * brackets is an invalid host, which a server must refuse with 400 (RFC 9112 §3.2).
 *
 * This module must not know about sockets, lines or errors: it answers questions about strings.
 * @module
 */

const COLON = 0x3a, DOT = 0x2e;
/** Eight 16-bit pieces make an address; an IPv4 tail stands for two of them. */
const PIECES = 8, IPV4_PIECES = 2, PIECE_DIGITS = 4, DEC_OCTETS = 4, OCTET_MAX = 255;

/** Whether `s[start, end)` (inside the brackets) is `IPv6address / IPvFuture`. */
export function isIpLiteral(s: string, start: number, end: number): boolean {
  const first = s.charCodeAt(start);
  if (first === 0x76 || first === 0x56) return isIpFuture(s, start + 1, end); // "v" / "V"
  return isIpv6(s, start, end);
}

/** `1*HEXDIG "." 1*( unreserved / sub-delims / ":" )`, after the "v". */
function isIpFuture(s: string, start: number, end: number): boolean {
  let i = start;
  while (i < end && isHex(s.charCodeAt(i))) i++;
  if (i === start || i >= end || s.charCodeAt(i) !== DOT) return false;
  if (++i === end) return false;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (!isFutureChar(c)) return false;
  }
  return true;
}

/**
 * RFC 3986's `IPv6address`: up to eight `h16` pieces split by ":", one "::" at most standing for
 * one or more zero pieces, and optionally a dotted IPv4 address as the last two pieces.
 */
function isIpv6(s: string, start: number, end: number): boolean {
  let pieces = 0;
  let elided = false;
  let i = start;
  if (s.charCodeAt(i) === COLON) {
    // A leading colon is only ever half of a leading "::".
    if (s.charCodeAt(i + 1) !== COLON) return false;
    elided = true;
    i += 2;
    if (i === end) return true; // "::"
  }
  for (;;) {
    // One piece: hex digits, or a dotted IPv4 tail.
    let j = i;
    while (j < end && j - i <= PIECE_DIGITS && isHex(s.charCodeAt(j))) j++;
    if (j < end && s.charCodeAt(j) === DOT) {
      if (!isIpv4(s, i, end)) return false;
      pieces += IPV4_PIECES;
      break;
    }
    if (j === i || j - i > PIECE_DIGITS) return false;
    pieces++;
    if (j === end) break;
    if (s.charCodeAt(j) !== COLON) return false;
    if (s.charCodeAt(j + 1) === COLON) {
      if (elided) return false;
      elided = true;
      i = j + 2;
      if (i === end) break; // a trailing "::"
    } else {
      i = j + 1;
      if (i === end) return false; // a trailing single ":"
    }
    if (pieces >= PIECES) return false;
  }
  return elided ? pieces < PIECES : pieces === PIECES;
}

/** `dec-octet "." dec-octet "." dec-octet "." dec-octet`, to the end: no leading zeros. */
function isIpv4(s: string, start: number, end: number): boolean {
  let i = start;
  for (let octet = 0; octet < DEC_OCTETS; octet++) {
    if (octet > 0) {
      if (s.charCodeAt(i) !== DOT) return false;
      i++;
    }
    const from = i;
    let value = 0;
    while (i < end && i - from < 3 && isDigit(s.charCodeAt(i))) {
      value = value * 10 + s.charCodeAt(i) - 0x30;
      i++;
    }
    const digits = i - from;
    if (digits === 0 || value > OCTET_MAX || (digits > 1 && s.charCodeAt(from) === 0x30)) {
      return false;
    }
  }
  return i === end;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** unreserved / sub-delims / ":" (RFC 3986 §2.2–2.3). */
function isFutureChar(c: number): boolean {
  if (isHex(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return true;
  return "-._~!$&'()*+,;=:".indexOf(String.fromCharCode(c)) >= 0;
}
