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
 *   on load. Writes are never concurrent: a change made while one is on its way waits for the
 *   next, which carries every change made meanwhile (a burst of LOCKs costs two writes, not one
 *   each).
 * - What: a journal (JSON lines): the table whole — a header line, then one `put` line per lock
 *   — followed by one line per change since (`{"put":…}` a lock taken or refreshed, `{"drop":…}`
 *   a token released). A change appends its line; rewriting the whole table for each made filling
 *   it quadratic (10,000 LOCKs took 82 s, 20 ms each at the cap). Once the lines appended weigh
 *   as much as the table (256 KiB at least), the next change writes the table whole instead, so a
 *   change costs O(1) amortised and the file stays under twice the table. So does the first
 *   change after a start, a release (which drops locks by path), and any change after a failed
 *   write (which may have left a torn line).
 * - How: a whole write is a temp file + rename, so a reader (the next start) sees the old file or
 *   the new one, never half; an append that a crash cuts leaves a last line without its newline,
 *   which the load ignores (that change was never answered). No fsync: the file must outlive the
 *   process, as a saved upload does. A version 1 file (the table as one JSON object, stop 36) is
 *   still read.
 * - Bounded: the table holds at most 10,000 locks and 1 MiB of owners (`lock_table.ts`), and a
 *   root is a path the file system holds (4 KiB), so the table stays under about 45 MB and the file
 *   under twice that; loading refuses a file past {@link MAX_LOCK_STORE_BYTES} without reading it.
 * - Tolerant: a file that is not ours (unreadable, not JSON, another version, too large) starts
 *   the server with no locks and one warning; a saved lock that is malformed, or that conflicts
 *   with one put back before it, is left out (counted in the same warning). Never a crash.
 * - A write that fails (disk full, permissions) is told once on stderr until one succeeds; the
 *   request is still answered: the lock holds in memory, as it did before locks were saved.
 * - refuse: the share root's `.wireserve-dav` is used only while it is a real folder, and the file
 *   only as a plain file standing in it (`src/app/state_folder.ts`, `state_files.ts`): anyone who
 *   writes in the share could put a link there, and the locks (owners' names and addresses) were
 *   written, and appended, wherever it led. A link or a file in the folder's place is a failed save
 *   (told once, as above) and, at start, a file not read (one warning); a link in the file's
 *   place is replaced by the next whole write (a rename replaces the link, not what it leads to).
 *
 * This module must not know about HTTP or XML.
 * @module
 */

import { basename, dirname, join } from "node:path";
import { DAV_PROPS_FOLDER } from "../app/reserved_names.ts";
import { makeStateFolder, stateFolderExists, StateFolderNotReal } from "../app/state_folder.ts";
import { tempNameFor } from "../app/temp_name.ts";
import { openPlainFile, plainFileInfo } from "./state_files.ts";
import type { LockInfo, LockTable } from "./lock_table.ts";

/** The file's name inside the share root's `.wireserve-dav` (records there are `self`, `p-*`). */
export const LOCK_STORE_NAME = "locks.json";
/** The format written (a journal); version 1 files are read too, others not. */
export const LOCK_STORE_VERSION = 2;
/** The whole-object format of stop 36, still read. */
const WHOLE_OBJECT_VERSION = 1;
/** Largest file the start reads (see the module doc for why the file stays well under it). */
export const MAX_LOCK_STORE_BYTES = 128 * 1024 * 1024;
/** The journal may grow by this much before it is compacted, however small the table. */
export const MIN_JOURNAL_BYTES = 256 * 1024;
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
    // refuse: read only from a real folder, and a plain file there (see the module doc)
    const info = stateFolderExists(dirname(path)) ? plainFileInfo(path) : null;
    if (info === null) return { locks: [], problem: "" };
    if (info.size > MAX_LOCK_STORE_BYTES) {
      return { locks: [], problem: `is larger than ${MAX_LOCK_STORE_BYTES} bytes` };
    }
    text = Deno.readTextFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { locks: [], problem: "" };
    if (err instanceof StateFolderNotReal) {
      return {
        locks: [],
        problem: "was not read: a symbolic link or another kind of file stands where its folder, " +
          "or the file, should be",
      };
    }
    return { locks: [], problem: `could not be read (${errorMessage(err)})` };
  }
  const firstEnd = text.indexOf("\n");
  const header = parseJson(firstEnd < 0 ? text : text.slice(0, firstEnd)) as
    | { version?: unknown; locks?: unknown }
    | null
    | undefined;
  if (header === undefined) return { locks: [], problem: "is not valid JSON" };
  const entries: LockChangeLine[] = [];
  if (header?.version === WHOLE_OBJECT_VERSION && Array.isArray(header.locks)) {
    for (const lock of header.locks) entries.push({ put: lock });
  } else if (header?.version === LOCK_STORE_VERSION && firstEnd >= 0) {
    // A last line without its newline is an append a crash cut: its change was never answered.
    const lines = text.slice(firstEnd + 1).split("\n");
    lines.pop();
    for (const line of lines) entries.push((parseJson(line) ?? null) as LockChangeLine);
  } else {
    return { locks: [], problem: `is not a lock file this server writes` };
  }
  const live = new Map<string, LockInfo>();
  let malformed = 0;
  for (const entry of entries) {
    if (typeof entry?.drop === "string" && !("put" in entry)) {
      live.delete(entry.drop);
      continue;
    }
    const lock = entry !== null && typeof entry === "object" ? savedLock(entry.put, nowMs) : null;
    if (lock === null) malformed++;
    else live.set(lock.token, lock);
  }
  const locks = [...live.values()].filter((lock) => lock.expiresAtMs > nowMs);
  return { locks, problem: malformed === 0 ? "" : `held ${malformed} malformed locks` };
}

