/**
 * The lock table on disk, so a restart keeps every unexpired lock with its token (RFC 4918 §6.5
 * leaves a lock's life to its timeout, not to the server's). davfs2 keeps using the token it got
 * before a restart; with the table emptied its save was refused (412), its UNLOCK too (409), and
 * it moved the user's edit to `lost+found`. Apache keeps its locks in a database for this reason.
 *
 * Decisions:
 * - Where: `<share>/.wireserve-dav/locks.json`, in the share root's dead-property folder — a
 *   reserved name (`src/app/reserved_names.ts`) no client can list, read, write, copy or zip, and
 *   the share root can be neither moved nor deleted. `--read-only` offers no locking, so it
 *   neither reads nor writes the file.
 * - When: every change (a lock taken, refreshed, released) is written before it is answered, so
 *   a restart right after a 201 keeps that lock. Expiry is not written: an expired lock is dropped
 *   on load. Writes are whole snapshots, never concurrent: a change made while one is on its way
 *   waits for the next, which carries every change made meanwhile (a burst of LOCKs costs two
 *   writes, not one each).
 * - How: temp file + rename, so a reader (the next start) sees the old snapshot or the new one,
 *   never half. No fsync: the file must outlive the process, as a saved upload does.
 * - Bounded: the table holds at most 10,000 locks and 1 MiB of owners (`lock_table.ts`), and a
 *   root is a path the file system holds (4 KiB), so the file stays under about 45 MB; loading
 *   refuses a file past {@link MAX_LOCK_STORE_BYTES} without reading it.
 * - Tolerant: a file that is not ours (unreadable, not JSON, another version, too large) starts
 *   the server with no locks and one warning; a saved lock that is malformed, or that conflicts
 *   with one put back before it, is left out (counted in the same warning). Never a crash.
 * - A write that fails (disk full, permissions) is told once on stderr until one succeeds; the
 *   request is still answered: the lock holds in memory, as it did before locks were saved.
 *
 * This module must not know about HTTP or XML.
 * @module
 */

import { basename, dirname, join } from "node:path";
import { DAV_PROPS_FOLDER } from "../app/reserved_names.ts";
import { tempNameFor } from "../app/temp_name.ts";
import type { LockInfo, LockTable } from "./lock_table.ts";

/** The file's name inside the share root's `.wireserve-dav` (records there are `self`, `p-*`). */
export const LOCK_STORE_NAME = "locks.json";
/** The format written; a file of another version is not read. */
export const LOCK_STORE_VERSION = 1;
/** Largest file the start reads (see the module doc for why the table stays well under it). */
export const MAX_LOCK_STORE_BYTES = 64 * 1024 * 1024;
/** The file's mode: lock owners (names, mail addresses) are nobody else's to read. */
const LOCK_STORE_MODE = 0o600;
const MS_PER_SECOND = 1000;
const TOKEN = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const encoder = new TextEncoder();

/** Where the locks of the share at `root` (an absolute path) are kept. */
export function lockStorePath(root: string): string {
  return join(root, DAV_PROPS_FOLDER, LOCK_STORE_NAME);
}

/** What a start found on disk: the locks to put back, and the operator's warning, if any. */
export interface LoadedLocks {
  locks: LockInfo[];
  /** Why some or all of the file was left out ("" when nothing was). */
  problem: string;
}

/**
 * Reads the locks saved at `path` that are still live at `nowMs` (synchronously: once, at start,
 * before any request). A missing file is no locks and no problem.
 */
