/**
 * Serializes read-modify-write of dead-property records across every request, worker isolate
 * and process that shares the tree: an advisory lock (flock(2) on Unix, LockFileEx on Windows)
 * through `Deno.FsFile.tryLock` on one lock file per `.wireserve-dav` folder. flock locks belong
 * to an open file description, so two requests of one isolate exclude each other as two workers
 * or two processes do, and a crashed server's locks vanish with it.
 *
 * The lock file is separate from the records because a record is replaced by rename: a lock on
 * the record's inode would not exclude a writer that opens the new one.
 *
 * Waiting is polling `tryLockSync` (a blocking `lock()` would hold a thread of the pool), for at
 * most {@link RECORD_LOCK_WAIT_MS}.
 *
 * refuse: the lock file is opened only as a plain file standing in the folder (`state_files.ts`):
 * an open with `create` follows a link, and `lock -> /anywhere` made the server create files
 * outside the share.
 *
 * This module must not know about HTTP.
 * @module
 */

import { join } from "node:path";
import { openPlainFile } from "./state_files.ts";

/** The lock file's name inside a `.wireserve-dav` folder (records are `self`, `p-*`, `h-*`). */
export const RECORD_LOCK_NAME = "lock";
/** How often a waiting update tries the lock again. */
export const RECORD_LOCK_POLL_MS = 5;
/** Longest wait for another update of the same folder's records before giving up. */
export const RECORD_LOCK_WAIT_MS = 10_000;

/** Thrown when the records' lock stayed held for {@link RECORD_LOCK_WAIT_MS}. */
export class RecordLockTimeout extends Error {}

/**
 * Runs `fn` holding the lock of the records in `propsFolder` (which must exist, checked by the
 * caller as a real folder: `makeStateFolder`). Throws `StateFileNotPlain` when the lock file is
 * not a plain file.
 */
export async function withRecordLock<T>(propsFolder: string, fn: () => Promise<T>): Promise<T> {
  const path = join(propsFolder, RECORD_LOCK_NAME);
  const file = await openPlainFile(path, { create: true });
  if (file === null) throw new Deno.errors.NotFound(`The lock file "${path}" went away`);
  try {
    const deadline = Date.now() + RECORD_LOCK_WAIT_MS;
    while (!file.tryLockSync(true)) {
      if (Date.now() >= deadline) {
        throw new RecordLockTimeout(`Could not lock the properties in "${propsFolder}"`);
      }
      await new Promise((r) => setTimeout(r, RECORD_LOCK_POLL_MS));
    }
    return await fn();
  } finally {
    file.close(); // closing releases the lock
  }
}
