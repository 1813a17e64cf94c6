/**
 * What a path-based walk of a folder (DELETE's removal, COPY's copy) checks so that paths changed
 * under it cannot lead it elsewhere: a walk lists a folder, then acts on its members by path, and
 * another client may MOVE a link or another folder onto a listed name meanwhile. Each walk lstats
 * a member when it reaches it and, before each member of a folder, asks whether the folder's path
 * still names the folder it listed.
 *
 * This module must not know about HTTP.
 * @module
 */

import { throwIfOutOfDescriptors } from "./out_of_descriptors.ts";

/**
 * What `path` names itself (a link as a link), or null when nothing; out of descriptors throws,
 * so the walk answers 503 rather than taking the name for gone.
 */
export async function lstatOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.lstat(path);
  } catch (err) {
    throwIfOutOfDescriptors(err);
    return null;
  }
}

/** Whether `fsPath` still names the folder `listed` (not a link, not another folder moved in). */
export async function sameFolder(fsPath: string, listed: Deno.FileInfo): Promise<boolean> {
  const now = await lstatOrNull(fsPath);
  return now !== null && now.isDirectory && !now.isSymlink && now.dev === listed.dev &&
    now.ino === listed.ino;
}
