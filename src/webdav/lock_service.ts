/**
 * How the app reaches the lock table: an interface whose every method returns a Promise of plain
 * data, so the one `LockTable` can be hosted once per process and reached from every worker
 * through an async proxy (each call a structured-clone message). Handlers and the write guard
 * only ever see this interface.
 *
 * `LockServiceHost` is what the app registers as the shared service `LOCK_SERVICE`: the main
 * thread hosts it when there are workers (docs/architecture.md). Given a saver (`lock_store.ts`),
 * it answers a call that changed the table only once the change is saved, so a restart right
 * after the answer keeps it. `localLockService` wraps a table in this isolate directly, for
 * handler tests.
 *
 * This module must not know about HTTP or the disk.
 * @module
 */

import {
  type LockCheck,
  type LockCheckResult,
  type LockInfo,
  type LockRequest,
  type LockResult,
  LockTable,
} from "./lock_table.ts";

/** The lock table as the app reaches it (see `LockTable` for what each call means). */
export interface LockService {
  lock(req: LockRequest): Promise<LockResult>;
  refresh(req: RefreshRequest): Promise<LockInfo | null>;
  unlock(req: UnlockRequest): Promise<boolean>;
  /** The locks covering `path`, or its real spelling `real` when given. */
  covering(path: string, real?: string): Promise<LockInfo[]>;
  onMembers(path: string): Promise<LockInfo[]>;
  check(check: LockCheck): Promise<LockCheckResult>;
  /** Drops the locks rooted at or below `path` or its real spelling `real` (see `LockTable`). */
  release(path: string, keepRoot?: boolean, real?: string): Promise<number>;
}

/** A refresh of the lock `token` through the resource `path` (`real`: its real spelling). */
export interface RefreshRequest {
  token: string;
  path: string;
  real?: string;
  timeoutSeconds: number;
}

/** The removal of the lock `token` through the resource `path` (`real`: its real spelling). */
export interface UnlockRequest {
  token: string;
  path: string;
  real?: string;
}

/** A service over a table in this process (a new, empty one unless given). */
export function localLockService(table: LockTable = new LockTable()): LockService {
  return {
    lock: (req) => Promise.resolve(table.lock(req)),
    refresh: (r) => Promise.resolve(table.refresh(r.token, r.path, r.timeoutSeconds, r.real)),
    unlock: (r) => Promise.resolve(table.unlock(r.token, r.path, r.real)),
    covering: (path, real) => Promise.resolve(table.covering(path, real)),
    onMembers: (path) => Promise.resolve(table.onMembers(path)),
    check: (check) => Promise.resolve(table.check(check)),
    release: (path, keepRoot, real) => Promise.resolve(table.release(path, keepRoot, real)),
  };
}

/** The name the lock table is hosted under (see app/shared_state.ts). */
export const LOCK_SERVICE = "webdav.locks";

/**
 * Saves a change of the table (`LockStore`): a lock taken or refreshed, a token released, or null
 * for the table whole; resolves once it is saved (or told it failed).
 */
export interface LockSaver {
  save(change: { put: LockInfo } | { drop: string } | null): Promise<void>;
}

/**
 * The lock table as a shared service: `LockService`'s calls against one table. Each call reads or
 * changes the table synchronously (the host runs it whole, before any other call), then a change
 * waits for its save. With workers the main thread hosts the one instance and every worker reaches it through an
 * async proxy — which is exactly a `LockService` — so a lock taken through one worker holds on
 * every other. With one worker the same proxy calls a local instance.
 */
export class LockServiceHost {
  #table: LockTable;
  #saver: LockSaver | null;

  constructor(table: LockTable = new LockTable(), saver: LockSaver | null = null) {
    this.#table = table;
    this.#saver = saver;
  }

  async lock(req: LockRequest): Promise<LockResult> {
    const result = this.#table.lock(req);
    if (result.ok) await this.#saved({ put: result.lock });
    return result;
  }

  async refresh(req: RefreshRequest): Promise<LockInfo | null> {
    const lock = this.#table.refresh(req.token, req.path, req.timeoutSeconds, req.real);
    if (lock !== null) await this.#saved({ put: lock });
    return lock;
  }

  async unlock(req: UnlockRequest): Promise<boolean> {
    const removed = this.#table.unlock(req.token, req.path, req.real);
    if (removed) await this.#saved({ drop: req.token });
    return removed;
  }

  covering(path: string, real?: string): LockInfo[] {
    return this.#table.covering(path, real);
  }

  onMembers(path: string): LockInfo[] {
    return this.#table.onMembers(path);
  }

  check(check: LockCheck): LockCheckResult {
    return this.#table.check(check);
  }

  async release(path: string, keepRoot?: boolean, real?: string): Promise<number> {
    const dropped = this.#table.release(path, keepRoot, real);
    if (dropped > 0) await this.#saved(null); // locks dropped by path: the table whole
    return dropped;
  }

  #saved(change: Parameters<LockSaver["save"]>[0]): Promise<void> {
    return this.#saver === null ? Promise.resolve() : this.#saver.save(change);
  }
}
