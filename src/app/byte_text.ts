/**
 * Text views of raw bytes for echo routes: the engine gives header values as latin1 strings
 * (one char per byte, so nothing is lost), and a client may send any byte in obs-text or a body.
 * These turn such bytes into something a JSON encoder or a terminal shows faithfully.
 *
 * This module must not know about requests or HTTP.
 * @module
 */

import { isBidiControl } from "./bidi_control.ts";

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
const SURROGATE_LEAD = 0xed;
/** Continuation bytes, 10xxxxxx, and the narrower second-byte ranges of RFC 3629 §4. */
const CONT_FIRST = 0x80;
const CONT_LAST = 0xbf;
const E0_SECOND_FIRST = 0xa0;
const ED_SECOND_LAST = 0x9f;
const F0_SECOND_FIRST = 0x90;
const F4_SECOND_LAST = 0x8f;
/** First code points that need 3 and 4 bytes in UTF-8. */
const FIRST_3_BYTE_CP = 0x800;
const FIRST_4_BYTE_CP = 0x10000;
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

/**
 * Decodes as a browser does (WHATWG Encoding §4.3 "decode"): each invalid sequence, a maximal
 * subpart of one, becomes one U+FFFD; a leading BOM stays text.
 */
const LOSSY_UTF8 = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * A header value (latin1 string) read as UTF-8 the way the WHATWG decoder reads it: itself when
 * ASCII, else its bytes decoded with each invalid sequence as one U+FFFD. What the
 * httpbin-compatible JSON shows (go-httpbin's JSON encoder shows such bytes as U+FFFD too), so
 * a header reads as a query or a form body with the same bytes does. Lossy: `/inspect`, which
 * must show every byte, uses `displayText` and `escapeBytes` instead.
 */
export function replacedText(latin1: string): string {
  return isAscii(latin1) ? latin1 : LOSSY_UTF8.decode(latin1Bytes(latin1));
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
  return HEX_ESCAPES[b];
}

/** The 256 escapes, made once: building one per byte dominated escaping binary bodies. */
const HEX_ESCAPES: readonly string[] = Array.from(
  { length: 256 },
  (_, b) => "\\x" + b.toString(HEX_RADIX).toUpperCase().padStart(2, "0"),
);

/** Which decoded code points `escapeBytes` shows as themselves (the others go out as `\xHH`). */
export type CodePointTest = (cp: number) => boolean;

/**
 * Bytes as unambiguous, reversible text: printable ASCII as is, except that a backslash is
 * doubled; TAB, CR and LF as `\t`, `\r`, `\n`; well-formed UTF-8 sequences of characters that
 * `shown` accepts as those characters; every other byte as `\xHH`. With `breakAfterLf`, a real
 * line break follows each `\n` so that line structure stays visible. `shown` defaults to
 * {@link isPrintableCodePoint}; a view for people passes {@link isVisibleCodePoint}.
 *
 * UTF-8 is decoded by hand: a strict TextDecoder per candidate sequence threw on every
 * malformed one, and 1 MiB of random bytes cost seconds of CPU on the server's thread. The text
 * is written as UTF-8 into one buffer (each escape is ASCII, each character shown is copied as
 * its own bytes) and decoded once: a string per byte, joined, took 50–140 ms for 1 MiB of random
 * bytes and held the worker that long for one `/inspect` (an attack probe).
 */
export function escapeBytes(
  bytes: Uint8Array,
  breakAfterLf = false,
  shown: CodePointTest = isPrintableCodePoint,
): string {
  // Each byte becomes at most 4 bytes (`\xHH`; `\n` and a line break are 3).
  const out = new Uint8Array(bytes.length * 4);
  let o = 0;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b >= FIRST_PRINTABLE && b <= LAST_PRINTABLE) {
      if (b === BACKSLASH) out[o++] = BACKSLASH;
      out[o++] = b;
      i++;
    } else if (b === TAB || b === CR || b === LF) {
      out[o++] = BACKSLASH;
      out[o++] = b === TAB ? LETTER_T : b === CR ? LETTER_R : LETTER_N;
      if (b === LF && breakAfterLf) out[o++] = LF;
      i++;
    } else {
      const cp = utf8CodePointAt(bytes, i);
      if (cp >= 0 && shown(cp)) {
        const length = utf8Length(cp);
        for (let k = 0; k < length; k++) out[o++] = bytes[i + k];
        i += length;
      } else {
        out[o++] = BACKSLASH;
        out[o++] = LETTER_X;
        out[o++] = HEX_DIGITS[b >> 4];
        out[o++] = HEX_DIGITS[b & 0x0f];
        i++;
      }
    }
  }
  return UTF8.decode(out.subarray(0, o));
}

