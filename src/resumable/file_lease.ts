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
 * A waiter need not wait for that: it leaves a mark beside the lock file (`<lock>.wanted`),
 * renewed on every try, and a holder that can give way (an append, whose bytes so far stay)
 * watches for it (`watchWanted`) and lets go when it decides to (an append: once its body has
 * stalled) — draft-ietf-httpbis-resumable-upload, "Concurrency", recommends that a new request
 * for an upload terminate the earlier one. A waiter that will remove the upload (a cancellation)
 * leaves another mark (`<lock>.cancel`): the holder then ends what it does at once, whatever its
 * progress, since nothing it would finish is wanted any more. A mark on disk, because
 * the holder may be in another worker isolate or process, as the lock's holder may; the holder
 * removes a mark it acts on, and the waiter its own once it has the lock or gives up, so a mark
 * a crash left behind costs at most one append.
 *
 * This module must not know about HTTP.
 * @module
 */

/** How often a waiting request tries the lock again (and renews its mark). */
export const LEASE_POLL_MS = 25;
/** How often a holder that can give way looks for a waiter's mark. */
export const WANTED_POLL_MS = 25;

/** The mark a waiter leaves beside lock file `lockPath` (see the module doc). */
export function wantedMarkPath(lockPath: string): string {
  return `${lockPath}.wanted`;
}

/** The mark a waiter that will remove the upload leaves beside lock file `lockPath`. */
export function cancelMarkPath(lockPath: string): string {
  return `${lockPath}.cancel`;
}

/**
 * What a waiter asks of the holder: the lock ("wanted"), or that the holder stop for good since
 * the waiter removes what it holds ("cancel"); "none" when nobody waits.
 */
export type WaiterAsk = "none" | "wanted" | "cancel";

/** A held lock; `release` lets it go (closing the file releases the lock). */
export class FileLease {
  #file: Deno.FsFile | null;
  #path: string;

  private constructor(file: Deno.FsFile, path: string) {
    this.#file = file;
    this.#path = path;
  }

  /**
   * Takes the lock on `path`, waiting up to `waitMs`; null when another holder kept it that
   * long. With `create`, a missing lock file is made; without, its absence throws `NotFound` (an
   * upload whose lock file is gone is gone: a look must not bring its file back). `ask` is the
   * mark left while waiting (see {@link WaiterAsk}).
   */
  static async acquire(
    path: string,
    waitMs: number,
    create = false,
    ask: Exclude<WaiterAsk, "none"> = "wanted",
  ): Promise<FileLease | null> {
    // The first try is synchronous: open(2) and flock(2, LOCK_NB) on the local state folder
    // take microseconds, while each trip through the async file-system pool took ~0.1 ms, paid
    // on every PATCH of an upload sent in pieces (bench/resumable_bench.ts). Neither can block:
    // LOCK_NB returns at once when another holds the lock.
    const file = Deno.openSync(path, { read: true, write: true, create });
    const deadline = Date.now() + waitMs;
    const mark = ask === "cancel" ? cancelMarkPath(path) : wantedMarkPath(path);
    let marked = false;
    try {
      for (;;) {
        if (file.tryLockSync(true)) {
          if (marked) removeMark(mark);
          return new FileLease(file, path);
        }
        if (Date.now() >= deadline) break;
        // Renewed on every try: a holder removes the mark it acts on, and the next holder may
        // be another request that took the lock first, which must give way too.
        markWanted(mark);
        marked = true;
        await new Promise((r) => setTimeout(r, LEASE_POLL_MS));
      }
    } catch (err) {
      file.close();
      if (marked) removeMark(mark);
      throw err;
    }
    file.close();
    if (marked) removeMark(mark);
    return null;
  }

  /**
   * Watches for a waiter's mark until the returned stop is called: every `WANTED_POLL_MS`,
   * `onPoll(ask)` is told what a waiter asks — a cancellation before a plain wait, as it is the
   * stronger — (called when none does too, so a holder can keep its own clock). When it returns
   * true the holder gives way: the mark is removed and the watch ends, and the holder must then
   * stop and `release` soon, or the waiter gives up after its wait. A holder that keeps the lock
   * leaves the mark for a later poll.
   */
  watchWanted(onPoll: (ask: WaiterAsk) => boolean): () => void {
    const wanted = wantedMarkPath(this.#path);
    const cancel = cancelMarkPath(this.#path);
    const timer = setInterval(() => {
      if (this.#file === null) return;
      const mark = markPresent(cancel) ? cancel : markPresent(wanted) ? wanted : null;
      if (!onPoll(mark === cancel ? "cancel" : mark === wanted ? "wanted" : "none")) return;
      clearInterval(timer);
      if (mark !== null) removeMark(mark);
    }, WANTED_POLL_MS);
    Deno.unrefTimer(timer);
    return () => clearInterval(timer);
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

function markWanted(mark: string): void {
  try {
    Deno.writeFileSync(mark, new Uint8Array(0));
  } catch {
    // the upload's folder is gone or full: the waiter still waits, it only cannot ask
  }
}

/** Whether a waiter's `mark` is there. */
function markPresent(mark: string): boolean {
  try {
    Deno.lstatSync(mark);
    return true;
  } catch {
    return false;
  }
}

/** Removes `mark`; whether it was there. */
function removeMark(mark: string): boolean {
  try {
    Deno.removeSync(mark);
    return true;
  } catch {
    return false;
  }
}
