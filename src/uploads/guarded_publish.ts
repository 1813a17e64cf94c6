/**
 * The publish step of a write whose validator preconditions (`If-Match`, `If-Unmodified-Since`,
 * `If-None-Match` with tags) must still hold when the file is put in place (RFC 9110 §13.2.2:
 * they are evaluated when the change is made; §13.1.1: the method MUST NOT be performed when
 * one is false). A check followed by a rename leaves a window in which two writers carrying the
 * same `If-Match` both see the old tag and both replace it — one update lost. So check and
 * rename happen under an exclusive lock on the file being replaced:
 *
 * 1. open the file the path names now and take `flock(LOCK_EX)` on it (`bounded_lock.ts`);
 * 2. holding it, make sure the path still names that very file (device and inode): a writer that
 *    published while we waited renamed another file over the path, so we look again (and the
 *    old tag no longer matches the new file: 412);
 * 3. evaluate the preconditions against it, and only if they hold, publish (the rename);
 * 4. close the descriptor, which releases the lock, on every path out.
 *
 * Why flock on the destination and not a lock service on the main thread (`app/shared_state.ts`):
 * a flock belongs to the open file description, so two opens exclude each other within one
 * isolate, across `--workers` isolates of one process and across processes alike (two servers
 * over one folder), with no new shared state and no lock to clean up after a crash (the kernel
 * drops it with the descriptor); a main-thread service would cost a message round trip per
 * conditional write and cover one process only.
 *
 * Only writes that carry such preconditions take the lock (`recheck`); unconditional writes
 * publish with no extra system call, and since they do not lock, one of them may still land
 * between a conditional writer's check and its rename — it asked for no guard, and the
 * conditional writer's file replaces it as an unconditional write would.
 *
 * Nothing to lock — no file, a dangling symlink, a folder or other non-file — means the
 * preconditions are evaluated unlocked, as before: `If-Match` fails there anyway, and the rest
 * (`If-None-Match` with tags, `If-Unmodified-Since` on no file) hold whatever another writer
 * does. A file that cannot be opened (no read permission) is checked unlocked too. On Windows
 * `lock` is `LockFileEx`, which also excludes, but is mandatory: a read of the old file through
 * another handle fails during the few microseconds the lock is held.
 *
 * The wait for the lock is bounded ({@link PUBLISH_LOCK_WAIT_MS}): another program may hold a
 * flock on the file for as long as it likes (`flock f sleep 600`), and a request must not hang on
 * it forever. Past the bound the publish gives up with {@link LockWaitTimedOut} (the handler
 * answers 503 with `Retry-After`); the abandoned `flock` call cannot be cancelled, so when it
 * eventually succeeds the lock is released and the descriptor closed at once. Such calls hold
 * threads of the blocking pool every file operation runs on, so how many may be pending is capped
 * (`bounded_lock.ts`): past the cap a write waits by trying the lock without blocking, and once the
 * cap is full of abandoned calls, a file locked by someone else is answered 503 at once.
 *
 * What the path names is looked up by `current` (the write target's rules: a link the read side
 * does not follow is no file), so a link to a file outside the root is neither locked nor
 * evaluated.
 *
 * This module must not know about HTTP beyond the precondition fields.
 * @module
 */

import { evaluatePreconditions, type FieldSource } from "../app/conditional.ts";
import { existingValidators } from "./write_target.ts";
import { lockWithin } from "./bounded_lock.ts";

/**
 * Locks taken before the conditions are evaluated without one, when the file keeps being replaced
 * while we wait for its lock. Each replacement is another writer's progress (no livelock), but
 * unconditional writers, which take no lock, could replace it forever.
 */
export const PUBLISH_LOCK_ATTEMPTS = 64;

/** How long a conditional write waits for the lock on the file it replaces (see the module doc). */
export const PUBLISH_LOCK_WAIT_MS = 10_000;

/** Thrown when the lock on the file to replace was not had within the bound. */
export class LockWaitTimedOut extends Error {
  constructor() {
    super("Cannot publish the file: another program holds its lock");
  }
}

/** What a guarded publish may be told besides the defaults. */
export interface GuardOptions {
  /** What `fsPath` names now (null: nothing that counts); by default `stat`, links followed. */
  current?: (fsPath: string) => Promise<Deno.FileInfo | null>;
  /** The bound on the wait for the lock, in ms ({@link PUBLISH_LOCK_WAIT_MS}). */
  lockWaitMs?: number;
  /** The cap on blocking lock calls still pending (`MAX_PENDING_LOCK_CALLS`, `bounded_lock.ts`). */
  maxPendingLocks?: number;
  /** Told of an abandoned lock attempt; `settled` resolves once it is released and closed. */
  onAbandon?: (settled: Promise<void>) => void;
}

/**
 * Runs `publish` (the rename or link that puts the new file at `fsPath`) if the preconditions of
 * `method` in `fields` hold for what `fsPath` names, atomically with respect to every other
 * guarded publisher of the same file (see the module doc). Without `recheck`, just `publish`.
 * Returns what `publish` returned, or null when a precondition is false (answer 412).
 */
export async function publishGuarded<T>(
  fsPath: string,
  method: string,
  fields: FieldSource,
  recheck: boolean,
  publish: () => Promise<T>,
  options: GuardOptions = {},
): Promise<T | null> {
  if (!recheck) return await publish();
  const look = options.current ?? statOrNull;
  const holds = (current: Deno.FileInfo | null) =>
    evaluatePreconditions(method, fields, current === null ? null : existingValidators(current)) ===
      "proceed";
  for (let attempt = 0; attempt < PUBLISH_LOCK_ATTEMPTS; attempt++) {
    const current = await look(fsPath);
    if (current === null || !current.isFile) return holds(current) ? await publish() : null;
    let held: Deno.FsFile;
    try {
      // Only a regular file is opened: opening a FIFO for reading would block.
      held = await Deno.open(fsPath, { read: true });
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) continue; // replaced or removed just now: look again
      if (!(err instanceof Deno.errors.PermissionDenied)) throw err;
      return holds(current) ? await publish() : null;
    }
    let abandoned = false;
    try {
      const got = await lockWithin(held, {
        waitMs: options.lockWaitMs ?? PUBLISH_LOCK_WAIT_MS,
        maxPending: options.maxPendingLocks,
        onAbandon: options.onAbandon,
      });
      if (got !== "locked") {
        abandoned = got === "abandoned";
        throw new LockWaitTimedOut();
      }
      const locked = await held.stat();
      const now = await look(fsPath);
      if (now === null || !sameFile(locked, now)) continue; // replaced while we waited
      if (!holds(now)) return null;
      return await publish();
    } finally {
      // Closing the only descriptor of this open file description releases the flock; an
      // abandoned attempt closes it itself once its flock returns.
      if (!abandoned) held.close();
    }
  }
  // Replaced at every look: the conditions are still what decides (RFC 9110 §13.2.2), evaluated
  // on the file there now — a condition true for every file must not become a 412 because others
  // kept winning. Only the atomicity is given up, under a storm of replacements.
  return holds(await look(fsPath)) ? await publish() : null;
}

/** Whether `a` and `b` are the stats of one file (the inode where known, else its validators). */
function sameFile(a: Deno.FileInfo, b: Deno.FileInfo): boolean {
  if (a.ino !== null && b.ino !== null) return a.dev === b.dev && a.ino === b.ino;
  return existingValidators(a).etag === existingValidators(b).etag;
}

/** What `path` names, following links; null when nothing is there or it cannot be looked at. */
async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch {
    // A dangling symlink, a loop of them, a parent that became a file: no file to match.
    return null;
  }
}
