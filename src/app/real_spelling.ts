/**
 * The real spelling of a path for the change board: the real path of its folder (symlinks
 * resolved; a folder that no longer or not yet exists resolved through its nearest existing
 * ancestor, the missing names joined back) with its own name joined as it is. Two requests that
 * name one file through different links (`share/biglink/a.txt` and `share/big/a.txt`) get one
 * spelling, so a write under either moves a counter a read under the other checks. The name itself
 * is not resolved: a write replaces or removes a link at the final name, it never writes through it.
 *
 * This module must not know HTTP.
 * @module
 */

import { basename, dirname, join } from "node:path";

/** The real spelling of `path` (see the module doc). */
export async function realSpelling(path: string): Promise<string> {
  const folder = dirname(path);
  return folder === path ? path : join(await realFolder(folder), basename(path));
}

async function realFolder(folder: string): Promise<string> {
  try {
    return await Deno.realPath(folder);
  } catch {
    const up = dirname(folder);
    return up === folder ? folder : join(await realFolder(up), basename(folder));
  }
}

/**
 * Real paths of folders resolved in the current synchronous run, forgotten when it ends (a
 * microtask clears them): a MOVE marks every member of a tree in one loop, and each member's
 * folder — gone after the rename — would otherwise cost a failed `realpath` per level per member.
 * Nothing this process does to the disk completes within one synchronous run, so the memo cannot
 * go stale under its own writes.
 */
let resolvedThisRun: Map<string, string> | null = null;

/**
 * {@link realSpelling}, synchronously: the writer marks the board before it answers, from code
 * that does not await there (writes are rare; a `realpath` on them is cheap).
 */
export function realSpellingSync(path: string): string {
  const folder = dirname(path);
  return folder === path ? path : join(realFolderSync(folder), basename(path));
}

function realFolderSync(folder: string): string {
  let memo = resolvedThisRun;
  if (memo === null) {
    memo = resolvedThisRun = new Map();
    queueMicrotask(() => resolvedThisRun = null);
  }
  let real = memo.get(folder);
  if (real === undefined) {
    try {
      real = Deno.realPathSync(folder);
    } catch {
      const up = dirname(folder);
      real = up === folder ? folder : join(realFolderSync(up), basename(folder));
    }
    memo.set(folder, real);
  }
  return real;
}
