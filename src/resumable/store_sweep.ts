/**
 * The upload store's folder seen as a whole, for the two that need it and no request: the sweeper
 * (`sweeper.ts`: removing expired uploads and what crashes left behind) and the ledger of the caps
 * (`upload_usage.ts`: every incomplete upload once, at its start; then one upload's standing, and
 * its removal once expired). It reads the folder through the store's own reads and removes
 * through the store's `remove`, so the files of an upload mean the same here as to a request.
 *
 * Decisions:
 * - An upload is removed only while nobody holds its lease (taken without waiting): one in use
 *   right now is not abandoned, whatever its times say.
 * - Files without a record are what a creation or removal cut short by a crash left: they go once
 *   their newest file is older than the expiry (a creation writes the record last, a removal
 *   removes it first, so a live upload always has one).
 * - The standing of an incomplete upload (what it reserves, when it expires) comes from its data
 *   file: its size and mtime, as its offset and expiry do everywhere else — its size up to the
 *   record's mark of unverified bytes, when a crash left one (`UploadRecord.unverifiedFrom`).
 * - Start-up recovery: the sweep cuts off the unverified bytes a crash left in an unexpired
 *   upload (`UploadStore.settle`), under its lease taken without waiting; one in use is left to
 *   the request that holds it, which settles it as every holder does.
 *
 * This module must not know about HTTP.
 * @module
 */

import { FileLease } from "./file_lease.ts";
import { isUploadId } from "./upload_record.ts";
import type { UploadStore } from "./upload_store.ts";

/** An incomplete upload as the caps see it. */
export interface UploadStanding {
  /** What it reserves: its declared length, or the bytes so far when none was declared. */
  bytes: number;
  /** When it expires unless more bytes arrive (ms since epoch). */
  expiresMs: number;
}

const SUFFIXES = [".part", ".json", ".lock"] as const;

/** Whole-folder reads and removals of an {@link UploadStore} (see the module doc). */
export class StoreSweep {
  readonly store: UploadStore;
  #now: () => number;

  constructor(store: UploadStore, now: () => number = Date.now) {
    this.store = store;
    this.#now = now;
  }

  /**
   * Every incomplete, unexpired upload in the folder, read once: the ledger's start
   * (`upload_usage.ts`). The only whole-folder read besides `sweep`.
   */
  async incomplete(): Promise<Array<[string, UploadStanding]>> {
    const out: Array<[string, UploadStanding]> = [];
    try {
      this.store.checkFolder(); // refuse: never listed through a link (upload_store.ts)
      for await (const entry of Deno.readDir(this.store.dir)) {
        this.store.work.entriesRead++;
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
    const record = await this.store.readUnchecked(id);
    if (record === null || record.completedMs !== null) return null;
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(this.store.partPath(id));
    } catch {
      return null; // the data is gone: the state is lost, the upload is over
    }
    const expiresMs = Math.max(record.createdMs, info.mtime?.getTime() ?? 0) +
      this.store.limits.expiryMs;
    if (expiresMs <= this.#now()) return null;
    // Bytes a crash left unverified never counted (UploadRecord.unverifiedFrom).
    const held = Math.min(info.size, record.unverifiedFrom ?? info.size);
    return { bytes: Math.max(record.length ?? 0, held), expiresMs };
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
      this.store.checkFolder(); // refuse: never listed nor swept through a link (upload_store.ts)
      for await (const entry of Deno.readDir(this.store.dir)) {
        this.store.work.entriesRead++;
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
    const record = hasRecord ? await this.store.readUnchecked(id) : null;
    const expires = record !== null
      ? await this.store.expiresAt(record)
      : (await this.#newestMtime(id)) + this.store.limits.expiryMs;
    if (expires > now) {
      if (record?.unverifiedFrom != null) await this.#settle(id);
      return false;
    }
    // With create: a leftover without a lock file is nobody's (remove() takes the new one too).
    const lease = await FileLease.acquire(this.store.lockPath(id), 0, true).catch(() => null);
    if (lease === null) return false; // in use right now: not abandoned after all
    try {
      await this.store.remove(id);
      return record !== null;
    } finally {
      lease.release();
    }
  }

  /**
   * Cuts off what a crash left unverified in upload `id` (`UploadStore.settle`), unless someone
   * holds its lease now: then it is that request's append in progress, or that request settles
   * it itself. The record is read again under the lease.
   */
  async #settle(id: string): Promise<void> {
    const lease = await FileLease.acquire(this.store.lockPath(id), 0).catch(() => null);
    if (lease === null) return;
    try {
      const record = await this.store.readUnchecked(id);
      if (record !== null) await this.store.settle(record);
    } finally {
      lease.release();
    }
  }

  async #newestMtime(id: string): Promise<number> {
    let newest = 0;
    for (const suffix of SUFFIXES) {
      try {
        newest = Math.max(
          newest,
          (await Deno.stat(this.store.path(id + suffix))).mtime?.getTime() ?? 0,
        );
      } catch {
        // not there
      }
    }
    return newest;
  }
}
