/**
 * Whether the folder a write lands in may take it, judged by where it really lies: inside the
 * real root, not in a dot-folder without `--dotfiles`, not among the server's own folders, not
 * private (`--hide`). And what to answer when a folder on the way is a symlink that leads
 * nowhere — the write cannot land anywhere, but the answer still says where the link leads.
 *
 * Security reasoning:
 * - refuse (403): a real folder outside the root (a symlink on the way leads out), or in a
 *   dot-folder without `--dotfiles` (`docs -> .git`): a write there is a write somewhere the user
 *   never shared.
 * - refuse (404): a real folder that is one of the server's own (`reserved_names.ts`) or private
 *   (`--hide`), as the read side answers.
 * - A dangling link used as a folder (`dang -> missing`) is judged by where it leads, following
 *   the chain of links to the deepest folder that exists: a link out gets the 403 above (docs:
 *   "a folder on the way that is a symlink leading outside the root → 403"), one that stays
 *   inside 409 ("A folder on the way is a broken link", RFC 9110 §15.5.10: the tree's state is
 *   at fault), never a 500.
 *
 * This module must not touch sockets.
 * @module
 */

import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { STATUS } from "../http/status.ts";
import type { HttpResponse } from "../http/types.ts";
import { isReservedName } from "../app/reserved_names.ts";
import { plain, type UploadContext } from "./upload_context.ts";

/** Links followed from a dangling one before the chain counts as a loop (Linux's MAXSYMLINKS). */
const MAX_LINK_HOPS = 40;

/** The refusal for a write into the real folder `real` under the real root `realRoot`, or null. */
export function folderRefusal(
  ctx: UploadContext,
  realRoot: string,
  real: string,
): HttpResponse | null {
  const rel = relative(realRoot, real);
  // refuse: the real folder is outside the root (a symlink on the way leads out)
  if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return outside();
  const realNames = rel === "" ? [] : rel.split(sep);
  // refuse: a link into a dot-folder would let a write land in `.git` or `.ssh`
  if (!ctx.config.dotfiles && realNames.some((s) => s.startsWith("."))) return outside();
  // refuse: a link to the server's own folders (resumable state, dead properties) would let a
  // client plant or remove the records they hold; 404, as the read side answers
  if (realNames.some(isReservedName)) return plain(STATUS.NotFound, "Not found");
  // refuse: a link into a private folder would let a write land there (404, as for reads)
  if (realNames.length > 0 && ctx.hidden.hides(realNames, true)) {
    return plain(STATUS.NotFound, "Not found");
  }
  return null;
}

/**
 * The answer for a write whose folder `link` is a symlink that resolves to nothing: where the
 * chain of links leads decides (see the module doc). Null when `link` is no dangling link.
 */
export async function brokenLinkRefusal(
  ctx: UploadContext,
  realRoot: string,
  link: string,
): Promise<HttpResponse | null> {
  if (!(await lstatOrNull(link))?.isSymlink) return null;
  let at = link;
  for (let hop = 0; hop < MAX_LINK_HOPS; hop++) {
    let target: string;
    try {
      target = resolve(dirname(at), await Deno.readLink(at));
    } catch {
      return broken(); // replaced meanwhile by something that is no link
    }
    // The deepest name on the way to the target that exists (the root of the file system does).
    let found = target;
    let info = await lstatOrNull(found);
    while (info === null && dirname(found) !== found) {
      found = dirname(found);
      info = await lstatOrNull(found);
    }
    if (info === null) return broken();
    try {
      const real = await Deno.realPath(found);
      return folderRefusal(ctx, realRoot, real) ?? broken();
    } catch {
      if (!info.isSymlink) return broken();
      at = found; // another dangling link on the way: follow it
    }
  }
  return plain(STATUS.Conflict, "A loop of symbolic links in the path");
}

function broken(): HttpResponse {
  return plain(STATUS.Conflict, "A folder on the way is a broken link");
}

/** The 403 for a folder that lies outside what the write may reach. */
export function outside(): HttpResponse {
  return plain(STATUS.Forbidden, "Refused: the folder is outside the shared folder");
}

async function lstatOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.lstat(path);
  } catch {
    return null;
  }
}
