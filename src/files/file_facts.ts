/**
 * The facts kept about a served path: a regular file's size, time, validators, type, contents
 * when small, and its precompressed siblings — and how to read them from a stat.
 *
 * This module must not cache or decide what may be served: `file_cache.ts` does both.
 * @module
 */

import { formatHttpDate } from "../http/http_date.ts";
import { isCompressible } from "../app/content_coding.ts";
import { fileEtag, withSuffix } from "../app/etag.ts";
import { throwIfOutOfDescriptors } from "../app/out_of_descriptors.ts";

/** Files up to this size are kept in memory (with their compressed forms). */
export const SMALL_FILE_MAX_BYTES = 128 * 1024;
const MS_PER_SECOND = 1000;

/** A precompressed sibling (`x.js.br`, `x.js.gz`) of a file. */
export interface Sibling {
  /** Its real path, to open it. */
  path: string;
  size: number;
  /** Strong ETag of the sibling's own bytes. */
  etag: string;
  mtimeMs: number;
  /** When it was last written or changed (its ctime), which no client can set. */
  ctimeMs: number;
  /** Its bytes when small, else null (opened per request). */
  bytes: Uint8Array | null;
}

/** A regular file's facts. */
export interface FileFacts {
  kind: "file";
  realPath: string;
  size: number;
  mtimeMs: number;
  /**
   * The inode change time (0 when the platform has none). A file rewritten in place to the same
   * size with its mtime set back (`touch -d`) keeps size, mtime and inode; only ctime moves.
   */
  ctimeMs: number;
  /** When these facts were read from the disk (Date.now()). */
  loadedAtMs: number;
  ino: number | null;
  /** Strong ETag of the identity representation. */
  etag: string;
  /** Last-Modified as whole seconds (ms), and formatted. */
  lastModifiedMs: number;
  lastModified: string;
  contentType: string;
  /**
   * The coding the file is stored in beyond its media type (`.svgz`: gzip), sent as
   * `Content-Encoding` with its bytes; null for nearly every file.
   */
  storedCoding: string | null;
  /** Whether the type is worth compressing (and so varies by Accept-Encoding). */
  compressible: boolean;
  /** The contents when size ≤ SMALL_FILE_MAX_BYTES, else null. */
  bytes: Uint8Array | null;
  /** Precompressed siblings found beside the file. */
  br: Sibling | null;
  gzip: Sibling | null;
  /** Compressed forms made from `bytes` on demand, remembered with the entry. */
  encoded: { br?: Uint8Array; gzip?: Uint8Array };
  /** Response fields for a whole identity 200, built once (handlers fill it lazily). */
  okHeaders: Array<[string, string]> | null;
}

/** What a path is. */
export type PathFacts = { kind: "missing" } | { kind: "dir"; realPath: string } | FileFacts;

/**
 * Facts for a regular file from its stat, without contents or siblings. `salt` goes into the
 * ETag (see `FileCacheOptions.etagSalt`).
 */
export function describeFile(
  realPath: string,
  st: Deno.FileInfo,
  contentType: string,
  salt: string,
  storedCoding: string | null = null,
): FileFacts {
  const mtimeMs = st.mtime?.getTime() ?? 0;
  const ino = st.ino ?? null;
  const loadedAtMs = Date.now();
  // RFC 9110 §8.8.2.1: a Last-Modified later than the message's Date is replaced by the Date; a
  // file dated in the future gets the time it was read (no later than any answer built from it).
  const lastModifiedMs = wholeSeconds(Math.min(mtimeMs, loadedAtMs));
  return {
    kind: "file",
    realPath,
    size: st.size,
    mtimeMs,
    ctimeMs: st.ctime?.getTime() ?? 0,
    loadedAtMs,
    ino,
    etag: fileEtag(st.size, mtimeMs, st.ctime?.getTime() ?? 0, ino, salt),
    lastModifiedMs,
    lastModified: formatHttpDate(lastModifiedMs),
    contentType,
    storedCoding,
    // Compressing it again would only wrap one gzip in another.
    compressible: storedCoding === null && isCompressible(contentType),
    bytes: null,
    br: null,
    gzip: null,
    encoded: {},
    okHeaders: null,
  };
}

