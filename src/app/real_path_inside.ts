/**
 * Where a path really lies relative to a folder: both compared by their real paths, symlinks on
 * the way resolved, and a path that does not exist yet resolved through its nearest existing
 * ancestor. A spelling outside a folder can still lead inside it (`/srv/alias/state` with
 * `alias -> /srv/share/docs`); the checks that keep private folders out of the shared one use this.
 *
 * This module must not know about HTTP.
 * @module
 */

import { basename, dirname, isAbsolute, join, relative, sep } from "node:path";
import { throwIfOutOfDescriptors } from "./out_of_descriptors.ts";

/**
 * The segments of `path` below `folder` by their real paths (`[]` for the folder itself), or null
 * when `path` lies outside it. A folder that cannot be resolved holds nothing: null.
 */
export async function realSegmentsInside(path: string, folder: string): Promise<string[] | null> {
  let realFolder: string;
  try {
    realFolder = await Deno.realPath(folder);
  } catch {
    return null;
  }
  const missing: string[] = [];
  let at = path;
  for (;;) {
    try {
      at = await Deno.realPath(at);
      break;
    } catch {
      const up = dirname(at);
      if (up === at) return null;
      missing.unshift(basename(at));
      at = up;
    }
  }
  const rel = relative(realFolder, join(at, ...missing));
  if (rel === "") return [];
  if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  return rel.split(sep);
}

/**
 * The real path of `path` (symlinks resolved), or null when it cannot be resolved (missing, a
 * dangling link, denied, a loop of links). Out of descriptors is not "missing" and throws (see
 * out_of_descriptors.ts), so no caller caches it or skips a member for it.
 */
export async function realPathOrNull(path: string): Promise<string | null> {
  try {
    return await Deno.realPath(path);
  } catch (err) {
    throwIfOutOfDescriptors(err);
    return null;
  }
}

/**
 * The real path of `path` (symlinks resolved), or `path` itself when it cannot be resolved (it
 * does not exist, or a folder on the way cannot be read). Synchronous: it is used once at start,
 * where handlers are built.
 */
export function realPathOr(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return path;
  }
}

/**
 * The real path of `path`, resolved through its nearest existing ancestor when it does not exist
 * yet (the missing names joined back as they are); `path` itself when nothing resolves.
 * Synchronous: it is used once at start, where handlers are built.
 */
export function realPathThroughAncestors(path: string): string {
  const missing: string[] = [];
  let at = path;
  for (;;) {
    try {
      return join(Deno.realPathSync(at), ...missing);
    } catch {
      const up = dirname(at);
      if (up === at) return path;
      missing.unshift(basename(at));
      at = up;
    }
  }
}
