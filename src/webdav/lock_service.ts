/**
 * How the app reaches the lock table: an interface whose every method returns a Promise of plain
 * data, so the one `LockTable` can be hosted once per process and reached from every worker
 * through an async proxy (each call a structured-clone message). Handlers and the write guard
 * only ever see this interface.
 *
 * Until the server runs several workers, `localLockService` wraps a table in this process — the
 * one place to change when the shared host takes over.
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
  within(path: string): Promise<LockInfo[]>;
  check(check: LockCheck): Promise<LockCheckResult>;
  release(path: string): Promise<number>;
}

/** A service over a table in this process (a new, empty one unless given). */
export function localLockService(table: LockTable = new LockTable()): LockService {
  return {
    lock: (req) => Promise.resolve(table.lock(req)),
    refresh: (r) => Promise.resolve(table.refresh(r.token, r.path, r.timeoutSeconds)),
    unlock: (r) => Promise.resolve(table.unlock(r.token, r.path)),
    covering: (path) => Promise.resolve(table.covering(path)),
    within: (path) => Promise.resolve(table.within(path)),
    check: (check) => Promise.resolve(table.check(check)),
    release: (path) => Promise.resolve(table.release(path)),
  };
}
