/**
 * Removing the temp files a crash left behind. An upload's temp file is removed whenever the
 * upload fails, but not when the process dies (`kill -9`, a power cut, a second signal): the file
 * then stays forever, and no client can see or delete it (temp names are never served, listed or
 * writable). So at start the server walks the shared folder once, in the background, and removes
 * the temp files (exactly the names `isTempFileName` knows, nothing else) untouched for
 * {@link TEMP_SWEEP_LIMITS}.untouchedMs.
 *
 * Decisions:
 * - Bounded: at most `maxFolders` folders and `maxWalkMs` of walking, breadth first (the top of a
 *   huge tree first, where people upload most); what is left is for the next start.
 * - Symlinks are never followed (a link may lead outside the root, or in a loop); only regular
 *   files are removed, never a link or a folder that happens to carry a temp name.
 * - "Untouched" is the later of the modification and the change time: a temp file being written
 *   has a fresh mtime, and a file set aside by a form upload (a hard link, `setAside`) keeps its
 *   old mtime but has a fresh ctime. An hour is far beyond the body clock, so only another server
 *   on the same folder with a stalled upload could lose one, and it would lose an upload that
 *   has not moved for an hour.
 * - A folder that cannot be read (permissions, gone meanwhile) is skipped, not an error.
 * - Never with `--read-only`: that server promises not to change the disk.
 *
 * This module must not know about HTTP.
 * @module
 */

import { join } from "node:path";
import type { AppConfig } from "../app/app_config.ts";
import { isTempFileName } from "../app/temp_name.ts";

/** The bounds of one sweep. */
export interface TempSweepLimits {
  /** Most folders read (the root counts). */
  maxFolders: number;
  /** Most milliseconds of walking. */
  maxWalkMs: number;
  /** How long a temp file must have been untouched to be removed, in milliseconds. */
  untouchedMs: number;
}

/** The bounds of the sweep at start. */
export const TEMP_SWEEP_LIMITS: TempSweepLimits = {
  maxFolders: 10_000,
  maxWalkMs: 10_000,
  untouchedMs: 60 * 60 * 1000,
};

/** What one sweep did. */
export interface TempSweepResult {
  /** Temp files removed. */
  removed: number;
  /** Folders read. */
  folders: number;
  /** Whether the whole tree was walked (false: a limit or `stop` cut it short). */
  complete: boolean;
}

/** The clocks of a sweep (tests pass their own). */
export interface TempSweepClocks {
  /** Wall-clock milliseconds the file times are compared with. */
  now: () => number;
  /** A monotonic clock in milliseconds, for the walking time. */
  elapsed: () => number;
  /** Whether to stop now (the server is shutting down). */
  stopped: () => boolean;
}

/**
 * Entries looked at between two yields to the event loop: a folder's entries arrive in one
 * batch, and a folder of a million names would otherwise hold the thread (requests, with one
 * worker) for the whole loop.
 */
const ENTRIES_PER_YIELD = 1000;

const REAL_CLOCKS: TempSweepClocks = {
  now: Date.now,
  elapsed: () => performance.now(),
  stopped: () => false,
};

/**
 * Walks `root` breadth first within `limits` and removes the temp files untouched for
 * `limits.untouchedMs`. Throws only when the root itself cannot be read.
 */
export async function sweepTempFiles(
  root: string,
  limits: TempSweepLimits = TEMP_SWEEP_LIMITS,
  clocks: Partial<TempSweepClocks> = {},
): Promise<TempSweepResult> {
  const { now, elapsed, stopped } = { ...REAL_CLOCKS, ...clocks };
  const start = elapsed();
  const overBudget = () => stopped() || elapsed() - start >= limits.maxWalkMs;
  const result: TempSweepResult = { removed: 0, folders: 0, complete: false };
  const queue = [root];
  let looked = 0;
  let dropped = false;
  // Read with an index, not shift(): a wide tree queues thousands of folders.
  for (let next = 0; next < queue.length; next++) {
    if (result.folders >= limits.maxFolders || overBudget()) return result;
    const folder = queue[next];
    result.folders++;
    try {
      for await (const entry of Deno.readDir(folder)) {
        if (overBudget()) return result;
        if (++looked % ENTRIES_PER_YIELD === 0) await new Promise((r) => setTimeout(r, 0));
        // refuse: a symlink is never followed (it may lead outside the root or loop); and no
        // more folders are queued than will be read
        if (entry.isDirectory) {
          if (queue.length < limits.maxFolders) queue.push(join(folder, entry.name));
          else dropped = true;
        } else if (entry.isFile && isTempFileName(entry.name)) {
          if (await removeIfUntouched(join(folder, entry.name), now() - limits.untouchedMs)) {
            result.removed++;
          }
        }
      }
    } catch (err) {
      if (folder === root) throw err;
      // a folder we may not read, or one gone meanwhile: skip it, the rest is still worth it
    }
  }
  result.complete = !dropped;
  return result;
}

/** Removes the regular file at `path` when nothing touched it after `before` (ms since epoch). */
async function removeIfUntouched(path: string, before: number): Promise<boolean> {
  try {
    const info = await Deno.lstat(path);
    if (!info.isFile) return false;
    const touched = Math.max(info.mtime?.getTime() ?? 0, info.ctime?.getTime() ?? 0);
    if (touched === 0 || touched > before) return false;
    await Deno.remove(path);
    return true;
  } catch {
    return false; // gone meanwhile (its upload finished), or not ours to remove
  }
}

/** A sweep started in the background. */
export interface TempSweep {
  /** The sweep; null when none runs (`--read-only`), or when the root could not be read. */
  readonly done: Promise<TempSweepResult | null>;
  /** Ends the walk at its next step (shutdown). */
  stop(): void;
}

/**
 * Starts the sweep of the shared folder of `config` in the background, once per server (the
 * caller runs it where the server-wide tasks run: the main thread). Errors go to `onError`.
 */
export function startTempSweep(config: AppConfig, onError: (err: unknown) => void): TempSweep {
  if (config.readOnly) return { done: Promise.resolve(null), stop: () => {} };
  let stopped = false;
  const done = sweepTempFiles(config.directory, TEMP_SWEEP_LIMITS, { stopped: () => stopped })
    .catch((err) => {
      onError(err);
      return null;
    });
  return { done, stop: () => stopped = true };
}
