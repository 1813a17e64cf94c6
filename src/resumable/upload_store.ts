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
 *   the finished file is published by rename — no copy. It is made 0700.
 * - A record is written to a temp name and renamed, so a crash leaves the old record or the new
 *   one, never half of one; it is written last at creation (a record means a complete set).
 * - Expiry: an incomplete upload expires `expiryMs` after its last byte arrived (the data file's
 *   mtime) or its creation; a complete one `expiryMs` after it completed (its record is kept so
 *   a client that missed the last answer can still ask, as the draft recommends). Expired uploads
 *   are removed by `sweep` (at start and periodically) and are not found meanwhile. Nothing a
 *   request does reads the whole folder: completed records pile up until their expiry.
 * - Caps: at most `maxUploads` incomplete uploads and `maxBytes` reserved by them (the declared
 *   length, or the bytes so far when none was declared), kept by the server-wide ledger
 *   (`upload_usage.ts`): a creation reserves its place there before any file exists, and
 *   completion, termination and the bytes of an upload of unknown length are reported to it.
 *
 * This module must not know about HTTP.
 * @module
 */

import { join } from "node:path";
import { FileLease } from "./file_lease.ts";
import { decodeRecord, encodeRecord, isUploadId, type UploadRecord } from "./upload_record.ts";
import { StateFolderServed, stateFolderServed } from "./state_folder_guard.ts";
import type { CreateRefusal, UsageLedger } from "./upload_usage.ts";

/** How the store is bounded. */
export interface StoreLimits {
  /** How long an untouched incomplete upload (or a completed record) is kept, in ms. */
  expiryMs: number;
  /** Most incomplete uploads at once. */
  maxUploads: number;
  /** Most bytes reserved by incomplete uploads at once. */
  maxBytes: number;
}

/** An incomplete upload as the caps see it. */
export interface UploadStanding {
  /** What it reserves: its declared length, or the bytes so far when none was declared. */
  bytes: number;
  /** When it expires unless more bytes arrive (ms since epoch). */
  expiresMs: number;
}

/** File-system work a store did, for tests: what one request costs must not grow with it. */
export interface StoreWork {
  /** Directory entries read (whole-folder scans). */
  entriesRead: number;
  /** Records read. */
  recordsRead: number;
}

const STATE_FOLDER_MODE = 0o700;
const SUFFIXES = [".part", ".json", ".lock"] as const;

/** Resumable uploads on disk. */
export class UploadStore {
  readonly dir: string;
  readonly limits: StoreLimits;
  /** What this store has read so far (see {@link StoreWork}). */
  readonly work: StoreWork = { entriesRead: 0, recordsRead: 0 };
  #now: () => number;
  #sharedRoot: string | null;
  #usage: UsageLedger | null;
  #ready: Promise<void> | null = null;

  /**
   * `sharedRoot`: the shared folder, when the store must refuse to work inside it (see
   * `state_folder_guard.ts`); null for a store that only sweeps. `usage`: the server-wide
   * ledger of the caps, which a store that creates uploads must have.
   */
  constructor(
    dir: string,
    limits: StoreLimits,
    now: () => number = Date.now,
    sharedRoot: string | null = null,
    usage: UsageLedger | null = null,
  ) {
    this.dir = dir;
    this.limits = limits;
    this.#now = now;
    this.#sharedRoot = sharedRoot;
    this.#usage = usage;
  }

  /** The data file of `id`. */
  partPath(id: string): string {
    return join(this.dir, `${id}.part`);
  }

