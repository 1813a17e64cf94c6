/**
 * Whether the `Content-Range` of an upload names the whole body, so that the upload may be stored
 * as a plain one.
 *
 * `curl -C - -T file URL` — curl's documented way to resume an upload — cannot learn the remote
 * size over HTTP, so it starts again from byte 0 and still sends `Content-Range: bytes
 * 0-(N-1)/N` with the whole file. A partial PUT replaces the range it names (RFC 9110 §14.5,
 * "Partial PUT"); when that range is all N bytes of an N-byte result, the outcome is exactly a
 * plain PUT of the body. Any other range is a piece of a file, which only the resumable uploads
 * accept: stored as the whole file it would silently truncate it.
 *
 * Strict on purpose: the complete length must be known (not `*`), equal the declared
 * Content-Length, and the range must cover it from 0; a chunked body (no declared length) never
 * qualifies, since its size is only known after it was stored.
 *
 * This module must not know about requests or the disk.
 * @module
 */

import { parseDigits } from "../app/parse_number.ts";

/** RFC 9110 §14.1: the one range unit, compared case-insensitively. */
const BYTES_UNIT = "bytes";

/**
 * True when `value` (the `Content-Range` field value, duplicates joined by commas) is
 * `bytes 0-(N-1)/N` (RFC 9110 §14.4) and N is `declaredLength`, the body's Content-Length.
 */
export function namesWholeBody(value: string, declaredLength: number | null): boolean {
  if (declaredLength === null || declaredLength === 0) return false; // 0 bytes have no range
  // Content-Range = range-unit SP incl-range "/" complete-length (RFC 9110 §14.4)
  const space = value.indexOf(" ");
  if (space === -1 || value.slice(0, space).toLowerCase() !== BYTES_UNIT) return false;
  const rest = value.slice(space + 1);
  const dash = rest.indexOf("-");
  const slash = rest.indexOf("/");
  if (dash === -1 || slash < dash) return false;
  const first = parseDigits(rest.slice(0, dash));
  const last = parseDigits(rest.slice(dash + 1, slash));
  const complete = parseDigits(rest.slice(slash + 1));
  return first === 0 && last === declaredLength - 1 && complete === declaredLength;
}
