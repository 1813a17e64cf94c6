/**
 * Names the server keeps for itself inside the shared folder: the temp files uploads stream into
 * (`temp_name.ts`), the resumable uploads' state folder (`state_folder.ts`) and the folder where
 * WebDAV keeps dead properties beside the files they describe. No feature lists, serves, copies or lets a client write one of them, whatever the
 * flags (`--dotfiles` included): they are the server's bookkeeping, not the user's files.
 *
 * This module must not touch the file system or know about HTTP.
 * @module
 */

import { isStateFolderName } from "./state_folder.ts";
import { isTempFileName } from "./temp_name.ts";

/**
 * The folder, inside any folder of the share, that holds the WebDAV dead properties of that
 * folder and its files. It starts with "." so that listings hiding dotfiles hide it, and is
 * refused by name everywhere else.
 */
export const DAV_PROPS_FOLDER = ".wireserve-dav";

/** Whether `name` (one path segment) is the server's own: never listed, served or written. */
export function isReservedName(name: string): boolean {
  // Both reserved kinds start with "."; ordinary names cost one comparison.
  if (name.charCodeAt(0) !== 0x2e) return false;
  return name === DAV_PROPS_FOLDER || isStateFolderName(name) || isTempFileName(name);
}
