/**
 * Windows' modification time property: the Windows WebDAV client (Microsoft-WebDAV-MiniRedir)
 * keeps a file's time across a copy by uploading it, then sending PROPPATCH
 * `{urn:schemas-microsoft-com:}Win32LastModifiedTime` with the original time as an HTTP date
 * (`Thu, 10 Jan 2019 12:10:26 GMT`), and reads the time back from `getlastmodified`.
 *
 * Decisions:
 * - The property is the file's modification time, not a dead property: setting it sets the
 *   mtime, so `getlastmodified`, the ETag, `GET`'s `Last-Modified`, the listings and every other
 *   client see the time Windows meant (as IIS does). A stored copy would also go stale at the
 *   next write.
 * - A PROPFIND that names it gets the current mtime in the same form; `allprop` does not list it
 *   (it is Microsoft's, and `getlastmodified` already says it).
 * - A value that is not an HTTP date (RFC 9110 §5.6.7, any of its three forms) → 409 (RFC 4918
 *   §9.2.1: a value whose semantics are not appropriate for the property), and the PROPPATCH
 *   changes nothing.
 * - The other `Win32*` properties (creation and access times, attributes) stay dead properties:
 *   Linux cannot set a birth time, and the access time says nothing a client relies on.
 *
 * This module must not touch the disk or know about HTTP requests.
 * @module
 */

import { formatHttpDate } from "../http/http_date.ts";
import { parseHttpDate } from "../app/parse_http_date.ts";
import type { PropName } from "./prop_render.ts";

/** Microsoft's property namespace. */
export const MS_NS = "urn:schemas-microsoft-com:";
/** The local name of the modification time property. */
export const WIN32_MTIME = "Win32LastModifiedTime";

/** Whether `name` is `{urn:schemas-microsoft-com:}Win32LastModifiedTime`. */
export function isWin32Mtime(name: PropName): boolean {
  return name.ns === MS_NS && name.local === WIN32_MTIME;
}

/** XML's white space (XML 1.0 §2.3 `S`) around a property value. */
const XML_SPACE_AROUND = /^[ \t\r\n]+|[ \t\r\n]+$/g;

/**
 * The time (ms since the epoch) a `Win32LastModifiedTime` value names, or null. XML's white
 * space around the date (a pretty-printed body's line breaks) is not part of it; NBSP is.
 */
export function parseWin32Time(text: string): number | null {
  return parseHttpDate(text.replace(XML_SPACE_AROUND, ""));
}

/** The value of `Win32LastModifiedTime` for a resource with `info`. */
export function win32TimeValue(info: Deno.FileInfo): string {
  return formatHttpDate(info.mtime?.getTime() ?? 0);
}
