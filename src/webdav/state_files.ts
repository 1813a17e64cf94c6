/**
 * The server's own files inside a `.wireserve-dav` folder — dead-property records, their lock
 * file, the lock table — opened and read only as what the server made them: plain files standing
 * there themselves, never through a link.
 *
 * Security reasoning:
 * - refuse: anyone who may write in the share can rename a `.wireserve-dav` folder away and put
 *   one of their own in its place, holding links: `lock -> /etc/x` would have the lock file's
 *   open create `/etc/x`, `locks.json -> /x` an append write there, `p-a.txt -> /x` a read of `/x`
 *   into a PROPFIND. So a file is looked at with lstat (a link, a FIFO, a folder: refused), then
 *   opened, and the handle must be the very file looked at (device and inode), so a swap between
 *   the look and the open reads or writes nothing through a link.
 * - allow: replacing a file by rename (records, the lock table written whole) and removing one
 *   (unlink) act on the link itself, never on what it leads to: those need no look.
 * - A FIFO is refused by the look, before any open: opening one for reading waits for a writer,
 *   maybe forever. This is `openRegularFile`'s rule (`src/files/open_regular.ts`: look, then open
 *   only a regular file), with lstat for its stat so a link is not followed either; the window
 *   left is the same, the microseconds between the look and the open. A writer opens read and
 *   write (`O_RDWR`), which does not wait on a FIFO even then. (Not imported from `src/files/`:
 *   the lock table's store, which uses this, runs on a pool's main thread, which loads no feature
 *   but through its `services.ts`.)
 *
 * The folder holding them is checked by `src/app/state_folder.ts` (`stateFolderExists`,
 * `makeStateFolder`); this module is about the files in it.
 *
 * This module must not know about HTTP.
 * @module
 */

import { StateFolderNotReal } from "../app/state_folder.ts";

/** One of the server's own files is something else than a plain file standing at its path. */
export class StateFileNotPlain extends StateFolderNotReal {
  constructor(path: string) {
    super(path);
    this.name = "StateFileNotPlain";
  }
}

/**
 * What stands at `path` itself (lstat) when it is a plain file; null when nothing does; throws
 * {@link StateFileNotPlain} for anything else (a symlink, a folder, a FIFO, a device).
 */
export function plainFileInfo(path: string): Deno.FileInfo | null {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
  if (!info.isFile || info.isSymlink) throw new StateFileNotPlain(path);
  return info;
}

/**
 * The text of the plain file at `path`, or null when nothing is there; throws
 * {@link StateFileNotPlain} when something else is, or was swapped in before the open.
 */
export async function readPlainFile(path: string): Promise<string | null> {
  const looked = plainFileInfo(path);
  if (looked === null) return null;
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
  try {
    if (!sameFile(await file.stat(), looked)) throw new StateFileNotPlain(path);
    return await new Response(file.readable).text(); // the stream closes the file
  } catch (err) {
    try {
      file.close();
    } catch {
      // closed by the stream already
    }
    throw err;
  }
}

/**
 * The plain file at `path` open for reading and writing (`append`: every write at its end), or
 * null when nothing is there; with `create`, a missing file is made (createNew, which never
 * follows a link: a link made meanwhile is EEXIST, then looked at). Throws
 * {@link StateFileNotPlain} when something else stands there or was swapped in before the open.
 */
export async function openPlainFile(
  path: string,
  how: { append?: boolean; create?: boolean },
): Promise<Deno.FsFile | null> {
  const looked = plainFileInfo(path);
  if (looked === null) {
    if (!how.create) return null;
    try {
      return await Deno.open(path, { read: true, write: true, createNew: true });
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
      return await openPlainFile(path, { append: how.append }); // made meanwhile: look at it
    }
  }
  // read and write: an O_RDWR open of a FIFO swapped in does not block, and is refused below
  const file = await Deno.open(
    path,
    how.append ? { read: true, append: true } : {
      read: true,
      write: true,
    },
  );
  let opened: Deno.FileInfo;
  try {
    opened = await file.stat();
  } catch (err) {
    file.close();
    throw err;
  }
  if (!sameFile(opened, looked)) {
    file.close();
    throw new StateFileNotPlain(path);
  }
  return file;
}

/** Whether `opened` (fstat) is the plain file `looked` (lstat) described. */
function sameFile(opened: Deno.FileInfo, looked: Deno.FileInfo): boolean {
  return opened.isFile && opened.dev === looked.dev && opened.ino === looked.ino;
}
