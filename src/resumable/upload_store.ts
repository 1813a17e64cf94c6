/**
 * The one store of resumable uploads, whichever protocol created them: per upload, three files
 * in the state folder — `<id>.json` (the record), `<id>.part` (the bytes received so far) and
 * `<id>.lock` (the lease, `file_lease.ts`). The offset is the size of `<id>.part`, so it comes
 * from disk: the same in every worker, the same after a restart, and an interrupted append keeps
 * every byte that reached the disk.
 *
 * Decisions:
 * - The state folder is `<shared folder>/.wireserve-uploads` unless `--resumable-dir` moves it:
 *   `src/files/` never serves, lists or writes that name, and on the shared folder's file system
 *   the finished file is published by rename — no copy. It is made 0700, and refused when the
 *   shared folder really reaches it (`state_folder_guard.ts`).
 * - A state folder removed while the server runs (a temp cleaner) is made again by the next
 *   creation, checked as at start; the uploads that were in it are gone (not found).
 * - refuse: the state folder inside the share is used only while it is a real folder, looked at
 *   with lstat at every use — every path of an upload's files comes from `path`, which looks
 *   first — not only when it is made: anyone who writes in the share can swap it for a link at any
 *   time, and the uploads' files were then created, appended to, renamed and removed wherever the
 *   link led (`src/app/state_folder.ts`). A link or a file there throws `StateFolderNotReal`, which
 *   the handlers let through: a 500, the path in the server's log. `--resumable-dir` is the
 *   operator's, taken as given (`store_location.ts`).
 * - A record is written to a temp name and renamed, so a crash leaves the old record or the new
 *   one, never half of one; it is written last at creation (a record means a complete set).
 * - The offset counts verified bytes only: a checksummed append marks in the record where its
 *   bytes begin (`markUnverified`) and clears the mark with its verdict; a mark found by the
 *   next holder of the lease is a crash's, and `settle` cuts the data file back to it before the
 *   offset is read (`readHeld` for offset retrieval, the append itself, the sweep).
 * - Expiry: an incomplete upload expires `expiryMs` after its last byte arrived (the data file's
 *   mtime) or its creation; a complete one `expiryMs` after it completed (its record is kept so
 *   a client that missed the last answer can still ask, as the draft recommends). Expired uploads
 *   are not found, and are removed by the sweep (`store_sweep.ts`, at start and periodically).
 *   The store has no whole-folder read, so nothing a request does reads the folder: completed
 *   records pile up until their expiry.
 * - Caps: at most `maxUploads` incomplete uploads and `maxBytes` reserved by them (the declared
 *   length, or the bytes so far when none was declared), kept by the server-wide ledger
 *   (`upload_usage.ts`): a creation reserves its place there before any file exists, and
 *   completion, termination and the bytes of an upload of unknown length are reported to it. An
 *   upload of unknown length asks for its room before each append (`room`), so its data never
 *   passes `maxBytes` either.
 *
 * This module must not know about HTTP.
 * @module
 */

import { join } from "node:path";
import { stateFolderExists } from "../app/state_folder.ts";
import { FileLease } from "./file_lease.ts";
import { decodeRecord, encodeRecord, isUploadId, type UploadRecord } from "./upload_record.ts";
import { prepareStateFolder } from "./state_folder_guard.ts";
import type { CreateRefusal, UsageLedger } from "./usage_ledger.ts";

/** How the store is bounded. */
export interface StoreLimits {
  /** How long an untouched incomplete upload (or a completed record) is kept, in ms. */
  expiryMs: number;
  /** Most incomplete uploads at once. */
  maxUploads: number;
  /** Most bytes reserved by incomplete uploads at once. */
  maxBytes: number;
}

/** File-system work a store did, for tests: what one request costs must not grow with it. */
export interface StoreWork {
  /** Directory entries read (whole-folder scans, `store_sweep.ts`). */
  entriesRead: number;
  /** Records read. */
  recordsRead: number;
}

