/**
 * The caps of resumable uploads, kept in memory for the whole server: which uploads are
 * incomplete and the bytes each reserves. It is the shared service {@link UPLOAD_USAGE_SERVICE}
 * (docs/architecture.md, "Workers and shared state"): the main thread holds the one instance and
 * runs one call at a time, so `reserve` is an atomic check-and-take — two creations racing for
 * the last place, in any workers, cannot both get it — and what it holds outlives any worker.
 *
 * Decisions:
 * - Rebuilt from disk once, by the first call (the state folder's records: offsets and lengths
 *   come from disk, so an upload left incomplete by the previous run counts against the caps).
 *   From then on a creation costs no directory read and no record read: before, every creation
 *   read every record of the folder (completed ones too, kept until their expiry for `HEAD`),
 *   and creation time grew with every upload the store held.
 * - Kept right by the store (`upload_store.ts`): a creation reserves, completion and termination
 *   release, an upload of unknown length resizes as its bytes arrive. Release is by id, so a
 *   second release (an upload another worker finished, or one the sweeper also removed) is a
 *   no-op.
 * - Expiry without a scan: every entry carries the earliest time it could have expired (its
 *   reservation, or its last byte seen, plus the expiry), and entries are kept roughly in that
 *   order. Each creation looks on disk at the first {@link DUE_CHECKS_PER_CREATION} entries past
 *   that time, and a creation that would be refused at all of them: those expired, completed or
 *   never written (a worker that died mid-creation) are dropped — an expired one's files removed
 *   at once, as the sweeper would — and the others get their real time and go to the back. So
 *   an abandoned upload holds no place past its expiry, its files go with the next creation, and
 *   no creation reads the folder.
 * - Counts are not a shared-memory counter: those are 32-bit (the bytes cap defaults to 100G)
 *   and give a dead worker's share back, while an upload on disk outlives the worker that made
 *   it.
 *
 * This module must not know HTTP.
 * @module
 */

import { StoreSweep, type UploadStanding } from "./store_sweep.ts";
import { type StoreLimits, type StoreWork, UploadStore } from "./upload_store.ts";
import type { CreateRefusal, UsageLedger } from "./usage_ledger.ts";

/** The name the app registers the service under (src/app/services.ts). */
export const UPLOAD_USAGE_SERVICE = "resumable.usage";

/** What the store knows about incomplete uploads. */
export interface StoreUsage {
  count: number;
  bytes: number;
}

/** Entries past their time a creation looks at on disk (all of them only at a cap). */
export const DUE_CHECKS_PER_CREATION = 2;

interface Entry {
  bytes: number;
  /** Not expired before this (ms since epoch); past it, the disk says. */
  checkAfterMs: number;
}

/** The server-wide ledger of incomplete uploads (see the module doc). */
export class UploadUsage implements UsageLedger {
  #store: UploadStore;
  #sweep: StoreSweep;
  #now: () => number;
  /** Roughly in the order of their `checkAfterMs`. */
  #entries = new Map<string, Entry>();
  #bytes = 0;
  #loaded = false;
  #turn: Promise<unknown> = Promise.resolve();

  /**
   * The ledger of the state folder `dir`; `inShare`: the share's reserved folder, used only while
   * it is a real one (`upload_store.ts`).
   */
  constructor(dir: string, limits: StoreLimits, now: () => number = Date.now, inShare = false) {
    this.#store = new UploadStore(dir, limits, now, null, null, inShare);
    this.#sweep = new StoreSweep(this.#store, now);
    this.#now = now;
  }

  /** File-system work done so far (for tests: a creation must not read the folder). */
  work(): StoreWork {
    return { ...this.#store.work };
  }

  /**
   * Takes a place for upload `id` reserving `bytes`, unless a cap refuses it: "count" past
   * `maxUploads` incomplete uploads, "bytes" past `maxBytes` reserved by them.
   */
  reserve(id: string, bytes: number): Promise<CreateRefusal | null> {
    return this.#serial(async () => {
      await this.#checkDue(DUE_CHECKS_PER_CREATION);
      let refused = this.#refusal(bytes);
      if (refused !== null && await this.#checkDue(Infinity)) refused = this.#refusal(bytes);
      if (refused !== null) return refused;
      this.#set(id, { bytes, checkAfterMs: this.#now() + this.#store.limits.expiryMs });
      return null;
    });
  }

