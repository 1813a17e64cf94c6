/**
 * The temporary file an upload streams into, beside its final name, and the one atomic step that
 * publishes it. A reader sees either the old file or the complete new one, never a prefix: the
 * bytes go to `.<name>.wireserve-<random>.tmp` in the target folder (same file system, so the
 * rename is atomic, POSIX rename(2)) and only a finished, verified upload is renamed into place.
 * A temp file that is not committed is removed (`discard`), whatever went wrong.
 *
 * Decisions:
 * - No fsync. Durability across a power cut would cost a full flush per upload (seconds for a
 *   large file on a disk) and is not what a LAN file drop promises; atomicity against readers and
 *   against failed uploads is. (ext4 and XFS already flush a file renamed over another.)
 * - Every commit tries link(2) first, which fails when the name exists, so of two uploads racing
 *   on one new name exactly one is told "created" (201) and the other "replaced" (204), or
 *   "exists" for create-only commits (`If-None-Match: *`, `--no-overwrite`), which never replace.
 *   Where the file system cannot link (FAT, some network shares) it falls back to
 *   check-then-rename, racy by a few microseconds.
 * - A name held only by a dangling symlink (or a loop of links) names no file: GET and PROPFIND
 *   answer 404, and a plain upload replaces the link by one rename and is "created" (201). A
 *   create-only commit (`If-None-Match: *`, `--no-overwrite`) leaves the link alone ("exists"):
 *   the user who asked never to replace anything keeps the link they made.
 * - A replaced file's permission bits (mode & 0o777) pass to the file that replaces it, just
 *   before the rename: a 0600 file must not become world-readable by an upload, nor a script
 *   lose its execute bit. Only the nine rwx bits: setuid/setgid/sticky are not carried, so an
 *   upload can never make a set-id program out of its own bytes. (Owner and group are the
 *   server's, as for any file it creates.)
 * - The temp file stays open until the publish attempt is over (where the OS can rename an open
 *   file: not Windows, which closes it first). A folder moved while the upload streams into it
 *   (WebDAV MOVE, another program) takes the temp file along, out of reach of `discard`'s
 *   remove by the old path; the open handle still reaches it, so `discard` truncates it to 0
 *   bytes before closing: the leftover is an empty hidden name the start-up sweep removes later
 *   (`temp_sweep.ts`), not a copy of the whole upload. Its name cannot be found again: the
 *   descriptor knows no path, and searching the tree for it would cost a walk per failure. A temp
 *   file closed early (`close`: a form's finished part, to free its descriptor) has no handle
 *   left, so one that moved away keeps its bytes until the start-up sweep.
 * - The temp name starts with "." so listings that hide dotfiles hide it, and embeds at most
 *   {@link TEMP_NAME_KEEP_BYTES} bytes (whole characters) of the final name so a leftover after a
 *   crash can be traced without ever exceeding the 255-byte name limit.
 *
 * This module must not know about HTTP.
 * @module
 */

import { basename, dirname, join } from "node:path";
import { tempNameFor } from "../app/temp_name.ts";

/** How a commit went. */
export type CommitOutcome = "created" | "replaced" | "exists";

/**
 * What a name holds as a resource, for a commit's outcome and the permission bits it keeps (null:
 * nothing). The default, {@link resourceAt}, follows links; a caller that knows the served root
 * passes one that sees a link the read side does not follow as nothing.
 */
export type ResourceLookup = (path: string) => Promise<Deno.FileInfo | null>;

/** Whether the OS renames an open file (Windows does not: there a commit closes it first). */
const RENAMES_OPEN_FILES = Deno.build.os !== "windows";

/** A temporary file open for writing in the folder of its final name. */
export class TempFile {
  /** Where the bytes are going. */
  readonly path: string;
  #file: Deno.FsFile | null;
  #done = false;

  private constructor(path: string, file: Deno.FsFile) {
    this.path = path;
    this.#file = file;
  }

  /** Creates a new, empty temp file in `dir` for the final name `finalName`. */
  static async create(dir: string, finalName: string): Promise<TempFile> {
    const path = join(dir, tempNameFor(finalName));
    // createNew: never open (and truncate) a file someone else made under this name
    const file = await Deno.open(path, { write: true, createNew: true });
    return new TempFile(path, file);
  }