/** Resumable uploads on disk. */
export class UploadStore {
  readonly dir: string;
  readonly limits: StoreLimits;
  /** What this store has read so far (see {@link StoreWork}). */
  readonly work: StoreWork = { entriesRead: 0, recordsRead: 0 };
  #now: () => number;
  #sharedRoot: string | null;
  #usage: UsageLedger | null;
  #inShare: boolean;
  #ready: Promise<void> | null = null;

  /**
   * `sharedRoot`: the shared folder, when the store must refuse to work inside it (see
   * `state_folder_guard.ts`); null for a store that only sweeps. `usage`: the server-wide
   * ledger of the caps, which a store that creates uploads must have. `inShare`: `dir` is the
   * reserved folder inside the share (`stateFolderInShare`), used only while it is a real folder.
   */
  constructor(
    dir: string,
    limits: StoreLimits,
    now: () => number = Date.now,
    sharedRoot: string | null = null,
    usage: UsageLedger | null = null,
    inShare = false,
  ) {
    this.dir = dir;
    this.limits = limits;
    this.#now = now;
    this.#sharedRoot = sharedRoot;
    this.#usage = usage;
    this.#inShare = inShare;
  }

  /**
   * Throws `StateFolderNotReal` when the folder is the share's and something else than a real
   * folder stands there (see the module doc); a missing folder passes (what is in it is gone).
   */
  checkFolder(): void {
    if (this.#inShare) stateFolderExists(this.dir);
  }

  /** The path of `name` in the folder, once the folder is looked at (`checkFolder`). */
  path(name: string): string {
    this.checkFolder();
    return join(this.dir, name);
  }

  /** The data file of `id`. */
  partPath(id: string): string {
    return this.path(`${id}.part`);
  }

  /** The lock file of `id` (its lease, `file_lease.ts`). */
  lockPath(id: string): string {
    return this.path(`${id}.lock`);
  }

  /**
   * Makes the state folder (once). Throws `StateFolderServed` when it really lies inside
   * the shared folder (checked again on every later call).
   */
  ready(): Promise<void> {
    this.#ready ??= prepareStateFolder(this.dir, this.#sharedRoot, this.#inShare).catch((err) => {
      this.#ready = null;
      throw err;
    });
    return this.#ready;
  }

  /**
   * Stores a new upload with no data yet, unless a cap refuses it. The place is reserved in the
   * ledger first (atomic for the whole server; it never reads the folder unless at a cap, see
   * `upload_usage.ts`) and given back when the files cannot be written. `uncapped`: an upload
   * that is complete the moment it exists (tus `Upload-Length: 0`) takes no place: the caps
   * bound unfinished uploads, and it never is one.
   */
  async create(record: UploadRecord, uncapped = false): Promise<CreateRefusal | null> {
    await this.ready();
    const usage = this.#ledger();
    const refused = uncapped ? null : await usage.reserve(record.id, record.length ?? 0);
    if (refused !== null) return refused;
    try {
      try {
        await this.#writeNewUpload(record);
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
        // The folder went while we ran (a temp cleaner): make it again by the same rules as at
        // start (0700, refused when served) rather than fail every creation until a restart.
        // The uploads whose files went with it are simply gone.
        this.#ready = null;
        await this.ready();
        await this.#writeNewUpload(record);
      }
      return null;
    } catch (err) {
      // The place goes back even when the files cannot be removed (a state folder swapped for a
      // link holds none of them).
      await this.remove(record.id).catch(() => this.#usage?.release(record.id)).catch(() => {});
      throw err;
    }
  }

  /** The files of a new upload, the record last (a record means a complete set). */
  async #writeNewUpload(record: UploadRecord): Promise<void> {
    // createNew: a fresh id names no file yet, and a name made meanwhile is never opened through
    await Deno.writeFile(this.lockPath(record.id), new Uint8Array(0), { createNew: true });
    await Deno.writeFile(this.partPath(record.id), new Uint8Array(0), { createNew: true });
    await this.#writeRecord(record);
  }

  /** The record of `id`, or null when there is none (never made, removed, expired, corrupt). */
  async read(id: string): Promise<UploadRecord | null> {
    if (!isUploadId(id)) return null;
    let text: string;
    this.work.recordsRead++;
    const path = this.path(`${id}.json`);
    try {
      text = await Deno.readTextFile(path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return null;
      throw err;
    }
    const record = decodeRecord(text);
    if (record === null || record.id !== id) return null;
    return (await this.#expiresAt(record)) <= this.#now() ? null : record;
  }

  /**
   * The record of `id` whatever its age, or null: for a caller that judges expiry itself from a
   * stat it needs anyway — an append (`expired`), saving a file-system call per append, and the
   * sweep (`store_sweep.ts`).
   */
  readUnchecked(id: string): Promise<UploadRecord | null> {
    return Promise.resolve(isUploadId(id) ? this.#readAny(id) : null);
  }

  /** Whether `record`, whose data file was last written at `mtimeMs`, has expired. */
  expired(record: UploadRecord, mtimeMs: number): boolean {
    const last = record.completedMs ?? Math.max(record.createdMs, mtimeMs);
    return last + this.limits.expiryMs <= this.#now();
  }

  /**
   * The record of `id` for a request that holds its lease: `read`, then `settle` (what a crash
   * left unverified is cut off before anyone sees the offset); null as for `read`.
   */
  async readHeld(id: string): Promise<UploadRecord | null> {
    const record = await this.read(id);
    return record === null ? null : await this.settle(record);
  }

  /**
   * Marks the bytes `record`'s data file gets from offset `from` on as not verified yet
   * (`UploadRecord.unverifiedFrom`), in the record on disk, before a checksummed append writes
   * them; returns the marked record. The append clears the mark with `update` once they are
   * verified, or with `settle` once it cut them off. Hold the lease.
   */
  async markUnverified(record: UploadRecord, from: number): Promise<UploadRecord> {
    const marked = { ...record, unverifiedFrom: from };
    await this.#writeRecord(marked);
    return marked;
  }

  /**
   * `record` with no unverified bytes: when it still marks some (`UploadRecord.unverifiedFrom`:
   * the append that wrote them never finished, a crash), the data file is cut back to the mark,
   * then the record saved without it — in that order, so a crash in between leaves the mark to
   * act on again — and the ledger told what the upload holds now. Unmarked, it comes back as it
   * is (no file-system call). Hold the lease: only then is a mark surely nobody's work in
   * progress.
   */
  async settle(record: UploadRecord): Promise<UploadRecord> {
    const from = record.unverifiedFrom;
    if (from === null) return record;
    let held = from;
    if (record.completedMs === null) {
      let file: Deno.FsFile;
      try {
        file = await Deno.open(this.partPath(record.id), { write: true });
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) return record; // the data is gone: so is the upload
        throw err;
      }
      try {
        const size = (await file.stat()).size;
        if (size > from) await file.truncate(from);
        held = Math.min(size, from);
      } finally {
        file.close();
      }
    }
    const settled = { ...record, unverifiedFrom: null };
    await this.#writeRecord(settled);
    if (record.completedMs === null) await this.received(settled, held);
    return settled;
  }

  /** Bytes received so far (the data file's size); for a complete upload, its length. */
  async offset(record: UploadRecord): Promise<number> {
    if (record.completedMs !== null) return record.length ?? 0;
    return (await Deno.stat(this.partPath(record.id))).size;
  }

  /** When `record` expires (ms since epoch). */
  async expiresAt(record: UploadRecord): Promise<number> {
    return await this.#expiresAt(record);
  }

  /**
   * Takes the lease of `id`, waiting up to `waitMs`; null when still held by another. `ask`
   * "cancel" tells a holder that can give way that the upload is being removed, so it stops at
   * once (`file_lease.ts`).
   */
  async lease(
    id: string,
    waitMs: number,
    ask: "wanted" | "cancel" = "wanted",
  ): Promise<FileLease | null> {
    // refuse: an id from the URL names a file in the state folder; anything but an id's shape
    // (a 2 KiB name is ENAMETOOLONG, a 500) is an upload that does not exist.
    if (!isUploadId(id)) throw new Deno.errors.NotFound("No such upload");
    return await FileLease.acquire(this.lockPath(id), waitMs, false, ask);
  }

  /**
   * Saves a changed record (the length learnt late, completion) and tells the ledger: a
   * completed upload leaves the caps, a length learnt late is what it reserves now. Hold the
   * lease.
   */
  async update(record: UploadRecord): Promise<void> {
    await this.#writeRecord(record);
    if (record.completedMs !== null) await this.#usage?.release(record.id);
    else if (record.length !== null) await this.#usage?.resize(record.id, record.length);
  }

  /**
   * Upload `record`, of unknown length on disk, is about to receive bytes for a `length` its
   * appending request declares, which it takes only if the append succeeds (`update`): the
   * ledger reserves that length meanwhile, as it would once saved. A refused or failed append
   * gives it back with {@link received}. Hold the lease.
   */
  async reserveLength(record: UploadRecord, length: number): Promise<void> {
    if (record.length === null) await this.#usage?.resize(record.id, length);
  }

  /**
   * Upload `record`, of unknown length, now holds `bytes`: what it reserves grows with them.
   * Hold the lease.
   */
  async received(record: UploadRecord, bytes: number): Promise<void> {
    if (record.length === null) await this.#usage?.resize(record.id, bytes);
  }

  /**
   * Upload `record`, of unknown length, is about to grow to at most `bytes`: the most it may
   * hold under the bytes cap (at least what it holds). Follow with {@link received} to give back
   * what it did not use. Hold the lease.
   */
  async room(record: UploadRecord, bytes: number): Promise<number> {
    if (record.length !== null || this.#usage === null) return bytes;
    return await this.#usage.extend(record.id, bytes);
  }

  /** Removes every file of `id` (hold its lease, or know nobody does). Never throws NotFound. */
  async remove(id: string): Promise<void> {
    // The record first: from then on the upload is not found, whatever is left behind.
    // The last, the waiters' marks (file_lease.ts): a waiter may still leave one after the removal.
    for (const suffix of [".json", ".part", ".lock", ".lock.wanted", ".lock.cancel"]) {
      await Deno.remove(this.path(`${id}${suffix}`)).catch((err) => {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      });
    }
    await this.#usage?.release(id);
  }

  async #expiresAt(record: UploadRecord): Promise<number> {
    if (record.completedMs !== null) return record.completedMs + this.limits.expiryMs;
    let last = record.createdMs;
    try {
      last = Math.max(last, (await Deno.stat(this.partPath(record.id))).mtime?.getTime() ?? 0);
    } catch {
      return 0; // the data is gone: the state is lost, the upload is over
    }
    return last + this.limits.expiryMs;
  }

  /** A record whatever its age. */
  #readAny(id: string): UploadRecord | null {
    this.work.recordsRead++;
    try {
      // Synchronous: a record is a few hundred bytes in the local state folder, read on every
      // PATCH, and the async pool's round trip cost more than the read (see file_lease.ts).
      const record = decodeRecord(Deno.readTextFileSync(this.path(`${id}.json`)));
      return record?.id === id ? record : null;
    } catch {
      return null;
    }
  }

  #ledger(): UsageLedger {
    if (this.#usage === null) throw new Error("Cannot create an upload: the store has no ledger");
    return this.#usage;
  }

  async #writeRecord(record: UploadRecord): Promise<void> {
    const path = this.path(`${record.id}.json`);
    const temp = `${path}.${crypto.randomUUID()}.tmp`;
    try {
      // createNew: a temp name is new; one made meanwhile (a link) is never written through
      await Deno.writeTextFile(temp, encodeRecord(record), { createNew: true });
      await Deno.rename(temp, path);
    } catch (err) {
      await Deno.remove(temp).catch(() => {});
      throw err;
    }
  }
}

/**
 * The `catch` of a {@link UploadStore.lease} that failed: the upload does not exist (undefined,
 * answered 404). Anything else goes on — out of descriptors above all (503), or an I/O error
 * (500): an upload that exists must not be reported gone, which would make a client start over.
 */
export function missingLease(err: unknown): undefined {
  if (err instanceof Deno.errors.NotFound) return undefined;
  throw err;
}