  /**
   * Makes the state folder (once). Throws {@link StateFolderServed} when it really lies inside
   * the shared folder (checked again on every later call).
   */
  ready(): Promise<void> {
    this.#ready ??= this.#prepare().catch((err) => {
      this.#ready = null;
      throw err;
    });
    return this.#ready;
  }

  async #prepare(): Promise<void> {
    await Deno.mkdir(this.dir, { recursive: true, mode: STATE_FOLDER_MODE });
    // refuse: a state folder the shared folder reaches (through a symlink on the way) would
    // publish every partial upload and let a client rewrite its record
    if (this.#sharedRoot !== null && await stateFolderServed(this.dir, this.#sharedRoot)) {
      await Deno.remove(this.dir).catch(() => {}); // not recursive: only if still empty
      throw new StateFolderServed();
    }
  }

  /**
   * Stores a new upload with no data yet, unless a cap refuses it. The place is reserved in the
   * ledger first (atomic for the whole server; it never reads the folder unless at a cap, see
   * `upload_usage.ts`) and given back when the files cannot be written.
   */
  async create(record: UploadRecord): Promise<CreateRefusal | null> {
    await this.ready();
    const usage = this.#ledger();
    const refused = await usage.reserve(record.id, record.length ?? 0);
    if (refused !== null) return refused;
    try {
      await Deno.writeFile(join(this.dir, `${record.id}.lock`), new Uint8Array(0));
      await Deno.writeFile(this.partPath(record.id), new Uint8Array(0), { createNew: true });
      await this.#writeRecord(record);
      return null;
    } catch (err) {
      await this.remove(record.id).catch(() => {});
      throw err;
    }
  }

  /** The record of `id`, or null when there is none (never made, removed, expired, corrupt). */
  async read(id: string): Promise<UploadRecord | null> {
    if (!isUploadId(id)) return null;
    let text: string;
    this.work.recordsRead++;
    try {
      text = await Deno.readTextFile(join(this.dir, `${id}.json`));
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
   * stat it needs anyway (`expired`), saving a file-system call per append.
   */
  readUnchecked(id: string): Promise<UploadRecord | null> {
    return Promise.resolve(isUploadId(id) ? this.#readAny(id) : null);
  }

  /** Whether `record`, whose data file was last written at `mtimeMs`, has expired. */
  expired(record: UploadRecord, mtimeMs: number): boolean {
    const last = record.completedMs ?? Math.max(record.createdMs, mtimeMs);
    return last + this.limits.expiryMs <= this.#now();
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

  /** Takes the lease of `id`, waiting up to `waitMs`; null when still held by another. */
  async lease(id: string, waitMs: number): Promise<FileLease | null> {
    // refuse: an id from the URL names a file in the state folder; anything but an id's shape
    // (a 2 KiB name is ENAMETOOLONG, a 500) is an upload that does not exist.
    if (!isUploadId(id)) throw new Deno.errors.NotFound("No such upload");
    return await FileLease.acquire(join(this.dir, `${id}.lock`), waitMs);
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
   * Upload `record`, of unknown length, now holds `bytes`: what it reserves grows with them.
   * Hold the lease.
   */
  async received(record: UploadRecord, bytes: number): Promise<void> {
    if (record.length === null) await this.#usage?.resize(record.id, bytes);
  }

  /** Removes every file of `id` (hold its lease, or know nobody does). Never throws NotFound. */
  async remove(id: string): Promise<void> {
    // The record first: from then on the upload is not found, whatever is left behind.
    for (const suffix of [".json", ".part", ".lock"]) {
      await Deno.remove(join(this.dir, `${id}${suffix}`)).catch((err) => {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      });
    }
    await this.#usage?.release(id);
  }

  /**
   * Every incomplete, unexpired upload in the folder, read once: the ledger's start
   * (`upload_usage.ts`). The only whole-folder read besides `sweep`.
   */
  async incomplete(): Promise<Array<[string, UploadStanding]>> {
    const out: Array<[string, UploadStanding]> = [];
    try {
      for await (const entry of Deno.readDir(this.dir)) {
        this.work.entriesRead++;
        if (!entry.name.endsWith(".json")) continue;
        const id = entry.name.slice(0, -".json".length);
        if (!isUploadId(id)) continue;
        const standing = await this.standing(id);
        if (standing !== null) out.push([id, standing]);
      }
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return out; // no folder yet: no uploads
      throw err;
    }
    return out;
  }

  /** What incomplete upload `id` reserves and when it expires; null when it is not one now. */
  async standing(id: string): Promise<UploadStanding | null> {
    const record = this.#readAny(id);
    if (record === null || record.completedMs !== null) return null;
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(this.partPath(id));
    } catch {
      return null; // the data is gone: the state is lost, the upload is over
    }
    const expiresMs = Math.max(record.createdMs, info.mtime?.getTime() ?? 0) +
      this.limits.expiryMs;
    if (expiresMs <= this.#now()) return null;
    return { bytes: Math.max(record.length ?? 0, info.size), expiresMs };
  }

  /**
   * Removes expired uploads (those nobody holds the lease of) and leftovers of creations or
   * removals a crash cut short (files without a record, older than the expiry). Returns how many
   * uploads went.
   */
  async sweep(): Promise<number> {
    let removed = 0;
    const now = this.#now();
    const ids = new Set<string>();
    const withRecord = new Set<string>();
    try {
      for await (const entry of Deno.readDir(this.dir)) {
        this.work.entriesRead++;
        const dot = entry.name.indexOf(".");
        const id = dot === -1 ? "" : entry.name.slice(0, dot);
        if (!isUploadId(id)) continue;
        ids.add(id);
        if (entry.name === `${id}.json`) withRecord.add(id);
      }
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return 0;
      throw err;
    }
    for (const id of ids) {
      if (await this.#removeExpired(id, withRecord.has(id), now)) removed++;
    }
    return removed;
  }

  /**
   * Removes upload `id` if it has expired and nobody holds its lease, as `sweep` would; true
   * when an upload (with a record) went. For the ledger, which finds expired uploads without
   * reading the folder (`upload_usage.ts`).
   */
  async sweepOne(id: string): Promise<boolean> {
    return isUploadId(id) && await this.#removeExpired(id, true, this.#now());
  }

  async #removeExpired(id: string, hasRecord: boolean, now: number): Promise<boolean> {
    const record = hasRecord ? this.#readAny(id) : null;
    const expires = record !== null
      ? await this.#expiresAt(record)
      : (await this.#newestMtime(id)) + this.limits.expiryMs;
    if (expires > now) return false;
    // With create: a leftover without a lock file is nobody's (remove() takes the new one too).
    const lease = await FileLease.acquire(join(this.dir, `${id}.lock`), 0, true).catch(() => null);
    if (lease === null) return false; // in use right now: not abandoned after all
    try {
      await this.remove(id);
      return record !== null;
    } finally {
      lease.release();
    }
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

  /** A record whatever its age (for the sweep). */
  #readAny(id: string): UploadRecord | null {
    this.work.recordsRead++;
    try {
      // Synchronous: a record is a few hundred bytes in the local state folder, read on every
      // PATCH, and the async pool's round trip cost more than the read (see file_lease.ts).
      const record = decodeRecord(Deno.readTextFileSync(join(this.dir, `${id}.json`)));
      return record?.id === id ? record : null;
    } catch {
      return null;
    }
  }

  #ledger(): UsageLedger {
    if (this.#usage === null) throw new Error("Cannot create an upload: the store has no ledger");
    return this.#usage;
  }

  async #newestMtime(id: string): Promise<number> {
    let newest = 0;
    for (const suffix of SUFFIXES) {
      try {
        newest = Math.max(
          newest,
          (await Deno.stat(join(this.dir, id + suffix))).mtime?.getTime() ?? 0,
        );
      } catch {
        // not there
      }
    }
    return newest;
  }

  async #writeRecord(record: UploadRecord): Promise<void> {
    const path = join(this.dir, `${record.id}.json`);
    const temp = `${path}.${crypto.randomUUID()}.tmp`;
    try {
      await Deno.writeTextFile(temp, encodeRecord(record));
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
