/**
 * Resolve a URL path inside a root folder, or refuse. One pure function: no disk access, so it
 * can be tested with a table of hostile inputs for both POSIX and Windows roots. What it cannot
 * see — symlinks — is checked against the real path by the caller (see `file_lookup.ts`).
 *
 * Security reasoning, in the order the checks run:
 * - The raw path is split on "/" BEFORE percent-decoding, and every segment is decoded exactly
 *   once: `%252e` becomes the literal name `%2e`, never `.`. Decoding the whole path first would
 *   let `..%2f` smuggle a separator past the split.
 * - refuse (400): a decoded segment containing "/" or "\" (`%2F`, `%5C`, raw `\`). An encoded
 *   slash cannot name a file on any platform we ship for, and Windows treats "\" as a separator,
 *   so accepting either would let one segment climb out (`..%5c..%5cwindows`). Refusing is
 *   clearer than re-splitting, and no legitimate link ever needs them.
 * - refuse (400): malformed escapes and bytes that are not UTF-8 (`%c0%ae`, an overlong "."), via
 *   the strict `percentDecode`: guessing would make two different byte strings name one file.
 * - refuse (400): NUL and other control characters (C0, DEL, C1). NUL truncates paths in C
 *   libraries; the others are never in a link we generate worth following and end up in logs.
 * - refuse (400), on Windows only, any ":": a drive-relative segment (`C:x`) makes
 *   `path.win32.join` leave the root, and `name:stream` opens an NTFS alternate data stream.
 *   Elsewhere ":" is an ordinary character (`a:b.txt`, `C:` are names inside the root). Writes
 *   refuse it everywhere (`uploads/upload_name.ts`): a share must survive a copy to Windows.
 * - `.` segments are dropped and `..` pops the previous segment — lexically, inside the list of
 *   segments only. refuse (404): a `..` with nothing left to pop would leave the root; 404 and not
 *   400 so a probe learns nothing about what lies outside.
 * - Empty segments (`a//b`, a leading `//`) are skipped: they name nothing, and the result is
 *   always joined below the root — an absolute-looking input never becomes an absolute path.
 * - refuse (404): the resumable uploads' state folder (`.wireserve-uploads`), at any depth and
 *   whatever the options: its partial files are not files anyone finished sending.
 * - refuse (404): dotfiles (any remaining segment starting with "."), unless `dotfiles` is set:
 *   `.git`, `.env`, `.ssh` are the classic leaks of a shared folder. With `wellKnown`, a first
 *   segment `.well-known` is not one (RFC 8615: ACME challenges, `security.txt` live there).
 * - refuse (404): paths the `--hide` patterns match (`hidden`), checked on the decoded segments
 *   after `.` and `..` are resolved, so `%2e%2e`, `a/../private` and `//private` all name the
 *   same `private`. The last segment counts as a folder only when the URL ends with "/": whether
 *   it is one is known after a stat, where the caller checks the real path again.
 * - On Windows, refuse (404) names Windows cannot hold or rewrites: reserved device names (`CON`,
 *   `NUL`, `COM1`, `LPT1.txt`, …) open devices, and trailing dots or spaces are stripped by the
 *   Win32 layer (`secret.txt.` would open `secret.txt`, `.. ` would be `..`).
 * - refuse (400): paths past MAX_PATH_CHARS, more than MAX_SEGMENTS segments, or one segment
 *   past MAX_SEGMENT_BYTES (no file system stores longer names), so later work stays bounded.
 * - Unicode look-alikes (`．．`, `‥`) are not normalized: they are ordinary names inside the
 *   root, and normalizing them (NFKC) is exactly what would turn them into `..`.
 *
 * This module must not touch the disk, the network or HTTP messages.
 * @module
 */

import { posix, win32 } from "node:path";
import type { HiddenPaths } from "../app/hidden_paths.ts";
import { percentDecode } from "../app/percent_decode.ts";
import { isStateFolderName } from "../app/state_folder.ts";

/** Longest raw (still encoded) path accepted, in characters. */
export const MAX_PATH_CHARS = 4096;
/** Most segments accepted in one path. */
export const MAX_SEGMENTS = 128;
/** Longest decoded segment in UTF-8 bytes (NAME_MAX on Linux, the NTFS limit is lower). */
export const MAX_SEGMENT_BYTES = 255;

/** Options for {@link resolveSafePath}. */
export interface SafePathOptions {
  /** Allow segments starting with "." (default false: 404). */
  dotfiles?: boolean;
  /** Allow a first segment `.well-known` without `dotfiles` (default false). */
  wellKnown?: boolean;
  /** Path rules and separators to use; defaults to the platform the process runs on. */
  platform?: "posix" | "win32";
  /** `--hide` patterns: a match is refused with 404, like a missing file. */
  hidden?: HiddenPaths;
}

