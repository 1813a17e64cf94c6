/**
 * The name of the folder inside the shared folder where resumable uploads keep their partial
 * data and metadata until they complete: the contract between the feature that writes there
 * (`src/resumable/`) and the ones that must never serve, list or write it (`src/files/`,
 * `src/uploads/`), whatever the flags — `--dotfiles` included, since a partial upload is neither
 * a file the user shared nor one anyone finished sending.
 *
 * This module must not touch the file system or know about HTTP.
 * @module
 */

/** The state folder's name; it starts with "." so a listing of the folder hides it anyway. */
export const STATE_FOLDER_NAME = ".wireserve-uploads";

/** Whether `segment` (one decoded path segment) names the state folder. */
export function isStateFolderName(segment: string): boolean {
  return segment === STATE_FOLDER_NAME;
}
