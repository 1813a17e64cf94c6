/**
 * The name of the folder inside the shared folder where resumable uploads keep their partial
 * data and metadata until they complete: the contract between the feature that writes there
 * (`src/resumable/`) and the ones that must never serve, list or write it (`src/files/`,
 * `src/uploads/`), whatever the flags — `--dotfiles` included, since a partial upload is neither
 * a file the user shared nor one anyone finished sending.
 *
 * Wherever the state folder lies (`--resumable-dir` outside the share), the served folders hide it
 * by its real path (`hiddenPathsFor`, `secret_files.ts`): a link followed with `--follow-symlinks`
 * must not reach it either.
 *
 * This module must not touch the file system or know about HTTP.
 * @module
 */

import { join, resolve } from "node:path";
import type { AppConfig } from "./app_config.ts";

/** The state folder's name; it starts with "." so a listing of the folder hides it anyway. */
export const STATE_FOLDER_NAME = ".wireserve-uploads";

/** The state folder's mode when wireserve makes it: partial uploads are nobody else's to read. */
export const STATE_FOLDER_MODE = 0o700;

/** The state folder `config` asks for: `--resumable-dir`, else the reserved folder in the share. */
export function stateFolderOf(config: AppConfig): string {
  return config.resumableDir ?? join(resolve(config.directory), STATE_FOLDER_NAME);
}

/** Whether `segment` (one decoded path segment) names the state folder. */
export function isStateFolderName(segment: string): boolean {
  return segment === STATE_FOLDER_NAME;
}
