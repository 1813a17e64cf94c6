/**
 * The last step of a form upload: moving every finished temp file of the form into its final
 * name, all or nothing. Each move is one atomic rename or link (`TempFile.commit`), but a form is
 * several of them, so before a name is replaced its old file is set aside (a hard link under a
 * temp name, `setAside`). When a move fails — a create-only name taken meanwhile, or the disk —
 * the files already placed are undone in reverse order: a new name is removed, a replaced file is
 * put back from its link. On success the links are removed.
 *
 * Readers may see the first files of a form before the last ones are placed, and, on a failure,
 * see them go again: the promise is about what stays, not about one instant.
 *
 * This module must not know about HTTP.
 * @module
 */

import { join } from "node:path";
import { putBack, setAside, type TempFile } from "./temp_file.ts";

/** One finished file of a form: its final name in the folder and its temp file. */
export interface FormFile {
  readonly name: string;
  readonly temp: TempFile;
}

/** A placed file and how to undo it: the set-aside old file, or null for a new name. */
interface Placed {
  path: string;
  aside: string | null;
}

/**
 * Moves every file of `files` into `folder`. With `createOnly`, existing names are never
 * replaced. Returns null when all were placed, or the name found taken (create-only) after
 * undoing the rest; a failure of the disk is thrown after undoing the rest. Temp files not
 * placed stay for the caller to discard.
 */
export async function placeAll(
  folder: string,
  files: readonly FormFile[],
  createOnly: boolean,
): Promise<string | null> {
  const placed: Placed[] = [];
  try {
    for (const file of files) {
      const path = join(folder, file.name);
      const aside = createOnly ? null : await setAsideIfPresent(path);
      let outcome;
      try {
        outcome = await file.temp.commit(path, createOnly);
      } catch (err) {
        if (aside !== null) await Deno.remove(aside).catch(() => {});
        throw err;
      }
      if (outcome === "exists") {
        await undo(placed);
        return file.name;
      }
      placed.push({ path, aside });
    }
  } catch (err) {
    await undo(placed);
    throw err;
  }
  for (const { aside } of placed) if (aside !== null) await Deno.remove(aside).catch(() => {});
  return null;
}

/** Sets the file at `path` aside when there is one; null when the name is free. */
async function setAsideIfPresent(path: string): Promise<string | null> {
  try {
    await Deno.lstat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
  return await setAside(path);
}

/** Undoes `placed`, last first; best effort, as an undo that fails has nothing left to try. */
async function undo(placed: readonly Placed[]): Promise<void> {
  for (const { path, aside } of placed.toReversed()) {
    if (aside !== null) await putBack(aside, path).catch(() => {});
    else await Deno.remove(path).catch(() => {});
  }
}
