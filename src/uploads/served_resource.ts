/**
 * What a write sees at its final name: what the read side would serve there. A write's
 * preconditions, its 201-or-204 answer and the permission bits a replacement keeps all come from
 * it, so a name GET answers 404 for (a dangling link, a link out of the root, a link into a
 * dot-folder or the server's own folders) holds nothing for a write either, and the target of a
 * link the read side does not follow lends it neither validators nor dates.
 *
 * This module must not touch sockets.
 * @module
 */

import { isReservedName } from "../app/reserved_names.ts";
import { realSegmentsInside } from "../app/real_path_inside.ts";
import type { UploadContext } from "./upload_context.ts";

/**
 * What a write's preconditions and its answer see at `fsPath`: what the read side would serve
 * there. A symlink is followed, but one the read side does not follow — to a target outside the
 * root without `--follow-symlinks`, or into a dot-folder without `--dotfiles` — is no current
 * representation (null), like a dangling one: GET answers 404 for it, so `If-Match` fails,
 * `If-None-Match: *` passes, its date is never shown, and a PUT that replaces the link creates
 * (201). So is a FIFO, a socket or a device: only files and folders are served. Throws what
 * `stat` throws other than NotFound.
 */
export async function currentAt(ctx: UploadContext, fsPath: string): Promise<Deno.FileInfo | null> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(fsPath);
    if (!info.isSymlink) return servedKind(info);
    info = await Deno.stat(fsPath);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
  if (servedKind(info) === null) return null;
  const real = await realSegmentsInside(fsPath, ctx.root);
  // refuse: a link the read side does not follow must not lend its target's validators either
  if (real === null) return ctx.config.followSymlinks ? info : null;
  if (!ctx.config.dotfiles && real.some((s) => s.startsWith("."))) return null;
  if (real.some(isReservedName)) return null;
  return info;
}

/**
 * `info` when the read side serves that kind of entry (a regular file or a folder); null for a
 * FIFO, a socket or a device, which GET answers 404 for, so that a write sees nothing there too.
 */
function servedKind(info: Deno.FileInfo): Deno.FileInfo | null {
  return info.isFile || info.isDirectory ? info : null;
}

/** {@link currentAt} for a publish step: whatever cannot be looked at counts as nothing. */
export function servedResourceLookup(
  ctx: UploadContext,
): (fsPath: string) => Promise<Deno.FileInfo | null> {
  return (fsPath) => currentAt(ctx, fsPath).catch(() => null);
}