/** A path resolved inside the root. */
export interface SafePathOk {
  ok: true;
  /** The root joined with the decoded segments (platform separators). */
  fsPath: string;
  /** The decoded segments below the root after resolving `.` and `..`; empty for the root. */
  segments: string[];
  /** Whether the URL named a folder (ended with "/", "/." or "/..", or was empty). */
  trailingSlash: boolean;
}

/** A refused path; `reason` is for logs and tests, not for clients. */
export interface SafePathRefused {
  ok: false;
  /** 400 for malformed or forbidden syntax, 404 for what must look like a missing file. */
  status: 400 | 404;
  reason: string;
}

/** The outcome of {@link resolveSafePath}. */
export type SafePathResult = SafePathOk | SafePathRefused;

const IS_WINDOWS = Deno.build.os === "windows";
/** Device names Windows opens whatever the folder or extension (`con.txt` is CON). */
/** The shape of an 8.3 short name's tail: "~" and a digit ("PROGRA~1", "SECRET~12.TXT"). */
const SHORT_NAME = /~\d/;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\.|$)/i;
/** A decoded segment ≥ this many UTF-16 units may exceed MAX_SEGMENT_BYTES (3 bytes each max). */
const SEGMENT_BYTES_CHECK_CHARS = Math.floor(MAX_SEGMENT_BYTES / 3);
const encoder = new TextEncoder();
/** Length of `%2e%2e`, the longest way to write `..` in one segment. */
const DOTS_MAX_RAW_CHARS = 6;

const refuse = (status: 400 | 404, reason: string): SafePathRefused => ({
  ok: false,
  status,
  reason,
});

/**
 * Resolves `urlPath` — the RAW, still percent-encoded path below the mount point (for
 * `/files/a%20b/c.txt` it is `a%20b/c.txt`) — inside `root`, or refuses it. Never touches the
 * disk: symlinks are the caller's to check. The answer is frozen (segments too): the same path
 * asked again may get the same object.
 */
export function resolveSafePath(
  root: string,
  urlPath: string,
  opts: SafePathOptions = {},
): SafePathResult {
  const windows = (opts.platform ?? (IS_WINDOWS ? "win32" : "posix")) === "win32";
  const dotfiles = opts.dotfiles === true;
  const wellKnown = opts.wellKnown === true;
  const hidden = opts.hidden;
  if (
    urlPath === lastUrlPath && root === lastRoot && windows === lastWindows &&
    dotfiles === lastDotfiles && wellKnown === lastWellKnown && hidden === lastHidden &&
    lastResult !== null
  ) return lastResult;
  const result = resolveUncached(root, urlPath, windows, dotfiles, wellKnown, hidden);
  lastRoot = root;
  lastUrlPath = urlPath;
  lastWindows = windows;
  lastDotfiles = dotfiles;
  lastWellKnown = wellKnown;
  lastHidden = hidden;
  lastResult = Object.freeze(result);
  return result;
}

/**
 * The last path resolved, with what it was resolved against, and its answer: the answer depends
 * on nothing else (no disk), so a path asked again (a file fetched over and over, a connection
 * per request) gets the same answer without decoding, checking and joining it again — and the
 * same `fsPath` string, already hashed for the file cache's lookup. The answer is frozen: it is
 * shared by every request that asks for the same path.
 */
let lastRoot = "";
let lastUrlPath = "";
let lastWindows = false;
let lastDotfiles = false;
let lastWellKnown = false;
let lastHidden: HiddenPaths | undefined;
let lastResult: SafePathResult | null = null;

function resolveUncached(
  root: string,
  urlPath: string,
  windows: boolean,
  dotfiles: boolean,
  wellKnown: boolean,
  hidden: HiddenPaths | undefined,
): SafePathResult {
  if (urlPath.length > MAX_PATH_CHARS) return refuse(400, "path too long");
  // refuse: "\" is a separator on Windows; on POSIX it is refused too so both behave alike.
  if (urlPath.includes("\\")) return refuse(400, "backslash in path");
  const raw = urlPath.split("/");
  if (raw.length > MAX_SEGMENTS) return refuse(400, "too many segments");
  const segments: string[] = [];
  for (const encoded of raw) {
    if (encoded === "" || encoded === ".") continue;
    const segment = percentDecode(encoded);
    if (segment === null) return refuse(400, "invalid percent-encoding");
    const bad = badSegment(segment, windows);
    if (bad !== null) return bad;
    if (segment === ".") continue;
    if (segment === "..") {
      // refuse: a ".." with nothing to pop would name the root's parent
      if (segments.pop() === undefined) return refuse(404, "path leaves the root");
      continue;
    }
    segments.push(segment);
  }
  for (const segment of segments) {
    // refuse: partial uploads live in the state folder; they are never served or written to,
    // even with --dotfiles (a 404, as for anything else that is not there to be had)
    if (isStateFolderName(segment)) return refuse(404, "upload state folder");
    if (windows && windowsUnsafeName(segment)) return refuse(404, "name Windows cannot hold");
  }
  if (!dotfiles && holdsDotfile(segments, wellKnown)) return refuse(404, "dotfile");
  const last = raw[raw.length - 1];
  const trailingSlash = urlPath === "" || last === "" || isDots(last);
  // refuse: a private path looks exactly like a missing one, whoever asks
  if (hidden?.hides(segments, trailingSlash) === true) return refuse(404, "hidden");
  Object.freeze(segments);
  return { ok: true, fsPath: joinBelow(root, segments, windows), segments, trailingSlash };
}

