/**
 * Which file and folder names a write may create. One pure function with a table of hostile
 * names in its test. `safe_path.ts` already keeps every path inside the root; these rules are
 * stricter because a write *creates* a name that every later reader, on every platform wireserve
 * ships for, must be able to hold and show honestly.
 *
 * Security reasoning, one refusal (400) per rule:
 * - NUL and other control characters (C0, DEL, C1): NUL truncates paths in C libraries, a newline
 *   forges lines in logs and listings, ESC sequences repaint terminals that `ls` the folder.
 * - Bidirectional controls (`isBidiControl`, app/bidi_control.ts: U+202A–U+202E, U+2066–U+2069,
 *   U+200E, U+200F, U+061C): `invoice‮fdp.exe` shows as `invoiceexe.pdf` in a listing — a
 *   spoofed extension. The same set the listings show as code points, so none gets in unrefused.
 * - `/` and `\`: a name is one segment; `\` is a separator on Windows, so `..\..\x` written on
 *   Linux becomes a climb out of the folder once the share is read from Windows.
 * - `.` and `..`: they name the folder itself and its parent, never a new file.
 * - `:`: on Windows it makes a drive (`C:x`) or an NTFS alternate data stream (`a.txt:hidden`),
 *   and a share must survive being copied there.
 * - Windows device names (`CON`, `PRN`, `AUX`, `NUL`, `COM0`–`COM9`, `LPT0`–`LPT9`, `CONIN$`,
 *   `CONOUT$`, any case, with or without extension, and the superscript-digit forms): opening
 *   `nul.txt` on Windows opens the device, not a file.
 * - Trailing dots and spaces: Win32 strips them, so `report.txt.` would overwrite `report.txt`.
 * - The three rules above (`:`, device names, trailing dots and spaces) are for portability
 *   alone: such a name is legal on Linux and macOS, where it may already exist, put there by
 *   other means (`backup-2024-01-01T10:00:00.log`). A write to a name that exists is not a new
 *   name, so the write side lets it through there (`portabilityOnly`): otherwise a file the share
 *   lists, serves and locks could never be saved again, and a mounted drive (davfs2) lost every
 *   edit to it.
 * - Names over {@link MAX_NAME_BYTES} bytes of UTF-8: no common file system stores them, and the
 *   write would fail late, after the body was read.
 * - On Windows only, `< > " | ? *`: NTFS refuses them (and `*`/`?` reach wildcard APIs).
 * - A leading `.` unless dotfiles are allowed: the read side hides and refuses dotfiles
 *   (`.git`, `.env`, `.htaccess`), so a write must not plant one; it also keeps clients off the
 *   hidden temporary names uploads stream into.
 *
 * Unicode look-alikes are not normalized: NFKC is exactly what would turn `．．` into `..`.
 *
 * This module must not touch the disk or know about HTTP.
 * @module
 */

import { isBidiControl } from "../app/bidi_control.ts";

/** Longest name in UTF-8 bytes (NAME_MAX on Linux; ext4, APFS and NTFS stop near it). */
export const MAX_NAME_BYTES = 255;

/** Options for {@link uploadNameProblem}. */
export interface UploadNameOptions {
  /** Allow names starting with "." (default false). */
  dotfiles?: boolean;
  /** Rules of which platform to apply; defaults to the one the process runs on. */
  platform?: "posix" | "win32";
}

const IS_WINDOWS = Deno.build.os === "windows";
/** Device names Windows opens whatever the extension; spaces before the dot are ignored too. */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$) *(\.|$)/i;
/** Characters NTFS refuses in names (besides controls, "/", "\" and ":", refused everywhere). */
const NTFS_FORBIDDEN = '<>"|?*';
/** A name of ≥ this many UTF-16 units may exceed MAX_NAME_BYTES (3 UTF-8 bytes per unit max). */
const CHECK_BYTES_FROM_CHARS = Math.floor(MAX_NAME_BYTES / 3);
const encoder = new TextEncoder();

/**
 * Why `name` (one decoded path segment or a multipart filename) may not be created, or null when
 * it may. The reason is fixed text for logs and the 400 body; it never echoes the name.
 */
export function uploadNameProblem(name: string, opts: UploadNameOptions = {}): string | null {
  const windows = (opts.platform ?? (IS_WINDOWS ? "win32" : "posix")) === "win32";
  if (name === "") return "empty name";
  if (name === "." || name === "..") return "dot or dot-dot name";
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return "control character in name";
    if (isBidiControl(c)) return "bidirectional control in name";
    if (c === 0x2f || c === 0x5c) return "slash or backslash in name";
    if (c === 0x3a) return "colon in name";
    if (windows && NTFS_FORBIDDEN.includes(name[i])) return "character Windows forbids in name";
  }
  const last = name.charCodeAt(name.length - 1);
  if (last === 0x2e || last === 0x20) return "trailing dot or space in name";
  if (WINDOWS_DEVICE.test(name)) return "Windows device name";
  if (name.length >= CHECK_BYTES_FROM_CHARS && encoder.encode(name).length > MAX_NAME_BYTES) {
    return "name too long";
  }
  if (!opts.dotfiles && name.charCodeAt(0) === 0x2e) return "dotfile name";
  return null;
}

/** The problems of {@link uploadNameProblem} that are about other platforms only. */
const PORTABILITY_PROBLEMS: ReadonlySet<string> = new Set([
  "colon in name",
  "trailing dot or space in name",
  "Windows device name",
]);

/**
 * Whether `problem` (from {@link uploadNameProblem}) is about portability alone: a name the host
 * can hold — off Windows, where such a name may already exist — but that a copy to Windows could
 * not. A write to such a name that exists already may go ahead.
 */
export function portabilityOnly(problem: string, platform?: "posix" | "win32"): boolean {
  const windows = (platform ?? (IS_WINDOWS ? "win32" : "posix")) === "win32";
  return !windows && PORTABILITY_PROBLEMS.has(problem);
}

/**
 * The last segment of a filename a browser or client sent in a form: what follows the last `/`
 * or `\` (old browsers send `C:\Users\me\a.txt`, curl may send `dir/a.txt`). The result still
 * has to pass {@link uploadNameProblem}.
 */
export function baseName(filename: string): string {
  const at = Math.max(filename.lastIndexOf("/"), filename.lastIndexOf("\\"));
  return at === -1 ? filename : filename.slice(at + 1);
}