/**
 * Deno reports ctime in whole seconds: a file rewritten in place (same size, mtime set back)
 * within the second its facts were read keeps every stat field we see. Facts read less than a
 * second after the file's ctime are "racy" (git's term) and are read again. The kernel stamps
 * ctime from its coarse clock, which may lag `Date.now()` by a tick (1–10 ms; more in a VM whose
 * clocks drift), so a rewrite just after our read can still carry the second before it: the
 * window is widened by CTIME_CLOCK_SLACK_MS.
 */
const CTIME_RESOLUTION_MS = 1000;
const CTIME_CLOCK_SLACK_MS = 1000;

/** Whether `facts` were read too soon after their file's last change to trust an equal stat. */
export function mayBeRacy(facts: FileFacts): boolean {
  return facts.loadedAtMs < facts.ctimeMs + CTIME_RESOLUTION_MS + CTIME_CLOCK_SLACK_MS;
}

/**
 * Whether a sibling may stand for its source, by their last-written (mtime) and last-changed
 * (ctime) times. A sibling older than its source was made from an earlier version: serving it
 * would give gzip clients other content than everyone else, under Content-Encoding, which must
 * code the same representation (RFC 9110 §8.4). The times are compared in whole seconds: `brotli
 * -k` copies the source's time with utime(), which keeps only the seconds, so its output looks a
 * fraction of a second older than the file it was made from.
 */
export function siblingIsCurrent(
  sibling: { mtimeMs: number; ctimeMs: number },
  source: { mtimeMs: number; ctimeMs: number },
): boolean {
  // The mtimes say which version the sibling was made from; but a client may set a file's mtime
  // (X-OC-Mtime, `touch -d`), so a rewritten file can look older than its sibling. The ctimes,
  // which only the kernel sets, say whether the sibling came after the file's last change: a
  // sibling made before it is stale whatever the mtimes (a review: rclone's writes with
  // X-OC-Mtime left the old `.gz` served, and the sync failed on the sizes).
  return wholeSeconds(sibling.mtimeMs) >= wholeSeconds(source.mtimeMs) &&
    wholeSeconds(sibling.ctimeMs) >= wholeSeconds(source.ctimeMs);
}

/**
 * A precompressed sibling's facts, reusing `old` when unchanged; null when absent, or older
 * than its source (see {@link siblingIsCurrent}).
 */
export async function sibling(
  path: string,
  suffix: string,
  source: { mtimeMs: number; ctimeMs: number },
  old: Sibling | null,
  wantBytes: boolean,
  salt: string,
): Promise<Sibling | null> {
  let st: Deno.FileInfo;
  try {
    // lstat: a sibling that is a symlink is ignored rather than followed out of the root
    st = await Deno.lstat(path);
  } catch (err) {
    throwIfOutOfDescriptors(err);
    return null;
  }
  if (!st.isFile) return null;
  const mtimeMs = st.mtime?.getTime() ?? 0;
  const ctimeMs = st.ctime?.getTime() ?? 0;
  if (!siblingIsCurrent({ mtimeMs, ctimeMs }, source)) return null;
  if (old !== null && old.size === st.size && old.mtimeMs === mtimeMs && old.ctimeMs === ctimeMs) {
    return old;
  }
  let bytes: Uint8Array | null = null;
  if (wantBytes && st.size <= SMALL_FILE_MAX_BYTES) {
    bytes = await readOrNull(path);
    if (bytes === null || bytes.length !== st.size) return null;
  }
  const etag = withSuffix(fileEtag(st.size, mtimeMs, ctimeMs, st.ino ?? null, salt), suffix);
  return { path, size: st.size, etag, mtimeMs, ctimeMs, bytes };
}

/**
 * The whole file, or null when it cannot be read (gone, permissions). Throws when out of
 * descriptors: the file is not gone, and facts cached as missing would say it is.
 */
export async function readOrNull(path: string): Promise<Uint8Array | null> {
  try {
    return await Deno.readFile(path);
  } catch (err) {
    throwIfOutOfDescriptors(err);
    return null;
  }
}

function wholeSeconds(ms: number): number {
  return Math.floor(ms / MS_PER_SECOND) * MS_PER_SECOND;
}

/** The last component of a path with either separator (the name the type comes from). */
export function baseName(fsPath: string): string {
  const i = Math.max(fsPath.lastIndexOf("/"), fsPath.lastIndexOf("\\"));
  return fsPath.slice(i + 1);
}