  /** Upload `id` now reserves `bytes` (its length became known, or its bytes grew). */
  resize(id: string, bytes: number): Promise<void> {
    return this.#serial(() => {
      const entry = this.#entries.get(id);
      // Unknown: already released (completed, terminated, expired); nothing to resize.
      if (entry !== undefined) this.#set(id, { ...entry, bytes });
    });
  }

  /**
   * Upload `id`, of unknown length, asks to reserve `bytes` in all before more of its data
   * arrives: it gets as many as `maxBytes` leaves free, never fewer than it holds, and the number
   * granted is returned (checked and taken in one call, so appends racing in several workers
   * cannot together pass the cap). Unknown (released): nothing is held back, `bytes` comes back.
   */
  extend(id: string, bytes: number): Promise<number> {
    return this.#serial(async () => {
      if (!this.#entries.has(id)) return bytes;
      const free = () => this.#store.limits.maxBytes - this.#bytes + this.#entries.get(id)!.bytes;
      if (bytes > free()) await this.#checkDue(Infinity);
      const entry = this.#entries.get(id);
      if (entry === undefined) return bytes; // it expired meanwhile: the append finds it gone
      const granted = Math.max(entry.bytes, Math.min(bytes, free()));
      this.#set(id, { ...entry, bytes: granted });
      return granted;
    });
  }

  /** Upload `id` is no longer incomplete (completed, terminated, expired). Idempotent. */
  release(id: string): Promise<void> {
    return this.#serial(() => this.#drop(id));
  }

  /** Incomplete uploads now (expired ones not counted): how many, and the bytes they reserve. */
  usage(): Promise<StoreUsage> {
    return this.#serial(async () => {
      await this.#checkDue(Infinity);
      return { count: this.#entries.size, bytes: this.#bytes };
    });
  }

  /** Runs `task` after every earlier call, once the ledger is loaded: each call is atomic. */
  #serial<T>(task: () => T | Promise<T>): Promise<T> {
    const run = this.#turn.then(async () => {
      if (!this.#loaded) await this.#load();
      return await task();
    });
    this.#turn = run.catch(() => {});
    return run;
  }

  async #load(): Promise<void> {
    const found = await this.#sweep.incomplete();
    found.sort(([, a], [, b]) => a.expiresMs - b.expiresMs); // in the order they fall due
    for (const [id, standing] of found) this.#add(id, standing);
    this.#loaded = true;
  }

  #refusal(bytes: number): CreateRefusal | null {
    const limits = this.#store.limits;
    if (this.#entries.size >= limits.maxUploads) return "count";
    if (this.#bytes + bytes > limits.maxBytes) return "bytes";
    return null;
  }

  /**
   * Asks the disk about up to `most` entries past their time: those over are dropped (and their
   * files removed if expired), live ones get their real time. True when any was dropped.
   */
  async #checkDue(most: number): Promise<boolean> {
    const now = this.#now();
    const due: string[] = [];
    for (const [id, entry] of this.#entries) {
      if (due.length >= most) break;
      if (entry.checkAfterMs <= now) due.push(id);
      // Roughly in order: past the first entry not due, only a cap looks further.
      else if (most !== Infinity) break;
    }
    const before = this.#entries.size;
    for (const id of due) {
      const standing = await this.#sweep.standing(id);
      this.#drop(id);
      if (standing !== null) this.#add(id, standing); // to the back, with its real time
      else await this.#sweep.sweepOne(id);
    }
    return this.#entries.size < before;
  }

  #add(id: string, standing: UploadStanding): void {
    this.#set(id, { bytes: standing.bytes, checkAfterMs: standing.expiresMs });
  }

  #set(id: string, entry: Entry): void {
    this.#bytes += entry.bytes - (this.#entries.get(id)?.bytes ?? 0);
    this.#entries.set(id, entry);
  }

  #drop(id: string): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    this.#bytes -= entry.bytes;
    this.#entries.delete(id);
  }
}