/** The well-known URIs' folder (RFC 8615), allowed first below a root that says `wellKnown`. */
const WELL_KNOWN = ".well-known";

/**
 * Whether `segments` (below a root) hold a dotfile: a name starting with "." — but with
 * `wellKnown`, not a first segment `.well-known`.
 */
export function holdsDotfile(segments: readonly string[], wellKnown: boolean): boolean {
  for (let i = 0; i < segments.length; i++) {
    if (segments[i].charCodeAt(0) !== 0x2e) continue;
    if (!(wellKnown && i === 0 && segments[i] === WELL_KNOWN)) return true;
  }
  return false;
}

/**
 * Whether a name read from the disk could be asked for by URL: not what {@link resolveSafePath}
 * refuses by the name alone (control characters, `/` or `\`, drive or stream syntax, names too
 * long, on Windows the names it cannot hold). Listings leave such names out: a link that can only
 * answer 400 or 404 is a broken link, and clients that sync a folder (rclone) fail on it.
 *
 * A name that was not valid UTF-8 is read by Deno with U+FFFD in place of the bytes, so no URL
 * names the file either; but a real U+FFFD is a valid name, uploaded and served like any. The two
 * are told apart by the stat every lister makes of a name it shows (`isLossyName`): a lossy name
 * names nothing.
 */
export function servableName(name: string, platform?: "posix" | "win32"): boolean {
  const windows = (platform ?? (IS_WINDOWS ? "win32" : "posix")) === "win32";
  if (name === "" || name === "." || name === "..") return false;
  if (badSegment(name, windows) !== null) return false;
  return !(windows && windowsUnsafeName(name));
}

/**
 * `root` + separator + segments. Plain concatenation is safe here, and cheaper than
 * `path.join` on the hot path, because every segment was checked above: none is empty, `.` or
 * `..`, and none holds a separator. Only the root is normalized.
 */
function joinBelow(root: string, segments: readonly string[], windows: boolean): string {
  const path = windows ? win32 : posix;
  if (root !== memoRoot || windows !== memoWindows) {
    memoRoot = root;
    memoWindows = windows;
    memoBase = path.normalize(root);
  }
  const base = memoBase;
  if (segments.length === 0) return base;
  const sep = path.sep;
  return (base.endsWith(sep) ? base : base + sep) + segments.join(sep);
}

/** The last root normalized (a server resolves against one or two roots all day). */
let memoRoot: string | null = null;
let memoWindows = false;
let memoBase = "";

/** Whether a raw segment is `.` or `..`, written plainly or encoded (`%2e`, `.%2E`). */
function isDots(raw: string): boolean {
  if (raw.length > DOTS_MAX_RAW_CHARS) return false; // "%2e%2e" is the longest spelling
  const d = percentDecode(raw);
  return d === "." || d === "..";
}

/** The refusal for a decoded segment with forbidden characters, or null when it is clean. */
function badSegment(segment: string, windows: boolean): SafePathRefused | null {
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    // refuse: NUL truncates paths; other C0, DEL and C1 controls never belong in a link
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return refuse(400, "control character in path");
    // refuse: an encoded "/" or "\" would be a separator once handed to the file system
    if (c === 0x2f || c === 0x5c) return refuse(400, "encoded separator in path");
    // refuse: ":" makes a drive (C:) or an NTFS stream (a:b) on Windows; elsewhere it is a
    // plain character, and `a:b.txt` is an ordinary file name
    if (c === 0x3a && windows) return refuse(400, "drive or stream syntax in path");
  }
  if (segment.length >= SEGMENT_BYTES_CHECK_CHARS) {
    if (encoder.encode(segment).length > MAX_SEGMENT_BYTES) return refuse(400, "name too long");
  }
  return null;
}

/** Whether Windows would open something else than the file `name` names. */
function windowsUnsafeName(name: string): boolean {
  const end = name.charCodeAt(name.length - 1);
  // refuse: Win32 strips trailing dots and spaces, so "a.txt." would open "a.txt"
  if (end === 0x2e || end === 0x20) return true;
  if (WINDOWS_RESERVED.test(name)) return true;
  // refuse: an 8.3 short name ("GITCON~1") can alias a long one the other rules refuse
  // (".gitconfig"), so "~" followed by a digit never names a file we serve on Windows
  if (SHORT_NAME.test(name)) return true;
  for (let i = 0; i < name.length; i++) {
    // refuse: characters NTFS forbids in names (a wildcard would reach FindFirstFile patterns)
    if ('<>"|?*'.includes(name[i])) return true;
  }
  return false;
}