  /** Writes all of `bytes` (a file write may be partial). */
  async write(bytes: Uint8Array): Promise<void> {
    const file = this.#open();
    let at = 0;
    while (at < bytes.length) at += await file.write(at === 0 ? bytes : bytes.subarray(at));
  }

  /** The temp file's metadata (size, mtime, inode carry over to the final name on rename). */
  stat(): Promise<Deno.FileInfo> {
    return this.#open().stat();
  }

  /**
   * Sets the file's modification time, which the rename or link that publishes it keeps, so the
   * file never appears under its name with another time. Whether the file system kept it to the
   * second (ext4 holds 1901 to 2446, FAT 1980 to 2107); never throws: a time is a wish of the
   * client, not a reason to fail the upload.
   */
  async setModified(mtime: Date): Promise<boolean> {
    const file = this.#open();
    const now = new Date();
    try {
      await file.utime(now, mtime);
      const kept = (await file.stat()).mtime;
      if (kept !== null && wholeSeconds(kept.getTime()) === wholeSeconds(mtime.getTime())) {
        return true;
      }
      // A time clamped to the file system's range is neither the one asked for nor the upload's.
      await file.utime(now, now);
    } catch {
      // the upload's own time stays
    }
    return false;
  }

  /**
   * Publishes the file as `finalPath`. With `createOnly`, an existing name is left alone and the
   * outcome is "exists" (the temp file is then discarded); otherwise it is replaced atomically.
   */
  async commit(
    finalPath: string,
    createOnly: boolean,
    lookup: ResourceLookup = resourceAt,
  ): Promise<CommitOutcome> {
    // Kept open where possible until the attempt is over: a failed one may need the handle to
    // empty a temp file that moved away with its folder (see the module doc).
    if (!RENAMES_OPEN_FILES) this.#close();
    try {
      const outcome = await publishFile(this.path, finalPath, createOnly, lookup);
      if (outcome !== "exists") this.#done = true;
      return outcome;
    } finally {
      if (this.#done) this.#close();
      else await this.discard();
    }
  }

  /** Closes the file but keeps it on disk for a later `commit` (frees the descriptor). */
  close(): void {
    this.#close();
  }

  /**
   * Removes and closes the temp file; safe to call at any time, more than once; never throws.
   * When nothing is left at its path but it is still open, it moved away with its folder: it is
   * emptied through the handle (see the module doc).
   */
  async discard(): Promise<void> {
    if (this.#done) {
      this.#close();
      return;
    }
    this.#done = true;
    if (!RENAMES_OPEN_FILES) this.#close(); // Windows cannot remove an open file either
    try {
      await Deno.remove(this.path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound && this.#file !== null) {
        await this.#file.truncate(0).catch(() => {});
      }
    } finally {
      this.#close();
    }
  }

  #open(): Deno.FsFile {
    if (this.#file === null) throw new Error("Cannot use temp file: it is already closed");
    return this.#file;
  }

  #close(): void {
    if (this.#file === null) return;
    try {
      this.#file.close();
    } catch {
      // already closed
    }
    this.#file = null;
  }
}

/**
 * Moves the finished file at `sourcePath` (same file system) to `finalPath` in one atomic step:
 * link(2) then unlink while the name is free ("created"), else rename(2) over it ("replaced");
 * with `createOnly` an existing name is never replaced ("exists" then, and `sourcePath` is left
 * in place). The one way every upload is published.
 */
export async function publishFile(
  sourcePath: string,
  finalPath: string,
  createOnly: boolean,
  lookup: ResourceLookup = resourceAt,
): Promise<CommitOutcome> {
  try {
    return await publishOnSameFileSystem(sourcePath, finalPath, createOnly, lookup);
  } catch (err) {
    if ((err as { code?: string }).code !== "EXDEV") throw err;
  }
  // Another file system (resumable uploads kept elsewhere): copy beside the final name first,
  // so that the step that makes the name appear is still one rename or link.
  const temp = join(dirname(finalPath), tempNameFor(basename(finalPath)));
  try {
    await Deno.copyFile(sourcePath, temp);
    const outcome = await publishOnSameFileSystem(temp, finalPath, createOnly, lookup);
    if (outcome !== "exists") await Deno.remove(sourcePath).catch(() => {});
    return outcome;
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
}

async function publishOnSameFileSystem(
  sourcePath: string,
  finalPath: string,
  createOnly: boolean,
  lookup: ResourceLookup,
): Promise<CommitOutcome> {
  // link(2) first, in both modes: it makes the name only if nobody holds it, so of two uploads
  // racing on one new name exactly one learns "created" (RFC 9110 §9.3.4: 201 for one, 204 for
  // the other). A check-then-rename would let both see an empty name and both answer 201.
  try {
    await Deno.link(sourcePath, finalPath);
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) {
      // A create-only commit never replaces what holds the name, a dangling link included.
      if (createOnly) return "exists";
      return await replaceExisting(sourcePath, finalPath, lookup);
    }
    if ((err as { code?: string }).code === "EXDEV") throw err; // publishFile copies across
    if (!linkUnsupported(err)) throw err;
    // No hard links here (FAT, some network shares): check-then-rename, racy by microseconds.
    if (createOnly && await lstatOrNull(finalPath) !== null) return "exists";
    return await replaceExisting(sourcePath, finalPath, lookup);
  }
  await Deno.remove(sourcePath).catch(() => {});
  return "created";
}

/**
 * Renames `sourcePath` over whatever `finalPath` names, keeping a replaced file's permission
 * bits; "created" when the name turned out to be free after all (removed in the meantime) or
 * held only by a dangling symlink (or by what `lookup` sees as nothing).
 */
async function replaceExisting(
  sourcePath: string,
  finalPath: string,
  lookup: ResourceLookup,
): Promise<CommitOutcome> {
  const existing = await lookup(finalPath);
  if (existing?.isFile) await takePermissions(sourcePath, existing);
  await Deno.rename(sourcePath, finalPath);
  return existing !== null ? "replaced" : "created";
}

/** The nine permission bits (rwx for owner, group, others): what a replacement keeps. */
const PERMISSION_BITS = 0o777;

/** Gives the file at `sourcePath` the permission bits of `replaced` (see the module doc). */
async function takePermissions(sourcePath: string, replaced: Deno.FileInfo): Promise<void> {
  if (replaced.mode === null) return; // Windows: no POSIX modes
  const wanted = replaced.mode & PERMISSION_BITS;
  const source = await Deno.stat(sourcePath);
  // Unchanged modes skip the call: on a file system with fixed modes (FAT) chmod may fail.
  if (source.mode === null || (source.mode & PERMISSION_BITS) === wanted) return;
  await Deno.chmod(sourcePath, wanted);
}

/**
 * Keeps the file (or link) at `path` reachable under a temp name beside it before something
 * replaces it, so that `putBack` can restore it: a hard link (no bytes copied), or a copy where
 * the file system has no hard links. Returns the temp path; `Deno.remove` it once the
 * replacement stands. A leftover after a crash is an ordinary temp name the start-up sweep removes.
 */
export async function setAside(path: string): Promise<string> {
  const aside = join(dirname(path), tempNameFor(basename(path)));
  try {
    await Deno.link(path, aside);
  } catch (err) {
    if (!linkUnsupported(err)) throw err;
    const info = await Deno.lstat(path);
    if (info.isSymlink) await Deno.symlink(await Deno.readLink(path), aside);
    else await Deno.copyFile(path, aside);
  }
  return aside;
}

/** Puts the file set aside at `aside` back under `path`, replacing what is there (one rename). */
export async function putBack(aside: string, path: string): Promise<void> {
  await Deno.rename(aside, path);
}

/** What `path` names (a file, folder or link, even a dangling one), or null when nothing. */
async function lstatOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.lstat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

/**
 * What `path` names as a resource (a file, folder, or link to one: its lstat), or null when
 * nothing does — a name held only by a dangling symlink (or a loop of them) included, which the
 * read side answers 404 and an upload replaces as a new file.
 */
export async function resourceAt(path: string): Promise<Deno.FileInfo | null> {
  const info = await lstatOrNull(path);
  if (info === null || !info.isSymlink) return info;
  try {
    await Deno.stat(path);
    return info;
  } catch {
    return null;
  }
}

const MS_PER_SECOND = 1000;

/** `ms` since the epoch in whole seconds (rounded down). */
function wholeSeconds(ms: number): number {
  return Math.floor(ms / MS_PER_SECOND);
}

/** Errors a file system without hard links gives for link(2). */
function linkUnsupported(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return err instanceof Deno.errors.NotSupported || code === "EPERM" || code === "ENOTSUP" ||
    code === "EOPNOTSUPP" || code === "EXDEV" || code === "EMLINK";
}
