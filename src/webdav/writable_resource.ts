/**
 * Finding an existing resource for a change made to it in place — PROPPATCH's dead properties
 * and file times: it must be a resource the read side shows (`resource.ts`: 400/404), and one
 * the write side may reach.
 *
 * Security reasoning:
 * - refuse (403, as PUT and DELETE answer): a folder on the way that really lies outside the root
 *   (a symlink leading out), by the uploads' own rules (`resolveWriteTarget`, for a name that
 *   exists, as DELETE resolves it: the name rules for new names do not apply to it). Its record
 *   (`<folder>/.wireserve-dav/p-<name>`) would be written out there.
 * - refuse (403): the resource itself really lies outside the root — a link `ext -> /elsewhere`
 *   or `link.txt -> /elsewhere/f` that `--follow-symlinks` lets a client read. A folder's record
 *   lives inside it (`ext/.wireserve-dav/self`) and `Win32LastModifiedTime` sets the time of what
 *   the link leads to: the change would land outside the share. `--follow-symlinks` widens what
 *   may be read, never where a write goes.
 * - `--hide` and the server's own names: 404, as the read side and the uploads answer.
 *
 * This module must not touch sockets.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpResponse } from "../http/types.ts";
import { realSegmentsInside } from "../app/real_path_inside.ts";
import { resolveWriteTarget } from "../uploads/mod.ts";
import { type DavContext, plainAnswer } from "./dav_context.ts";
import { findResource, type Resource } from "./resource.ts";

/**
 * The resource at `raw` (below the mount) for a change to it in place, or the answer that
 * refuses it: 400/404 as for a read, 403 when the change would reach outside the root.
 */
export async function findWritableResource(
  ctx: DavContext,
  raw: string,
): Promise<Resource | HttpResponse> {
  const resolved = await resolveWriteTarget(ctx.uploads, raw, false);
  if (!resolved.ok) return resolved.response;
  const found = await findResource(ctx, raw);
  if ("status" in found) return found;
  // refuse: a link leading out of the root is followed for reads only; a write through it would
  // land outside the share
  if (await realSegmentsInside(found.fsPath, ctx.uploads.root) === null) {
    return plainAnswer(STATUS.Forbidden, "Refused: the resource is outside the shared folder");
  }
  return found;
}
