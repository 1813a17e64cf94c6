/**
 * The few field values resumable uploads read, parsed by hand and strictly (house rule 3: no
 * `parseInt` on wire data):
 *
 * - `Upload-Offset`, `Upload-Length`: a non-negative integer. tus 1.0 says "non-negative
 *   integer"; the IETF draft makes them Structured Field Items (RFC 9651 §3.3.1: at most 15
 *   digits), whose parameters we ignore; tus's take none. Anything else → null, which the caller answers 400
 *   (tus) or treats as absent (the draft: "other values MUST cause the entire header field to
 *   be ignored").
 * - `Upload-Complete`: a Structured Field Boolean `?0` / `?1` (RFC 9651 §3.3.6).
 * - `Upload-Draft-Interop-Version`: an integer; which versions we speak is the caller's.
 * - `Content-Type`: only its media type, lower-cased, without parameters — each protocol takes
 *   exactly one for an append (tus `application/offset+octet-stream`, the draft
 *   `application/partial-upload`).
 *
 * This module must not know about requests.
 * @module
 */

import { trimOws } from "../http/ows.ts";

/** Most digits of a Structured Field Integer (RFC 9651 §3.3.1). */
const MAX_INTEGER_DIGITS = 15;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const DECIMAL_RADIX = 10;

/**
 * The item part of a Structured Field Item: before any `;parameters`, without the OWS (SP, HTAB)
 * around it — never NBSP: `1\xA0` is no integer, `?1\xA0` no boolean.
 */
function bareItem(value: string): string {
  const semi = value.indexOf(";");
  return trimOws(semi === -1 ? value : value.slice(0, semi));
}

/** A non-negative integer of at most 15 digits (parameters dropped), or null: the draft's fields. */
export function parseUploadInteger(value: string | undefined): number | null {
  return value === undefined ? null : digitsValue(bareItem(value));
}

/**
 * A non-negative integer of at most 15 digits, nothing else but OWS around it, or null: tus 1.0's
 * `Upload-Offset` and `Upload-Length` ("MUST be a non-negative integer"), which take no parameters
 * (`5;a=1` is malformed there).
 */
export function parseTusInteger(value: string | undefined): number | null {
  return value === undefined ? null : digitsValue(trimOws(value));
}

/** The value of `s` if it is 1–15 decimal digits, else null. */
function digitsValue(s: string): number | null {
  if (s.length === 0 || s.length > MAX_INTEGER_DIGITS) return null;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) return null;
    v = v * DECIMAL_RADIX + (c - DIGIT_0);
  }
  return v;
}

/** A Structured Field Boolean (`?1` true, `?0` false; parameters dropped), or null. */
export function parseSfBoolean(value: string | undefined): boolean | null {
  if (value === undefined) return null;
  const s = bareItem(value);
  if (s === "?1") return true;
  if (s === "?0") return false;
  return null;
}

/** The boolean as a Structured Field (`?1` / `?0`). */
export function sfBoolean(value: boolean): string {
  return value ? "?1" : "?0";
}

/** The media type of a `Content-Type` value, lower-cased, without parameters and OWS. */
export function mediaType(contentType: string | undefined): string | undefined {
  return contentType === undefined ? undefined : trimOws(contentType.split(";")[0]).toLowerCase();
}
