/**
 * The paths below a folder, walked depth-first without following symlinks: what a MOVE of the
 * folder gives new URLs (for the read cache) and must keep as private as they were (`--hide`).
 *
 * This module must not know about HTTP.
 * @module
 */

import { join } from "node:path";
import { throwIfOutOfDescriptors } from "../app/out_of_descriptors.ts";

/** A path below a folder: its segments relative to the folder, and whether it is one. */
export interface TreeEntry {
  rel: string[];
  isDir: boolean;
}

/** The paths below `folder` (for telling the cache, and for the `--hide` check of a move). */
export async function treeEntries(folder: string): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  const walk = async (dir: string, rel: string[]) => {
    try {
      for await (const e of Deno.readDir(dir)) {
        const r = [...rel, e.name];
        out.push({ rel: r, isDir: e.isDirectory });
        if (e.isDirectory) await walk(join(dir, e.name), r);
      }
    } catch (err) {
      // refuse: out of descriptors the walk would miss paths the --hide check must see
      throwIfOutOfDescriptors(err);
      // unreadable: nothing of it is cached either
    }
  };
  await walk(folder, []);
  return out;
}
