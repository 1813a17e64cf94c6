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
 * This module must not touch sockets.
 * @module
 */

import type { HttpResponse } from "../http/types.ts";
import { TempFile } from "./temp_file.ts";
import type { UploadContext } from "./upload_context.ts";
import { prepareFolder } from "./write_target.ts";

/** Tries to create the temp file before the folder's disappearance is left to the handler. */
export const TEMP_CREATE_ATTEMPTS = 4;

/** The folders an upload made, to remove again (only if empty) when it fails. */
export interface MadeFolders {
  undo: () => Promise<void>;
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
    try {
      return await create(dir, finalName);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound) || attempt >= TEMP_CREATE_ATTEMPTS) throw err;
    }
    const again = await prepareFolder(ctx, dir);
    if (!again.ok) return again.response;
    const before = folders.undo;
    folders.undo = async () => {
      await again.undo();
      await before();
    };
  }
}