export function readLockStore(path: string, nowMs: number): LoadedLocks {
  let text: string;
  try {
    if (Deno.statSync(path).size > MAX_LOCK_STORE_BYTES) {
      return { locks: [], problem: `is larger than ${MAX_LOCK_STORE_BYTES} bytes` };
    }
    text = Deno.readTextFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { locks: [], problem: "" };
    return { locks: [], problem: `could not be read (${errorMessage(err)})` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { locks: [], problem: "is not valid JSON" };
  }
  const file = parsed as { version?: unknown; locks?: unknown } | null;
  if (file?.version !== LOCK_STORE_VERSION || !Array.isArray(file.locks)) {
    return { locks: [], problem: `is not a version ${LOCK_STORE_VERSION} lock file` };
  }
  const locks: LockInfo[] = [];
  let malformed = 0;
  for (const entry of file.locks) {
    const lock = savedLock(entry, nowMs);
    if (lock === null) malformed++;
    else if (lock.expiresAtMs > nowMs) locks.push(lock);
  }
  return { locks, problem: malformed === 0 ? "" : `held ${malformed} malformed locks` };
}

/**
 * Fills `table` with the locks saved at `path`; returns the warning line for the operator, or ""
 * when the file was read whole (or there was none).
 */
export function restoreLocks(table: LockTable, path: string, nowMs: number): string {
  const { locks, problem } = readLockStore(path, nowMs);
  let refused = 0;
  for (const lock of locks) if (!table.restore(lock)) refused++;
  const problems = [problem, refused === 0 ? "" : `held ${refused} locks the others refuse`]
    .filter((p) => p !== "");
  if (problems.length === 0) return "";
  return `wireserve: warning: the WebDAV lock file "${path}" ${
    problems.join(" and ")
  }; those locks were dropped`;
}

/** The bytes of the file for `locks`. */
export function encodeLocks(locks: readonly LockInfo[]): Uint8Array {
  return encoder.encode(JSON.stringify({ version: LOCK_STORE_VERSION, locks }));
}

/** Replaces the file at `path` with `bytes`, atomically (temp file + rename). */
export async function writeLockStore(path: string, bytes: Uint8Array): Promise<void> {
  const folder = dirname(path);
  await Deno.mkdir(folder, { recursive: true });
  // A temp name the uploads' start-up sweep removes should a crash leave it behind.
  const temp = join(folder, tempNameFor(basename(path)));
  try {
    // createNew: never open (and truncate) a file someone else made under this name
    await Deno.writeFile(temp, bytes, { createNew: true, mode: LOCK_STORE_MODE });
    await Deno.rename(temp, path);
  } catch (err) {
    await Deno.remove(temp).catch(() => {});
    throw err;
  }
}

/**
 * Saves snapshots of a lock table to one file, one write at a time (see the module doc). `save`
 * resolves once a snapshot taken after the call is on disk, or its write failed and was told.
 */
export class LockStore {
  readonly path: string;
  #snapshot: () => readonly LockInfo[];
  #warn: (line: string) => void;
  /** The last write asked for; the next one starts after it. */
  #tail: Promise<void> = Promise.resolve();
  /** A write asked for but not started: a change made now rides on it. */
  #queued: Promise<void> | null = null;
  #failing = false;

  constructor(path: string, snapshot: () => readonly LockInfo[], warn: (line: string) => void) {
    this.path = path;
    this.#snapshot = snapshot;
    this.#warn = warn;
  }

  /** Writes the table as it is once the write in progress (if any) is done. Never rejects. */
  save(): Promise<void> {
    if (this.#queued !== null) return this.#queued;
    const queued = this.#tail.then(() => {
      this.#queued = null; // from here on a change needs the next write: this snapshot is taken
      return this.#write(encodeLocks(this.#snapshot()));
    });
    this.#queued = queued;
    this.#tail = queued;
    return queued;
  }

  async #write(bytes: Uint8Array): Promise<void> {
    try {
      await writeLockStore(this.path, bytes);
      this.#failing = false;
    } catch (err) {
      if (this.#failing) return; // told once per run of failures, not once per LOCK
      this.#failing = true;
      this.#warn(
        `wireserve: warning: saving the WebDAV locks to "${this.path}" failed (${
          errorMessage(err)
        }); they hold until the server stops`,
      );
    }
  }
}

/** The lock `entry` of a saved file, or null when it is not a lock this server could have made. */
function savedLock(entry: unknown, nowMs: number): LockInfo | null {
  const e = entry as Partial<Record<keyof LockInfo, unknown>> | null;
  if (typeof e !== "object" || e === null) return null;
  if (typeof e.token !== "string" || !TOKEN.test(e.token)) return null;
  if (typeof e.root !== "string" || !isResourcePath(e.root)) return null;
  if (e.depth !== "0" && e.depth !== "infinity") return null;
  if (e.scope !== "exclusive" && e.scope !== "shared") return null;
  if (typeof e.owner !== "string") return null;
  const timeout = e.timeoutSeconds;
  if (typeof timeout !== "number" || !Number.isSafeInteger(timeout) || timeout < 1) return null;
  if (typeof e.expiresAtMs !== "number" || !Number.isFinite(e.expiresAtMs)) return null;
  return {
    token: e.token,
    root: e.root,
    depth: e.depth,
    scope: e.scope,
    owner: e.owner,
    timeoutSeconds: timeout,
    // A clock set back since the save must not stretch a lock past the timeout it was granted.
    expiresAtMs: Math.min(e.expiresAtMs, nowMs + timeout * MS_PER_SECOND),
  };
}

/** Whether `path` has the form of the table's paths: "/" or "/a/b", no empty, "." or ".." segment. */
function isResourcePath(path: string): boolean {
  if (path === "/") return true;
  if (!path.startsWith("/") || path.includes("\0")) return false;
  return path.slice(1).split("/").every((s) => s !== "" && s !== "." && s !== "..");
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
