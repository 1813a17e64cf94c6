/**
 * The live properties (RFC 4918 §15) of a file or folder, computed from its stat and its locks,
 * as the inner markup of each `DAV:` property element. All of them but `displayname` are
 * protected: PROPPATCH cannot set or remove them (§15, "protected").
 *
 * - `getetag` is the ETag a GET of the file sends (same stat fields, same function), so a client
 *   can use a tag from PROPFIND in `If-Match` or an `If` header; folders have none (their GET is a
 *   listing, which carries no tag).
 * - `getlastmodified` is the `Last-Modified` a GET sends: the modification time, or now for a
 *   file dated in the future (RFC 9110 §8.8.2.1). Windows' `Win32LastModifiedTime` shows the
 *   time as stored (`win32_times.ts`).
 * - `creationdate` is the birth time where the file system records one, else the modification
 *   time (Linux filesystems without statx birth times).
 * - `displayname` is the decoded last segment (the share itself: its URL's, "files"; an empty
 *   name left clients showing a blank where the share's name goes). It is not protected (§15.2:
 *   it "SHOULD NOT be protected"): PROPPATCH stores a name set as a dead property, which PROPFIND
 *   answers in place of the computed one until it is removed, as Apache does
 *   ({@link isSettableLiveProp}).
 * - `getcontenttype` uses the read side's extension table, so it matches GET.
 * - `supportedlock` lists the exclusive and shared write locks, and no lock entry on a
 *   `--read-only` share (§15.10: an empty one says no lock can be had), which says `DAV: 1` and
 *   answers LOCK 403.
 *
 * This module must not touch the disk or know about HTTP.
 * @module
 */

import { formatHttpDate } from "../http/http_date.ts";
import { contentTypeFor, FILES_BARE } from "../files/mod.ts";
import { validatorsOf } from "../uploads/mod.ts";
import { hrefOf, resourcePath } from "./dav_path.ts";
import type { LockInfo } from "./lock_table.ts";
import { escapeXml } from "./xml_writer.ts";

/** The live properties wireserve computes, in the order allprop lists them. */
export const LIVE_PROPS: readonly string[] = [
  "resourcetype",
  "displayname",
  "getcontentlength",
  "getlastmodified",
  "creationdate",
  "getetag",
  "getcontenttype",
  "supportedlock",
  "lockdiscovery",
];
const LIVE = new Set(LIVE_PROPS);
/** The share's own display name: the last segment of its URL (`/files/`). */
const SHARE_NAME = FILES_BARE.slice(FILES_BARE.lastIndexOf("/") + 1);
const MS_PER_SECOND = 1000;

/** What the live properties are computed from. */
export interface Described {
  segments: readonly string[];
  isDir: boolean;
  info: Deno.FileInfo;
  /** The locks covering it (for `lockdiscovery`). */
  locks: readonly LockInfo[];
  /** Now, in ms (for the remaining lock timeouts). */
  nowMs: number;
  /** Whether the server offers locks (not `--read-only`), for `supportedlock`. */
  lockable: boolean;
}

/** Whether `DAV:<name>` is a property computed here (a stored one may stand in: see below). */
export function isLiveProp(name: string): boolean {
  return LIVE.has(name);
}

/**
 * Whether `DAV:<name>` is a computed property that PROPPATCH may still set and remove: stored as
 * a dead property, which then stands in for the computed value (§15.2, `displayname`).
 */
export function isSettableLiveProp(name: string): boolean {
  return name === "displayname";
}

/** Whether `DAV:<name>` is protected: PROPPATCH answers 403 for it (§15, §16). */
export function isProtectedProp(name: string): boolean {
  return LIVE.has(name) && !isSettableLiveProp(name);
}

/** The inner markup of the live property `DAV:<name>`, or null when `d` has none. */
export function liveValue(name: string, d: Described): string | null {
  switch (name) {
    case "resourcetype":
      return d.isDir ? "<D:collection/>" : "";
    case "displayname":
      return escapeXml(d.segments.length === 0 ? SHARE_NAME : d.segments[d.segments.length - 1]);
    case "getcontentlength":
      return d.isDir ? null : String(d.info.size);
    case "getlastmodified":
      // The Last-Modified GET sends (§15.7): never after now (RFC 9110 §8.8.2.1).
      return formatHttpDate(Math.min(d.info.mtime?.getTime() ?? 0, d.nowMs));
    case "creationdate":
      return rfc3339(d.info.birthtime?.getTime() ?? d.info.mtime?.getTime() ?? 0);
    case "getetag":
      return d.isDir ? null : escapeXml(validatorsOf(d.info).etag);
    case "getcontenttype":
      return d.isDir ? null : escapeXml(contentTypeFor(d.segments[d.segments.length - 1] ?? ""));
    case "supportedlock":
      return d.lockable ? SUPPORTED_LOCK : "";
    case "lockdiscovery":
      return d.locks.map((l) => activeLock(l, d.nowMs, lockRootIsDir(l, d))).join("");
    default:
      return null;
  }
}

/**
 * Whether the root of `lock`, which covers `d`, is a collection: `d` itself, or else an ancestor
 * of it — and only a collection has members a lock can cover (§6.1).
 */
function lockRootIsDir(lock: LockInfo, d: Described): boolean {
  const path = resourcePath(d.segments);
  // A lock taken through a symlink lists its URL root, the same resource as `d` (lock_paths.ts).
  return lock.root === path || lock.realRoot === path ? d.isDir : true;
}

/**
 * One `DAV:activelock` (§14.1), as LOCK answers and `lockdiscovery` lists it; `rootIsDir` gives
 * the lockroot of a collection its final "/", as every other href of it has (§5.2, §8.3).
 */
export function activeLock(lock: LockInfo, nowMs: number, rootIsDir: boolean): string {
  const left = Math.max(0, Math.ceil((lock.expiresAtMs - nowMs) / MS_PER_SECOND));
  const rootSegments = lock.root === "/" ? [] : lock.root.slice(1).split("/");
  return "<D:activelock>" +
    "<D:locktype><D:write/></D:locktype>" +
    `<D:lockscope><D:${lock.scope}/></D:lockscope>` +
    `<D:depth>${lock.depth === "0" ? "0" : "infinity"}</D:depth>` +
    (lock.owner === "" ? "" : `<D:owner>${lock.owner}</D:owner>`) +
    `<D:timeout>Second-${left}</D:timeout>` +
    `<D:locktoken><D:href>${escapeXml(lock.token)}</D:href></D:locktoken>` +
    `<D:lockroot><D:href>${escapeXml(hrefOf(rootSegments, rootIsDir))}</D:href></D:lockroot>` +
    "</D:activelock>";
}

const SUPPORTED_LOCK = "<D:lockentry><D:lockscope><D:exclusive/></D:lockscope>" +
  "<D:locktype><D:write/></D:locktype></D:lockentry>" +
  "<D:lockentry><D:lockscope><D:shared/></D:lockscope>" +
  "<D:locktype><D:write/></D:locktype></D:lockentry>";

/** An RFC 3339 date-time in UTC, whole seconds (`creationdate`, §15.1). */
function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / MS_PER_SECOND) * MS_PER_SECOND).toISOString().replace(
    ".000Z",
    "Z",
  );
}