const LETTER_T = 0x74;
const LETTER_R = 0x72;
const LETTER_N = 0x6e;
const LETTER_X = 0x78;
/** `0`–`9`, `A`–`F` as bytes: the digits of `\xHH`. */
const HEX_DIGITS = new TextEncoder().encode("0123456789ABCDEF");
/** Decodes the escaped text: well-formed by construction. */
const UTF8 = new TextDecoder();

/**
 * The code point of the well-formed multi-byte UTF-8 sequence starting at `i`, or -1 when none
 * starts there (an ASCII byte included: callers handle those first). Follows RFC 3629 §4's table,
 * whose second-byte ranges exclude overlongs (E0 80–9F, F0 80–8F), surrogates (ED A0–BF) and
 * code points past U+10FFFF (F4 90–BF). The sequence is 2 bytes long below U+0800, 3 below
 * U+10000, else 4.
 */
export function utf8CodePointAt(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i];
  const end = bytes.length;
  if (b0 < LEAD_2 || b0 > LEAD_MAX || i + 1 >= end) return -1;
  const b1 = bytes[i + 1];
  if (b0 < LEAD_3) {
    if (!isContinuation(b1)) return -1;
    return ((b0 & 0x1f) << 6) | (b1 & 0x3f);
  }
  let lo = CONT_FIRST;
  let hi = CONT_LAST;
  if (b0 === LEAD_3) lo = E0_SECOND_FIRST;
  else if (b0 === SURROGATE_LEAD) hi = ED_SECOND_LAST;
  else if (b0 === LEAD_4) lo = F0_SECOND_FIRST;
  else if (b0 === LEAD_MAX) hi = F4_SECOND_LAST;
  if (b1 < lo || b1 > hi) return -1;
  if (b0 < LEAD_4) {
    if (i + 2 >= end || !isContinuation(bytes[i + 2])) return -1;
    return ((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (bytes[i + 2] & 0x3f);
  }
  if (i + 3 >= end || !isContinuation(bytes[i + 2]) || !isContinuation(bytes[i + 3])) return -1;
  return ((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((bytes[i + 2] & 0x3f) << 6) |
    (bytes[i + 3] & 0x3f);
}

/** How many bytes the UTF-8 form of the code point `cp` takes (RFC 3629 §3). */
export function utf8Length(cp: number): number {
  return cp < ASCII_LIMIT ? 1 : cp < FIRST_3_BYTE_CP ? 2 : cp < FIRST_4_BYTE_CP ? 3 : 4;
}

/** Whether `b` is a UTF-8 continuation byte (10xxxxxx). */
function isContinuation(b: number): boolean {
  return b >= CONT_FIRST && b <= CONT_LAST;
}

/** Whether a decoded code point is worth printing (not a C1 control, not a BOM/invisible). */
export function isPrintableCodePoint(cp: number): boolean {
  if (cp >= C1_FIRST && cp <= C1_LAST) return false;
  // Line/paragraph separators, BOM and bidi controls (bidi_control.ts: the set names refuse and
  // listings escape, ALM included) would reshape the surrounding text.
  return !(cp === 0x2028 || cp === 0x2029 || cp === 0xfeff || isBidiControl(cp));
}

/**
 * Characters that show as nothing or as a plain space: every format character (Cf: soft hyphen,
 * zero-width space and joiners, word joiner, invisible operators, BOM, the bidi controls,
 * Mongolian vowel separator, tags…), every space separator (Zs) but U+0020 itself (no-break
 * space, en/em/thin spaces, ideographic space…), and the Hangul fillers, letters by category
 * but drawn as blanks. By Unicode property rather than a hand list, so a new Unicode version
 * is followed by the engine. Combining marks (Mn, Mc, Me) are not here: they are ordinary text in
 * many scripts and show on the character they join.
 */
const INVISIBLE = /^[\p{Cf}\p{Zs}\u115f\u1160\u3164\uffa0]$/u;

/**
 * Stricter than {@link isPrintableCodePoint}, for a view meant to show people which bytes came
 * (`/inspect`): also refuses what would look like a plain space or like nothing (the format
 * characters, the space separators, the Hangul fillers), so two different byte strings never
 * read the same. `replacedText`, which the httpbin-compatible JSON uses, keeps such characters as
 * they are, as go-httpbin's JSON encoder does.
 */
export function isVisibleCodePoint(cp: number): boolean {
  return isPrintableCodePoint(cp) && !INVISIBLE.test(String.fromCodePoint(cp));
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