/** One line of the journal after its header. */
type LockChangeLine = { put?: unknown; drop?: unknown } | null;

/** `JSON.parse(text)`, or undefined when it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
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

/** The bytes of a whole file for `locks`: the header line, then one `put` line each. */
export function encodeLocks(locks: readonly LockInfo[]): Uint8Array {
  const lines = [JSON.stringify({ version: LOCK_STORE_VERSION })];
  for (const lock of locks) lines.push(JSON.stringify({ put: lock }));
  return encoder.encode(lines.join("\n") + "\n");
}

/** A change to save: a lock taken or refreshed, a token released, or null (write it whole). */
export type LockChange = { put: LockInfo } | { drop: string } | null;

/** Replaces the file at `path` with `bytes`, atomically (temp file + rename). */
export async function writeLockStore(path: string, bytes: Uint8Array): Promise<void> {
  const folder = dirname(path);
  // refuse: never through a folder that is not a real one (StateFolderNotReal); the share root
  // exists, so the folder is made alone
  await makeStateFolder(folder);
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
 * Appends `bytes` to the journal at `path`; NotFound when there is no plain file to append to
 * (the table written whole then replaces whatever holds the name).
 */
async function appendLockStore(path: string, bytes: Uint8Array): Promise<void> {
  stateFolderExists(dirname(path)); // refuse: StateFolderNotReal (see the module doc)
  let file: Deno.FsFile | null;
  try {
    file = await openPlainFile(path, { append: true });
  } catch (err) {
    // refuse: a link (or a FIFO) in the file's place is never appended through
    if (!(err instanceof StateFolderNotReal)) throw err;
    file = null;
  }
  if (file === null) throw new Deno.errors.NotFound(`No lock file to append to: "${path}"`);
  try {
    for (let at = 0; at < bytes.length;) at += await file.write(bytes.subarray(at));
  } finally {
    file.close();
  }
}

/**
 * Saves the changes of a lock table to one file, one write at a time (see the module doc). `save`
 * resolves once the change (and every change before it) is on disk, or its write failed and was
 * told.
 */
export class LockStore {
  readonly path: string;
  #snapshot: () => readonly LockInfo[];
  #warn: (line: string) => void;
  /** The last write asked for; the next one starts after it. */
  #tail: Promise<void> = Promise.resolve();
  /** A write asked for but not started: a change made now rides on it. */
  #queued: Promise<void> | null = null;
  /** The lines of the changes that ride on the queued write. */
  #lines: string[] = [];
  /** Whether the next write must be the table whole (see the module doc for when). */
  #whole = true;
  /** Bytes appended since the last whole write, and how many that may grow to. */
  #appended = 0;
  #appendLimit = MIN_JOURNAL_BYTES;
  #failing = false;

  constructor(path: string, snapshot: () => readonly LockInfo[], warn: (line: string) => void) {
    this.path = path;
    this.#snapshot = snapshot;
    this.#warn = warn;
  }

  /** Saves `change` once the write in progress (if any) is done. Never rejects. */
  save(change: LockChange): Promise<void> {
    // Encoded now: a refreshed lock is saved as it is at this change, not as a later one leaves it.
    if (change === null) this.#whole = true;
    else this.#lines.push(JSON.stringify(change) + "\n");
    if (this.#queued !== null) return this.#queued;
    const queued = this.#tail.then(() => {
      // From here on a change needs the next write: these lines, and a wish for the table whole,
      // are taken now (a release asked for while this write runs is the next write's).
      this.#queued = null;
      const bytes = encoder.encode(this.#lines.join(""));
      this.#lines = [];
      const whole = this.#whole || this.#appended + bytes.length > this.#appendLimit;
      this.#whole = false;
      if (whole) return this.#writeWhole();
      return this.#write(async () => {
        try {
          await appendLockStore(this.path, bytes);
          this.#appended += bytes.length;
        } catch (err) {
          // The file went (removed by hand): the table whole makes a new one.
          if (!(err instanceof Deno.errors.NotFound)) throw err;
          await this.#wholeNow();
        }
      });
    });
    this.#queued = queued;
    this.#tail = queued;
    return queued;
  }

  #writeWhole(): Promise<void> {
    return this.#write(() => this.#wholeNow());
  }

  /** Writes the table whole; its snapshot is taken before the first await. */
  async #wholeNow(): Promise<void> {
    const bytes = encodeLocks(this.#snapshot());
    await writeLockStore(this.path, bytes);
    this.#appended = 0;
    this.#appendLimit = Math.max(MIN_JOURNAL_BYTES, bytes.length);
  }

  async #write(op: () => Promise<void>): Promise<void> {
    try {
      await op();
      this.#failing = false;
    } catch (err) {
      // An append may have left a torn line, a whole write nothing: the next change writes whole.
      this.#whole = true;
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
  const realRoot = e.realRoot;
  if (realRoot !== undefined && (typeof realRoot !== "string" || !isResourcePath(realRoot))) {
    return null;
  }
  if (e.depth !== "0" && e.depth !== "infinity") return null;
  if (e.scope !== "exclusive" && e.scope !== "shared") return null;
  if (typeof e.owner !== "string") return null;
  const timeout = e.timeoutSeconds;
  if (typeof timeout !== "number" || !Number.isSafeInteger(timeout) || timeout < 1) return null;
  if (typeof e.expiresAtMs !== "number" || !Number.isFinite(e.expiresAtMs)) return null;
  return {
    token: e.token,
    root: e.root,
    ...(realRoot === undefined || realRoot === e.root ? {} : { realRoot }),
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
