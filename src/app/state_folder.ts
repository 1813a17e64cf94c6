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
 * Every state folder the server keeps inside the share — this one, and the `.wireserve-dav` folder
 * of WebDAV's dead properties in any folder (`reserved_names.ts`) — is used only while it is a real
 * folder, looked at with lstat where it is used ({@link stateFolderExists}, {@link makeStateFolder}).
 * refuse: anyone who may write in the share (a local user, another program) can put a symlink, or
 * a file, where the server keeps its state; a link leading out would have the server create,
 * write, rename into and delete files outside the shared folder (records, lock files, partial
 * uploads), and read back what it finds there. Looked at again at each use, not once at start: the
 * name can be swapped at any time. The window left is the microseconds between that look and the
 * call after it (Deno has no `openat` or `O_NOFOLLOW` to close it).
 *
 * This module must not know about HTTP; it touches the file system only to look at a state folder
 * and to make one.
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

/**
 * A state folder that is not a real folder — a symlink (to a folder or not), a file, a FIFO: the
 * server neither writes nor reads through it. The message names the path for the operator's log;
 * a client is never told it (a 500 with the server's fixed text).
 */
export class StateFolderNotReal extends Error {
  readonly path: string;

  constructor(path: string) {
    super(
      `Refusing to use "${path}": the server keeps its state there, and it is not a real folder ` +
        `(a symbolic link or another kind of file stands there); move it away`,
    );
    this.name = "StateFolderNotReal";
    this.path = path;
  }
}

/**
 * Whether the state folder at `path` is there: true for a real folder, false when nothing is;
 * throws {@link StateFolderNotReal} for anything else (a symlink is never followed, even to a
 * folder), and what lstat throws besides NotFound. Synchronous: one lstat, microseconds, paid by
 * every use of the folder (a tus PATCH too).
 */
export function stateFolderExists(path: string): boolean {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
  // lstat: a symlink is a symlink here, never the folder it leads to
  if (!info.isDirectory || info.isSymlink) throw new StateFolderNotReal(path);
  return true;
}

/**
 * Makes the state folder at `path` (with `mode`) unless a real folder is there already; its
 * parent must exist. Throws {@link StateFolderNotReal} when something else stands there, before
 * or after the mkdir (which never follows a link: a link there is EEXIST).
 */
export async function makeStateFolder(path: string, mode?: number): Promise<void> {
  if (stateFolderExists(path)) return;
  try {
    await Deno.mkdir(path, mode === undefined ? {} : { mode });
  } catch (err) {
    if (!(err instanceof Deno.errors.AlreadyExists)) throw err; // made meanwhile: looked at below
  }
  if (!stateFolderExists(path)) {
    throw new Deno.errors.NotFound(`The state folder "${path}" went away as it was made`);
  }
}
