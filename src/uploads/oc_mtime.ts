/**
 * `X-OC-Mtime`: the modification time an ownCloud or Nextcloud client asks an upload to keep.
 * rclone (`--webdav-vendor owncloud`, `nextcloud`, `fastmail`, `rclone`) sends the source file's
 * time as whole seconds since the epoch on every PUT, and compares sizes and times on the next
 * `copy`/`sync`: a file stored with its upload time looks changed and is sent again, every run.
 * ownCloud's server sets the time and answers `X-OC-MTime: accepted`, which rclone reads.
 *
 * Decisions:
 * - The value is `digits[.digits]` seconds, parsed by hand (`parseMillis`: no sign, exponent,
 *   whitespace or hex); ownCloud accepts a fraction too. Anything else — a negative time,
 *   garbage, two values, past {@link MAX_OC_MTIME_SECONDS} — is ignored, never a refusal: the
 *   upload matters more than its time, and ownCloud ignores a bad value too.
 * - Only the raw upload (PUT/POST of the body) honours it: resumable uploads are not what these
 *   clients use.
 *
 * This module must not touch the disk.
 * @module
 */

import type { FieldSource } from "../app/conditional.ts";
import { parseMillis } from "../app/parse_number.ts";

/** The request field naming the time to keep. */
export const OC_MTIME_FIELD = "x-oc-mtime";

/** The answer field and value telling the client the time was kept (ownCloud's spelling). */
export const OC_MTIME_ANSWER: readonly [string, string] = ["X-OC-MTime", "accepted"];

/**
 * Latest time accepted, in seconds: 9999-12-31T23:59:59Z, the last instant an HTTP date
 * (`Last-Modified`, `getlastmodified`) can write with its four-digit year.
 */
export const MAX_OC_MTIME_SECONDS = 253_402_300_799;

const MS_PER_SECOND = 1000;
/**
 * White space around the value: a field's OWS (SP, HTAB; RFC 9110 §5.6.3) and XML's `S` (SP,
 * HTAB, CR, LF; XML 1.0 §2.3) of a `{DAV:}lastmodified`. Not `String.trim`: NBSP is neither.
 */
const SPACE_AROUND = /^[ \t\r\n]+|[ \t\r\n]+$/g;

/** The time `X-OC-Mtime` in `fields` asks for, or null when absent or not a usable time. */
export function ocMtimeOf(fields: FieldSource): Date | null {
  const value = fields.list(OC_MTIME_FIELD);
  if (value === undefined) return null;
  const ms = parseOcSeconds(value);
  return ms === null ? null : new Date(ms);
}

/**
 * ownCloud's form of a time, `digits[.digits]` seconds since the epoch (SP, HTAB, CR, LF
 * around it ignored), in ms; null when it is not one or lies past {@link MAX_OC_MTIME_SECONDS}.
 * Also the value of WebDAV's `{DAV:}lastmodified` as ownCloud clients set it.
 */
export function parseOcSeconds(text: string): number | null {
  const ms = parseMillis(text.replace(SPACE_AROUND, ""));
  return ms === null || ms > MAX_OC_MTIME_SECONDS * MS_PER_SECOND ? null : ms;
}
