/**
 * Moving a file or folder inside the share for MOVE (RFC 4918 §9.9), once `copy_move.ts` has
 * checked the request and cleared the destination.
 *
 * Decisions:
 * - One rename(2) where the file system allows: atomic, the resource is at one name or the
 *   other, with its dead properties, which live inside a folder or travel with a file's record
 *   (`dead_props.ts`).
 * - Across file systems (EXDEV) it is a copy (`tree_copy.ts`) and then a delete of the source as
 *   DELETE would do it, its properties and locks with it; members that fail to copy are
 *   reported (207) and the source is kept.
 * - Locks do not move (§7.7, §9.9.1): those rooted at the source are released.
 * - Both ends, and every path below a moved folder, are reported to the read cache.
 *
 * This module must not know about HTTP requests or touch sockets.
 * @module
 */

import { dirname, join } from "node:path";
import type { MemberStatus } from "../app/multistatus.ts";
import { removeResource, type WriteTarget } from "../uploads/mod.ts";
import type { DavContext } from "./dav_context.ts";
import { resourcePath } from "./dav_path.ts";
import { checkRecordTarget, moveDeadProps } from "./dead_props.ts";
import { RealResources } from "./real_resource.ts";
import type { Resource } from "./resource.ts";
import { copyFile, copyFolder } from "./tree_copy.ts";
import type { TreeEntry } from "./tree_entries.ts";

/**
 * Moves `src` to `dst` (which no longer exists); `below` is the source folder's tree, whose paths
 * all change URL. The members that failed (only when the move had to copy).
 */
export async function moveResource(
  ctx: DavContext,
  src: Resource,
  dst: WriteTarget,
  below: readonly TreeEntry[],
): Promise<MemberStatus[]> {
  // refuse: a file whose record could only follow it through a link does not move at all
  checkRecordTarget(src.fsPath, dst.fsPath, src.isDir);
  try {
    await Deno.rename(src.fsPath, dst.fsPath);
    await moveDeadProps(src.fsPath, dst.fsPath, src.isDir);
  } catch (err) {
    if ((err as { code?: string }).code !== "EXDEV") throw err;
    // Another file system below the share: copy, then delete the source as DELETE would (its
    // properties and locks go with it).
    const failed: MemberStatus[] = [];
    if (src.isDir) await copyFolder(ctx, src.fsPath, dst.fsPath, dst.segments, true, failed);
    else await copyFile(src.fsPath, src.info, dst.fsPath);
    if (failed.length > 0) return failed;
    const gone = await removeResource(ctx.uploads, src.segments, src.fsPath, src.isDir);
    if (!gone.gone) return gone.failed;
  }
  for (const e of below) {
    ctx.uploads.changed(join(src.fsPath, ...e.rel));
    ctx.uploads.changed(join(dst.fsPath, ...e.rel));
  }
  // Locks stay with their URL, which no longer names anything (§7.7, §9.9.1) — nor does its real
  // spelling; the name itself is not followed: a moved link leaves its target's locks.
  await ctx.locks.release(
    resourcePath(src.segments),
    false,
    await new RealResources(ctx).of(src.segments, false),
  );
  ctx.uploads.changed(src.fsPath);
  ctx.uploads.changed(dirname(src.fsPath));
  return [];
}
