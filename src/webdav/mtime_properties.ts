/**
 * The properties a client sets to give a resource its modification time, each in its own form:
 * Windows' `{urn:schemas-microsoft-com:}Win32LastModifiedTime` (an HTTP date, `win32_times.ts`)
 * and ownCloud's `{DAV:}lastmodified` (seconds since the epoch), which rclone's `owncloud` and
 * `nextcloud` vendors send when a COPY or MOVE did not keep the time, or when `sync` finds a file
 * whose content matches and whose time differs. Stored as a dead property, it would be answered
 * 200 while the file kept its old time, and the client would send it again at every run: so a
 * PROPPATCH of either sets the file's time (`proppatch.ts`).
 *
 * This module must not touch the disk or know about HTTP requests.
 * @module
 */

import { parseOcSeconds } from "../uploads/mod.ts";
import type { PropName } from "./prop_render.ts";
import { isWin32Mtime, parseWin32Time } from "./win32_times.ts";

/** Whether `name` is `{DAV:}lastmodified`, ownCloud's time property. */
export function isOcLastModified(name: PropName): boolean {
  return name.ns === "DAV:" && name.local === "lastmodified";
}

/** Whether setting `name` sets the resource's modification time. */
export function isMtimeProperty(name: PropName): boolean {
  return isWin32Mtime(name) || isOcLastModified(name);
}

/** The time (ms since the epoch) a value of the time property `name` names, or null. */
export function parseMtimeProperty(name: PropName, text: string): number | null {
  return isWin32Mtime(name) ? parseWin32Time(text) : parseOcSeconds(text);
}
