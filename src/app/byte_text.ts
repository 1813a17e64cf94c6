/**
 * Text views of raw bytes for echo routes: the engine gives header values as latin1 strings
 * (one char per byte, so nothing is lost), and a client may send any byte in obs-text or a body.
 * These turn such bytes into something a JSON encoder or a terminal shows faithfully.
 *
 * This module must not know about requests or HTTP.
 * @module
 */

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
/** Bytes per `String.fromCharCode` call: far below engine argument-count limits. */
const LATIN1_SLICE = 4096;
const HEX_RADIX = 16;
const FIRST_PRINTABLE = 0x20;
const LAST_PRINTABLE = 0x7e;
const DEL = 0x7f;
const ASCII_LIMIT = 0x80;
const BACKSLASH = 0x5c;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
/** UTF-8 lead bytes: 110xxxxx, 1110xxxx, 11110xxx (RFC 3629 §4 — C0, C1, F5+ never lead). */
const LEAD_2 = 0xc2;
const LEAD_3 = 0xe0;
const LEAD_4 = 0xf0;
const LEAD_MAX = 0xf4;
/** Unicode C1 controls and the BOM/other invisibles we escape rather than print. */
const C1_FIRST = 0x80;
const C1_LAST = 0x9f;

/** The bytes of a latin1 string (each char code 0–255 is one byte). */
export function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Bytes as a latin1 string, one char per byte. */
export function bytesToLatin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += LATIN1_SLICE) {
    s += String.fromCharCode(...bytes.subarray(i, i + LATIN1_SLICE));
  }
  return s;
}

/** The bytes as UTF-8 text, or null when they are not valid UTF-8. */
export function utf8OrNull(bytes: Uint8Array): string | null {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return null;
  }
}

/** Whether a latin1 string is plain ASCII (so it reads the same in any view). */
function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= ASCII_LIMIT) return false;
  return true;
}

/**
 * A header value (latin1 string) as readable text: itself when ASCII, its UTF-8 reading when
 * the bytes are valid UTF-8 (clients send UTF-8 far more often than latin1), otherwise with
 * every non-ASCII byte written `\xHH`. Lossy only in the last case's `\x` ambiguity; callers
 * that must be exact also give the bytes in base64.
 */
export function displayText(latin1: string): string {
  if (isAscii(latin1)) return latin1;
  const bytes = latin1Bytes(latin1);
  const text = utf8OrNull(bytes);
  if (text !== null) return text;
  let out = "";
  for (const b of bytes) out += b < ASCII_LIMIT ? String.fromCharCode(b) : hexEscape(b);
  return out;
}

/** `\xHH` in upper-case hex. */
function hexEscape(b: number): string {
  return "\\x" + b.toString(HEX_RADIX).toUpperCase().padStart(2, "0");
}

/**
 * Bytes as unambiguous, reversible text: printable ASCII as is, except that a backslash is
 * doubled; TAB, CR and LF as `\t`, `\r`, `\n`; well-formed UTF-8 sequences of printable
 * characters as those characters; every other byte as `\xHH`. With `breakAfterLf`, a real line
 * break follows each `\n` so that line structure stays visible.
 */
export function escapeBytes(bytes: Uint8Array, breakAfterLf = false): string {
  const parts: string[] = [];
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b >= FIRST_PRINTABLE && b <= LAST_PRINTABLE) {
      parts.push(b === BACKSLASH ? "\\\\" : String.fromCharCode(b));
      i++;
    } else if (b === TAB) {
      parts.push("\\t");
      i++;
    } else if (b === CR) {
      parts.push("\\r");
      i++;
    } else if (b === LF) {
      parts.push(breakAfterLf ? "\\n\n" : "\\n");
      i++;
    } else {
      const n = utf8SequenceLength(bytes, i);
      const ch = n === 0 ? null : utf8OrNull(bytes.subarray(i, i + n));
      if (ch !== null && isPrintableChar(ch)) {
        parts.push(ch);
        i += n;
      } else {
        parts.push(hexEscape(b));
        i++;
      }
    }
  }
  return parts.join("");
}

/** Length of the UTF-8 sequence a lead byte at `i` announces (0 for a byte that cannot lead). */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i];
  let n = 0;
  if (b >= LEAD_2 && b < LEAD_3) n = 2;
  else if (b >= LEAD_3 && b < LEAD_4) n = 3;
  else if (b >= LEAD_4 && b <= LEAD_MAX) n = 4;
  return i + n <= bytes.length ? n : 0;
}

/** Whether a decoded character is worth printing (not a C1 control, not a BOM/invisible). */
function isPrintableChar(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  if (cp >= C1_FIRST && cp <= C1_LAST) return false;
  // Line/paragraph separators, BOM and bidi controls would reshape the surrounding text.
  return !/[\u2028\u2029\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(ch);
}

/**
 * Whether `s` holds a control character: C0 (U+0000–U+001F) or DEL, with TAB allowed when
 * `allowTab` (field values may hold HTAB, RFC 9110 §5.5).
 */
export function hasControl(s: string, allowTab = false): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < FIRST_PRINTABLE && !(allowTab && c === TAB)) || c === DEL) return true;
  }
  return false;
}

/** Standard base64 (RFC 4648 §4) of `bytes`. */
export function toBase64(bytes: Uint8Array): string {
  return bytes.toBase64();
}
