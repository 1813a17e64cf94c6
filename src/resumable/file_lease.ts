/**
 * Exclusive access to one upload across every request, worker isolate and process that shares
 * the state folder: an advisory lock (flock(2) on Unix, LockFileEx on Windows) on the upload's
 * lock file, through `Deno.FsFile.tryLock`. flock locks belong to an open file description, so
 * two workers of one process exclude each other as two processes would, and a crashed server's
 * locks vanish with it — nothing to clean up, nothing to expire.
 *
 * Waiting is polling `tryLock` (a blocking `lock()` would hold a thread of the pool and cannot
 * be cancelled), for at most the wait the caller gives: a client resuming after a dropped
 * connection may arrive while the server still reads the dead request, which lets go as soon as
 * its read fails or times out.
 *
 * This module must not know about HTTP.
 * @module
 */

/** How often a waiting request tries the lock again. */
export const LEASE_POLL_MS = 25;

/** A held lock; `release` lets it go (closing the file releases the lock). */
export class FileLease {
  #file: Deno.FsFile | null;

  private constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  /**
   * Takes the lock on `path`, waiting up to `waitMs`; null when another holder kept it that
   * long. With `create`, a missing lock file is made; without, its absence throws `NotFound` (an
   * upload whose lock file is gone is gone: a look must not bring its file back).
   */
  static async acquire(path: string, waitMs: number, create = false): Promise<FileLease | null> {
    // The first try is synchronous: open(2) and flock(2, LOCK_NB) on the local state folder
    // take microseconds, while each trip through the async file-system pool took ~0.1 ms, paid
    // on every PATCH of an upload sent in pieces (bench/resumable_bench.ts). Neither can block:
    // LOCK_NB returns at once when another holds the lock.
    const file = Deno.openSync(path, { read: true, write: true, create });
    const deadline = Date.now() + waitMs;
    try {
      for (;;) {
        if (file.tryLockSync(true)) return new FileLease(file);
        if (Date.now() >= deadline) break;
        await new Promise((r) => setTimeout(r, LEASE_POLL_MS));
      }
    } catch (err) {
      file.close();
      throw err;
    }
    file.close();
    return null;
  }

  /** Lets the lock go; safe to call more than once. */
  release(): void {
    if (this.#file === null) return;
    try {
      this.#file.close();
    } catch {
      // already closed
    }
    this.#file = null;
  }
}
