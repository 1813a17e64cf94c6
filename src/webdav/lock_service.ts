/**
 * How the app reaches the lock table: an interface whose every method returns a Promise of plain
 * data, so the one `LockTable` can be hosted once per process and reached from every worker
 * through an async proxy (each call a structured-clone message). Handlers and the write guard
 * only ever see this interface.
 *
 * `LockServiceHost` is what the app registers as the shared service `LOCK_SERVICE`: the main
 * thread hosts it when there are workers (docs/architecture.md). `localLockService` wraps a
 * table in this isolate directly, for handler tests.
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
  refresh(req: { token: string; path: string; timeoutSeconds: number }): Promise<LockInfo | null>;
  unlock(req: { token: string; path: string }): Promise<boolean>;
  covering(path: string): Promise<LockInfo[]>;
  onMembers(path: string): Promise<LockInfo[]>;
  check(check: LockCheck): Promise<LockCheckResult>;
  release(path: string, keepRoot?: boolean): Promise<number>;
}

/** A service over a table in this process (a new, empty one unless given). */
export function localLockService(table: LockTable = new LockTable()): LockService {
  return {
    lock: (req) => Promise.resolve(table.lock(req)),
    refresh: (r) => Promise.resolve(table.refresh(r.token, r.path, r.timeoutSeconds)),
    unlock: (r) => Promise.resolve(table.unlock(r.token, r.path)),
    covering: (path) => Promise.resolve(table.covering(path)),
    onMembers: (path) => Promise.resolve(table.onMembers(path)),
    check: (check) => Promise.resolve(table.check(check)),
    release: (path, keepRoot) => Promise.resolve(table.release(path, keepRoot)),
  };
}

/** The name the lock table is hosted under (see app/shared_state.ts). */
export const LOCK_SERVICE = "webdav.locks";

/**
 * The lock table as a shared service: `LockService`'s calls, synchronous, against one table.
 * With workers the main thread hosts the one instance and every worker reaches it through an
 * async proxy — which is exactly a `LockService` — so a lock taken through one worker holds on
 * every other. With one worker the same proxy calls a local instance.
 */
export class LockServiceHost {
  #table: LockTable;

  constructor(table: LockTable = new LockTable()) {
    this.#table = table;
  }

  lock(req: LockRequest): LockResult {
    return this.#table.lock(req);
  }

  refresh(req: { token: string; path: string; timeoutSeconds: number }): LockInfo | null {
    return this.#table.refresh(req.token, req.path, req.timeoutSeconds);
  }

  unlock(req: { token: string; path: string }): boolean {
    return this.#table.unlock(req.token, req.path);
  }

  covering(path: string): LockInfo[] {
    return this.#table.covering(path);
  }

  onMembers(path: string): LockInfo[] {
    return this.#table.onMembers(path);
  }

  check(check: LockCheck): LockCheckResult {
    return this.#table.check(check);
  }

  release(path: string, keepRoot?: boolean): number {
    return this.#table.release(path, keepRoot);
  }
}
