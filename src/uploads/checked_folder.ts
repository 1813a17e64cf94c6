/**
 * The folder an upload was checked to land in, recorded when `prepareFolder` checked it (its real
 * path inside the real root, and its device and inode), and the looks that tell whether the
 * upload's temp file and folder path still lead there.
 *
 * Security reasoning: the checks of `write_target.ts` run before the body is read, but the temp
 * files are created in the folder *path* and published there later — a form creates a part's
 * temp file only when the part arrives. A local user who can write inside the root may meanwhile
 * swap the folder for a symlink leading out of the root (or elsewhere inside it); a write that
 * followed the path then would land somewhere the user never shared. So right after a temp file
 * is created, and again just before a form is published, the path must still resolve to the very
 * folder recorded:
 * - refuse (403): it now really lies outside the root (or anywhere `folderRefusal` refuses);
 * - refuse (409): it is another folder inside the root, or gone — the tree changed under the
 *   request (RFC 9110 §15.5.10).
 * What is left — a swap between this look and the create or the rename — needs
 * `openat2(RESOLVE_BENEATH)`, which Deno does not offer: narrowed to microseconds, not closed.
 *
 * This module must not touch sockets.
 * @module
 */

import { dirname, join } from "node:path";
import { STATUS } from "../http/status.ts";
import type { HttpResponse } from "../http/types.ts";
import { sameFolder } from "../app/walk_guard.ts";
import { folderRefusal } from "./folder_place.ts";
import { plain, type UploadContext, uploadFailure } from "./upload_context.ts";

/** The folder an upload was checked to write into, as it was when checked. */
export interface CheckedFolder {
  /** The real root at the time. */
  readonly realRoot: string;
  /** The folder's real path (no link in it). */
  readonly real: string;
  /** Its stat: device and inode say it is still the same folder. */
  readonly info: Deno.FileInfo;
}

/** The 409 for a folder that is no longer the one checked. */
export function folderReplaced(): HttpResponse {
  return plain(STATUS.Conflict, "The folder was replaced during the upload");
}

/**
 * Null when `dir` still leads to the folder `checked` (same real path, same device and inode),
 * else the refusal (see the module doc). Before a publish.
 */
export async function folderStillChecked(
  ctx: UploadContext,
  dir: string,
  checked: CheckedFolder,
): Promise<HttpResponse | null> {
  // Both looks at once: each is a hop to the file-system thread pool (~40 µs here).
  const [real, same] = await Promise.all([
    Deno.realPath(dir).catch((err: unknown) => err),
    sameFolder(checked.real, checked.info),
  ]);
  if (typeof real !== "string") return uploadFailure(real) ?? folderReplaced();
  if (real !== checked.real) return folderRefusal(ctx, checked.realRoot, real) ?? folderReplaced();
  return same ? null : folderReplaced();
}

/**
 * Null when the temp file just created at `dir`/`name` — the open file whose stat `info` gives — lies
 * in the folder `checked`: the name resolves to that folder's real path, and the file found there
 * is this very one (device and inode), so a swap there and back between the create and this look
 * does not pass. Else the refusal (see the module doc). Right after the temp file is created.
 */
export async function tempInCheckedFolder(
  ctx: UploadContext,
  dir: string,
  name: string,
  info: Promise<Deno.FileInfo>,
  checked: CheckedFolder,
): Promise<HttpResponse | null> {
  const expected = join(checked.real, name);
  // The three looks at once: each is a hop to the file-system thread pool (~40 µs here).
  const [real, there, own] = await Promise.all([
    Deno.realPath(join(dir, name)).catch((err: unknown) => err),
    lstatOrNull(expected),
    info,
  ]);
  if (typeof real !== "string") return uploadFailure(real) ?? folderReplaced();
  if (real !== expected) {
    return folderRefusal(ctx, checked.realRoot, dirname(real)) ?? folderReplaced();
  }
  const same = there !== null && there.dev === own.dev && there.ino === own.ino;
  return same ? null : folderReplaced();
}

async function lstatOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.lstat(path);
  } catch {
    return null;
  }
}
