/**
 * Whether a folder about to be removed — by DELETE, or by a COPY or MOVE replacing it — holds a
 * private path (`--hide`, or the settings file wireserve read). Private paths are never written;
 * removing their folder would delete them all the same, so such a removal is refused whole
 * (403) rather than done in part: a folder that keeps its private members is not what the client
 * asked for either, and it must not learn which members they are.
 *
 * Decisions:
 * - The walk uses the entries' own types (lstat): a symlink is an entry, never followed, since
 *   removing it removes the link and not what it points to.
 * - Each entry is matched under every spelling of the folder: the URL's segments and its real
 *   path below the root (a folder reached through a link holds what its real path holds, and the
 *   settings file is kept by its real path).
 * - With no private paths at all the walk is skipped: zero cost for the common case.
 * - Bounded like the other walks (`ZIP_MAX_ENTRIES`, `SEARCH_MAX_FOLDERS`): past
 *   {@link HIDDEN_WALK_MAX_ENTRIES} entries it cannot vouch for the rest and says so, and the
 *   callers refuse (keeping a file is the safe side). A folder it cannot read is skipped: the
 *   removal cannot read it either, so nothing in it is removed.
 * - A folder whose name is not UTF-8 (`isLossyName`) cannot be opened by name, so the walk cannot
 *   look inside, yet the removal takes it whole with its parent (`delete_entry.ts`): the walk
 *   cannot vouch for it and says so (`unnamed`), and the callers refuse.
 *
 * This module must not touch sockets.
 * @module
 */

import { join } from "node:path";
import type { HiddenPaths } from "../app/hidden_paths.ts";
import { throwIfOutOfDescriptors } from "../app/out_of_descriptors.ts";
import { realSegmentsInside } from "../app/real_path_inside.ts";
import { STATUS } from "../http/status.ts";
import type { HttpResponse } from "../http/types.ts";
import { isLossyName } from "../files/mod.ts";
import { plain, type UploadContext } from "./upload_context.ts";

/** Most entries the walk looks at before it gives up (and the removal is refused). */
export const HIDDEN_WALK_MAX_ENTRIES = 100_000;

/** What the walk found: no private path, one, or too many entries to tell. */
export type HiddenTreeVerdict = "none" | "hidden" | "too-many" | "unnamed";

/** How far the walk may go. */
export interface HiddenWalkLimits {
  maxEntries: number;
}

/**
 * Whether the folder at `fsPath` (the real folder, named by `segments` below `root`) holds a
 * private path anywhere below it.
 */
export async function holdsHiddenPath(
  fsPath: string,
  root: string,
  hidden: HiddenPaths,
  segments: readonly string[],
  limits: HiddenWalkLimits = { maxEntries: HIDDEN_WALK_MAX_ENTRIES },
): Promise<HiddenTreeVerdict> {
  if (hidden.emptyBelow) return "none";
  const real = await realSegmentsInside(fsPath, root);
  const spellings = real === null || sameSegments(real, segments) ? [segments] : [segments, real];
  let seen = 0;
  const walk = async (dir: string, rel: string[]): Promise<HiddenTreeVerdict> => {
    const entries: Deno.DirEntry[] = [];
    try {
      for await (const e of Deno.readDir(dir)) entries.push(e);
    } catch (err) {
      // refuse: out of descriptors the walk would miss private paths
      throwIfOutOfDescriptors(err);
      return "none"; // unreadable (or gone): the removal cannot touch what is in it
    }
    for (const e of entries) {
      if (++seen > limits.maxEntries) return "too-many";
      const r = [...rel, e.name];
      const isDir = e.isDirectory && !e.isSymlink;
      if (spellings.some((s) => hidden.hides([...s, ...r], isDir))) return "hidden";
      if (isDir && await isLossyName(dir, e.name)) return "unnamed";
      if (isDir) {
        const below = await walk(join(dir, e.name), r);
        if (below !== "none") return below;
      }
    }
    return "none";
  };
  return await walk(fsPath, []);
}

const REFUSAL_TEXT: Record<Exclude<HiddenTreeVerdict, "none">, string> = {
  hidden: "The folder holds private files that cannot be $doing",
  "too-many": "The folder holds too many entries to check for private files; it cannot be $doing",
  unnamed:
    "The folder holds a folder whose name is not UTF-8, which cannot be checked for private files; it cannot be $doing",
};

function sameSegments(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/**
 * The 403 for removing the folder at `fsPath` (named by `segments`) when it holds a private path
 * (or too many entries to tell), else null. `doing` says what removes it, for the text.
 */
export async function hiddenTreeRefusal(
  ctx: UploadContext,
  segments: readonly string[],
  fsPath: string,
  doing: string,
): Promise<HttpResponse | null> {
  const verdict = await holdsHiddenPath(fsPath, ctx.root, ctx.hidden, segments);
  if (verdict === "none") return null;
  return plain(STATUS.Forbidden, REFUSAL_TEXT[verdict].replace("$doing", doing));
}
