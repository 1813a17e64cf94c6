/**
 * Finding a resource the way the read side would show it: a path resolved by the safe-path rules
 * (`--dotfiles`, 400 for malformed, 404 for a climb out), the server's reserved names refused,
 * symlinks followed only where the read side follows them (inside the root unless
 * `--follow-symlinks`, never into a dot-folder without `--dotfiles`), and only folders and
 * regular files — what `GET` would not show, PROPFIND does not show either.
 *
 * This module must not touch sockets.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpResponse } from "../http/types.ts";
import { isReservedName } from "../app/reserved_names.ts";
import { refused, resolveSafePath } from "../files/mod.ts";
import { type DavContext, plainAnswer } from "./dav_context.ts";
import { throwIfOutOfDescriptors } from "../app/out_of_descriptors.ts";
import { realSegmentsInside } from "../app/real_path_inside.ts";

/** A resource that exists and may be shown. */
export interface Resource {
  segments: string[];
  fsPath: string;
  /** Whether the URL ended with "/". */
  trailingSlash: boolean;
  isDir: boolean;
  /** Its stat (through a symlink when it is one). */
  info: Deno.FileInfo;
}

/** A path resolved for reading: segments and disk path, existing or not. */
export interface ReadPath {
  segments: string[];
  fsPath: string;
  trailingSlash: boolean;
}

/** Resolves the raw path below the mount for reading, or the answer that refuses it. */
export function resolveRead(ctx: DavContext, raw: string): ReadPath | HttpResponse {
  // refuse: a --hide path is missing by its URL already, before any disk access
  const path = resolveSafePath(ctx.uploads.root, raw, {
    dotfiles: ctx.config.dotfiles,
    hidden: ctx.files.hidden,
  });
  if (!path.ok) return refused(path.status);
  // refuse: the server's own names are never a resource, even with --dotfiles
  if (path.segments.some(isReservedName)) return plainAnswer(STATUS.NotFound, "Not found");
  return { segments: path.segments, fsPath: path.fsPath, trailingSlash: path.trailingSlash };
}

/** The stat of what is at `fsPath` if the read side would show it, else null. */
export async function statVisible(ctx: DavContext, fsPath: string): Promise<Deno.FileInfo | null> {
  try {
    const real = await Deno.realPath(fsPath);
    const info = await Deno.stat(real);
    if (!info.isFile && !info.isDirectory) return null;
    // Whether it is a folder decides folder-only patterns (`--hide private/`): a file named
    // `private` stays visible, as in the listing and to GET.
    return await ctx.files.cache.allowed(real, info.isDirectory, fsPath) ? info : null;
  } catch (err) {
    throwIfOutOfDescriptors(err);
    return null; // missing, unreadable, a loop of links: all look missing
  }
}

/** The resource at `raw` (below the mount), or the answer: 400/404, or 404 when missing. */
export async function findResource(ctx: DavContext, raw: string): Promise<Resource | HttpResponse> {
  const path = resolveRead(ctx, raw);
  if ("status" in path) return path;
  const info = await statVisible(ctx, path.fsPath);
  // A file named as a folder (`a.txt/`) does not exist, as on every file system.
  if (info === null || (path.trailingSlash && !info.isDirectory && path.segments.length > 0)) {
    return plainAnswer(STATUS.NotFound, "Not found");
  }
  return { ...path, isDir: info.isDirectory, info };
}

/**
 * Whether a path below a folder is private (`--hide`): `rel` (segments below the folder) and
 * whether it is a folder.
 */
export type Hider = (rel: readonly string[], isDir: boolean) => boolean;

const NOTHING_HIDDEN: Hider = () => false;

/**
 * The `--hide` check for what lies below the folder `segments` (at `fsPath`, which need not exist
 * yet): a path is private when its URL path or its real path matches, as the listing and the
 * read side hold it — a folder reached through a symlink is held to the patterns by both names.
 * Every member of a listing, a copy or a move passes it, so that none of them shows, or carries
 * a private path to a name where it would show.
 */
export async function hiderBelow(
  ctx: DavContext,
  segments: readonly string[],
  fsPath: string,
): Promise<Hider> {
  const hidden = ctx.files.hidden;
  if (hidden.emptyBelow) return NOTHING_HIDDEN;
  const real = await realSegmentsInside(fsPath, ctx.files.root);
  return (rel, isDir) =>
    hidden.hides([...segments, ...rel], isDir) ||
    (real !== null && hidden.hides([...real, ...rel], isDir));
}
