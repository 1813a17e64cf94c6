/**
 * Taking an exclusive `flock` on an open file within a bound, without letting waits for locks that
 * other programs keep use up the runtime's blocking pool (the 512 threads every file operation
 * runs on). `FsFile.lock` blocks a pool thread until it gets the lock and cannot be cancelled: a
 * wait given up after its bound still holds its thread until the other holder lets go.
 *
 * 1. `tryLock` first: a free file (the common case) costs no blocking call at all.
 * 2. While fewer than {@link MAX_PENDING_LOCK_CALLS} blocking calls are pending in this isolate
 *    (waiting within their bound, or abandoned past it), a blocking call waits for the lock, up to
 *    the bound; past the bound it is abandoned, and unlocks and closes the file itself once it
 *    returns.
 * 3. Past that cap, no more blocking calls: the lock is tried again without blocking every
 *    {@link LOCK_POLL_MS}, doubling up to {@link LOCK_POLL_MAX_MS}, until the bound, which costs
 *    no thread while it waits. Our own writers hold the lock for a stat and a rename, so a burst
 *    of them past the cap still gets through.
 * 4. When the cap is full of *abandoned* calls, other programs are holding locks for long: a
 *    locked file is refused at once, without a wait that would most likely be in vain.
 *
 * This module must not know about HTTP.
 * @module
 */

/**
 * Blocking lock calls pending in this isolate (waiting or abandoned) past which no more are
 * started (see the module doc); also the number of abandoned ones past which a locked file is
 * refused at once.
 */
export const MAX_PENDING_LOCK_CALLS = 8;

/** How soon a wait past the cap first tries the lock again without blocking. */
export const LOCK_POLL_MS = 5;
/** The longest pause between those tries (a lock held for long is tried less often). */
export const LOCK_POLL_MAX_MS = 100;

/** Blocking lock calls not yet returned (isolate-wide: they share the blocking pool). */
let pendingLockCalls = 0;
/** Those of them given up after their bound. */
let abandonedLockCalls = 0;

/** The bounds of one lock attempt. */
export interface LockBounds {
  /** How long to wait for the lock, in ms. */
  waitMs: number;
  /** The cap on pending blocking calls ({@link MAX_PENDING_LOCK_CALLS}). */
  maxPending?: number;
  /** Told of an abandoned blocking call; `settled` resolves once it is released and closed. */
  onAbandon?: (settled: Promise<void>) => void;
}

/**
 * Takes an exclusive lock on `file` within `bounds.waitMs`: "locked"; "busy" when it was not had
 * (the caller still owns and closes `file`); "abandoned" when a blocking call was given up, which
 * then owns `file` and closes it once it returns (the caller must not close it).
 */
export async function lockWithin(
  file: Deno.FsFile,
  bounds: LockBounds,
): Promise<"locked" | "busy" | "abandoned"> {
  if (await file.tryLock(true)) return "locked";
  const cap = bounds.maxPending ?? MAX_PENDING_LOCK_CALLS;
  // refuse at once: that many abandoned calls mean other programs keep their locks (step 4)
  if (abandonedLockCalls >= cap) return "busy";
  if (pendingLockCalls >= cap) return await pollLock(file, bounds.waitMs, cap) ? "locked" : "busy";
  pendingLockCalls++;
  const locking = file.lock(true);
  const returned = () => {
    pendingLockCalls--;
  };
  locking.then(returned, returned);
  if (await settlesWithin(locking, bounds.waitMs)) return "locked";
  abandonedLockCalls++;
  const settled = releaseOnceLocked(locking, file).finally(() => {
    abandonedLockCalls--;
  });
  bounds.onAbandon?.(settled);
  return "abandoned";
}

/** Tries the lock without blocking, at growing pauses, until `waitMs` has passed. */
async function pollLock(file: Deno.FsFile, waitMs: number, cap: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (let pauseMs = LOCK_POLL_MS; abandonedLockCalls < cap; pauseMs *= 2) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    const pause = Math.min(pauseMs, LOCK_POLL_MAX_MS, left);
    await new Promise((resolve) => setTimeout(resolve, pause));
    if (await file.tryLock(true)) return true;
  }
  return false;
}

/** Whether `work` settles within `waitMs` (true even if it rejected: awaiting it throws then). */
async function settlesWithin(work: Promise<void>, waitMs: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), waitMs);
  });
  try {
    const settled = await Promise.race([work.then(() => true, () => true), expired]);
    if (settled) await work; // a failed lock call throws as before
    return settled;
  } finally {
    clearTimeout(timer);
  }
}

/** Once the abandoned lock call `locking` on `file` returns: unlock (if it got it) and close. */
async function releaseOnceLocked(locking: Promise<void>, file: Deno.FsFile): Promise<void> {
  try {
    await locking;
    await file.unlock();
  } catch {
    // the lock call failed: nothing is held
  } finally {
    file.close();
  }
}
