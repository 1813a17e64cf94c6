/**
 * Opening an upload's temp file in a folder the upload may have just made, when another upload
 * may remove that folder at the same moment. An upload that fails removes the folders it made
 * if they are empty (`prepareFolder`'s undo); a second upload into the same new folder may have
 * found it there, and the folder can go between that look and the second upload's temp file
 * (ENOENT). docs/endpoints.md promises the folders stay when "another upload had meanwhile
 * started in them", so the second upload makes the folders again and retries, a bounded number of
 * times ({@link TEMP_CREATE_ATTEMPTS}): each retry follows another upload's failure, and past the
 * bound the NotFound goes to the handler (409: the folder was removed meanwhile). Once the temp
 * file exists the folder is no longer empty, and no undo can remove it.
 *
 * The folder was checked against the root before the body was read, but the temp file is created
 * by path, perhaps much later (a form's part): right after creating it, the folder path must still
 * lead to the folder checked (`checked_folder.ts`), else the temp file is discarded and the
 * refusal returned — 403 when the path now leads out of the root, 409 when the folder was
 * replaced.
 *
 * This module must not touch sockets.
 * @module
 */

import { basename } from "node:path";
import type { HttpResponse } from "../http/types.ts";
import { TempFile } from "./temp_file.ts";
import type { UploadContext } from "./upload_context.ts";
import { prepareFolder } from "./write_target.ts";
import { type CheckedFolder, tempInCheckedFolder } from "./checked_folder.ts";

/** Tries to create the temp file before the folder's disappearance is left to the handler. */
export const TEMP_CREATE_ATTEMPTS = 4;

/**
 * The folders an upload made, to remove again (only if empty) when it fails, and the folder its
 * temp files must land in (renewed when the folder is made again).
 */
export interface MadeFolders {
  undo: () => Promise<void>;
  checked: CheckedFolder;
}

/** How a temp file is created: `TempFile.create`, or a test's stand-in. */
export type CreateTemp = (dir: string, finalName: string) => Promise<TempFile>;

/**
 * Creates the temp file for `finalName` in `dir` (made by `prepareFolder`, whose undo is
 * `folders`); when `dir` vanished meanwhile, makes it again — the new folders join `folders.undo`
 * — and retries. Returns the temp file, or the refusal that making the folders again met; throws
 * what creating the file throws otherwise.
 */
export async function createTempInFolder(
  ctx: UploadContext,
  dir: string,
  finalName: string,
  folders: MadeFolders,
  create: CreateTemp = (d, name) => TempFile.create(d, name),
): Promise<TempFile | HttpResponse> {
  for (let attempt = 1;; attempt++) {
    let temp: TempFile | null = null;
    try {
      temp = await create(dir, finalName);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound) || attempt >= TEMP_CREATE_ATTEMPTS) throw err;
    }
    if (temp !== null) {
      // refuse: the path may have been swapped for a link out of the root since it was checked
      const moved = await stillInCheckedFolder(ctx, dir, folders.checked, temp);
      if (moved === null) return temp;
      await temp.discard();
      return moved;
    }
    const again = await prepareFolder(ctx, dir);
    if (!again.ok) return again.response;
    folders.checked = again.checked;
    const before = folders.undo;
    folders.undo = async () => {
      await again.undo();
      await before();
    };
  }
}

/** Null when `temp` was created in the folder `checked` and `dir` still leads there. */
async function stillInCheckedFolder(
  ctx: UploadContext,
  dir: string,
  checked: CheckedFolder,
  temp: TempFile,
): Promise<HttpResponse | null> {
  try {
    return await tempInCheckedFolder(ctx, dir, basename(temp.path), temp.stat(), checked);
  } catch (err) {
    await temp.discard();
    throw err;
  }
}
