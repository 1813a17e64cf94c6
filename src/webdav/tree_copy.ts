/**
 * Copying files and folders inside the share for COPY (`copyResource`) and for a MOVE that
 * crosses file systems (`tree_move.ts`): each file is copied to a temp name beside its
 * destination and renamed into place, so a reader sees either nothing or the whole file; folders
 * are created as they are reached.
 *
 * Decisions:
 * - Dead properties come along: a file's record is copied with it, a folder's `.wireserve-dav`
 *   (its own record and its files') is copied as part of the folder, without any temp files
 *   that happen to be in it.
 * - Never copied: the server's temp files (an upload in progress is not a file yet), FIFOs and
 *   devices, symlinks the read side would not follow — and symlinks to folders at all, so a link
 *   cycle cannot make a copy endless. A symlink to a file inside the share is copied as the file
 *   it shows.
 * - A member is taken as it is when the walk reaches it, not as it was listed (`copyFolder`): a
 *   link, a folder or a file swapped in meanwhile never leads the copy out of the share.
 * - Members the caller leaves out are not copied: COPY (`copyResource`) leaves out what `--hide`
 *   covers at the source or would cover at the destination, so a copy can neither publish a
 *   private path under a name the patterns do not cover (`--hide docs/private`, COPY `docs` →
 *   `copy`) nor write one.
 * - A member that fails to copy is reported, the rest goes on (RFC 4918 §9.8.8: 207 with the
 *   failed members).
 * - A member whose name is not UTF-8 cannot be copied: Deno reads the name with U+FFFD for the
 *   bad bytes and cannot open the file by it (`isLossyName`). It has no URL either (PROPFIND
 *   leaves it out), so the 207 names the destination folder that lacks it, with 403 — never an
 *   href made of U+FFFD. A MOVE that has to copy then keeps its source, member included.
 *
 * This module must not touch sockets.
 * @module
 */

import { basename, dirname, join } from "node:path";
import { STATUS } from "../http/status.ts";
import type { MemberStatus } from "../app/multistatus.ts";
import { DAV_PROPS_FOLDER, isReservedName } from "../app/reserved_names.ts";
import { tempNameFor } from "../app/temp_name.ts";
import { isLossyName, NotRegularFile, openRegularFile, throwIfNotEnterable } from "../files/mod.ts";
import { makeStateFolder } from "../app/state_folder.ts";
import { storageFailure, type WriteTarget } from "../uploads/mod.ts";
import type { DavContext } from "./dav_context.ts";
import { hrefOf } from "./dav_path.ts";
import { checkRecordTarget, copyDeadProps } from "./dead_props.ts";
import { type Hider, hiderBelow, type Resource, statVisible } from "./resource.ts";
import { lstatOrNull, sameFolder } from "../app/walk_guard.ts";
import { realPathOrNull } from "../app/real_path_inside.ts";

/**
 * Copies the resource `src` to `dst` for a COPY (`depth` "0": a folder without its members,
 * "infinity": with them), leaving out what `--hide` covers at either end; the members that
 * failed.
 */
export async function copyResource(
  ctx: DavContext,
  src: Resource,
  dst: WriteTarget,
  depth: string,
): Promise<MemberStatus[]> {
  const failed: MemberStatus[] = [];
  if (src.isDir) {
    const [hiddenHere, hiddenThere] = await Promise.all([
      hiderBelow(ctx, src.segments, src.fsPath),
      hiderBelow(ctx, dst.segments, dst.fsPath),
    ]);
    // refuse: a private path is neither published under a name --hide misses nor written where
    // --hide would cover it
    const leaveOut: Hider = (rel, isDir) => hiddenHere(rel, isDir) || hiddenThere(rel, isDir);
    await copyFolder(
      ctx,
      src.fsPath,
      dst.fsPath,
      dst.segments,
      depth === "infinity",
      failed,
      leaveOut,
    );
  } else await copyFile(src.fsPath, src.info, dst.fsPath);
  return failed;
}

/**
 * Copies the file at `from` (which `looked`, a stat through its links, describes) to `to`
 * (replacing a file there) atomically, with its properties; `ChangedMeanwhile` when what opens is
 * not that file.
 */
export async function copyFile(from: string, looked: Deno.FileInfo, to: string): Promise<void> {
  // refuse: a file whose record could only follow it through a link is not copied at all
  checkRecordTarget(from, to, false);
  await copyBytesOf(from, looked, to);
  await copyDeadProps(from, to, false);
}

/**
 * Copies the folder `from` to the new folder `to` (`segments` are its URL segments), and with
 * `deep` everything in it but what `leaveOut` names (paths below `from`); reports members that
 * failed in `failed`.
 *
 * The walk reads by path, and paths can change under it: a client may MOVE a link leading out of
 * the share, or a folder of private files, into a member's name after that name was listed — and
 * what is copied is readable at the destination. So (refuse:) each member is held to what it is
 * when the walk reaches it (`lstat`), not when it was listed: a link is copied only as the read
 * side would serve it (`statVisible`); a folder must still be the same one (device and inode)
 * after it is listed and before each of its members, else the walk stops there with 409; a file
 * is copied only from a handle that is the very file looked at (`copyBytesOf`); and every member
 * is held to `leaveOut` as it is met.
 */
export async function copyFolder(
  ctx: DavContext,
  from: string,
  to: string,
  segments: readonly string[],
  deep: boolean,
  failed: MemberStatus[],
  leaveOut: Hider = COPY_ALL,
  rel: readonly string[] = [],
): Promise<void> {
  if (!deep) {
    await Deno.mkdir(to);
    ctx.uploads.changed(to);
    await copyDeadProps(from, to, true);
    return;
  }
  // The top folder is the resource as found (through a link if it is one, as the read side
  // allowed): walk its real path, where no component is a link, so "the same folder" can be held.
  if (rel.length === 0) from = await Deno.realPath(from);
  const self = await lstatOrNull(from);
  if (self === null || !self.isDirectory || self.isSymlink) {
    // Swapped for a link or a file since its folder listed it: never read through it.
    failed.push(conflict(segments));
    return;
  }
  // Read (and entered) before the copy is made: a folder the server may not read is what the 207
  // names, with nothing made for it (an empty copy was left behind, RFC 4918 §9.8.8).
  const entries: Deno.DirEntry[] = [];
  for await (const e of Deno.readDir(from)) entries.push(e);
  if (entries.length > 0) throwIfNotEnterable(from, entries[0].name);
  await Deno.mkdir(to);
  ctx.uploads.changed(to);
  let unnamed = false;
  for (const e of entries) {
    if (await isLossyName(from, e.name)) {
      unnamed = true; // see the module doc
      continue;
    }
    // refuse: what was listed is read only while this path still names the listed folder
    if (!await sameFolder(from, self)) {
      failed.push(conflict(segments));
      return;
    }
    const source = join(from, e.name);
    const target = join(to, e.name);
    const memberSegments = [...segments, e.name];
    const memberRel = [...rel, e.name];
    let isDir = e.isDirectory;
    try {
      const now = await lstatOrNull(source);
      if (now === null) continue; // gone since it was listed
      isDir = now.isDirectory && !now.isSymlink;
      if (e.name === DAV_PROPS_FOLDER) {
        if (isDir) await copyRecords(source, target);
      } else if (isReservedName(e.name)) continue;
      // refuse: a private path is held to the patterns as it is now, also one moved in meanwhile
      else if (leaveOut(memberRel, isDir)) continue;
      else if (now.isSymlink) {
        // Copied as the file it shows, only where the read side would follow it (see the module
        // doc), from the real path that was checked.
        const real = await realPathOrNull(source);
        // A broken or looping link has nothing to copy, and the listing, PROPFIND and the zip
        // leave it out: naming it in the 207 would only reveal a name no reader can see.
        if (real === null) continue;
        const info = await statVisible(ctx, real);
        if (info === null || !info.isFile) continue;
        await copyBytesOf(real, info, target);
        ctx.uploads.changed(target);
      } else if (isDir) {
        await copyFolder(ctx, source, target, memberSegments, true, failed, leaveOut, memberRel);
      } else if (now.isFile) {
        await copyBytesOf(source, now, target);
        ctx.uploads.changed(target);
      }
    } catch (err) {
      const status = err instanceof ChangedMeanwhile
        ? STATUS.Conflict
        : storageFailure(err)?.status ?? STATUS.InternalServerError;
      failed.push({ href: hrefOf(memberSegments, isDir), status });
    }
  }
  // refuse: the folder is not a whole copy; it is what the 207 names, as it has no URL for them
  if (unnamed) failed.push({ href: hrefOf(segments, true), status: STATUS.Forbidden });
}

/** A member that is no longer what the walk looked at when it comes to be read (409). */
export class ChangedMeanwhile extends Error {}

/** A folder that changed while it was being copied: 409 (RFC 9110 §15.5.10). */
function conflict(segments: readonly string[]): MemberStatus {
  return { href: hrefOf(segments, true), status: STATUS.Conflict };
}

const COPY_ALL: Hider = () => false;

/**
 * Bytes read and written at a time when a file is copied from an open handle: 1 MiB keeps the
 * copy near `Deno.copyFile`'s speed (measured: 200 MB in ~100 ms, where 64 KiB stream pieces took
 * 150–700 ms).
 */
const COPY_CHUNK_BYTES = 1024 * 1024;

/**
 * Copies a folder's property records (plain files only, no temp files) into the `.wireserve-dav`
 * `to` of a folder the copy made: each from the very file looked at, as a member's bytes are.
 */
async function copyRecords(from: string, to: string): Promise<void> {
  await makeStateFolder(to);
  for await (const e of Deno.readDir(from)) {
    if (!e.isFile || isReservedName(e.name)) continue;
    const record = await lstatOrNull(join(from, e.name));
    if (record === null || !record.isFile || record.isSymlink) continue; // swapped meanwhile
    await copyBytesOf(join(from, e.name), record, join(to, e.name));
  }
}

/**
 * Copies the regular file at `from` to a temp file beside `to`, then renames it into place, but
 * only if what opens is the file `looked` describes (same device and inode): opening follows a
 * link, so a file swapped for one between the look and the copy would otherwise be read through
 * it (refuse: `ChangedMeanwhile`). Once open, the handle is that file whatever happens to the
 * path. Opened by `openRegularFile`: a FIFO swapped in is refused, not waited on forever.
 */
async function copyBytesOf(from: string, looked: Deno.FileInfo, to: string): Promise<void> {
  using source = await openRegularFile(from).catch((err) => {
    if (err instanceof NotRegularFile) throw new ChangedMeanwhile(`No longer a file: "${from}"`);
    throw err;
  });
  const opened = await source.stat();
  if (!opened.isFile || opened.dev !== looked.dev || opened.ino !== looked.ino) {
    throw new ChangedMeanwhile(`Changed while it was copied: "${from}"`);
  }
  const temp = join(dirname(to), tempNameFor(basename(to)));
  try {
    // The file's permission bits come along, as `Deno.copyFile` keeps them.
    const mode = (opened.mode ?? 0o644) & 0o777;
    {
      using written = await Deno.open(temp, { write: true, createNew: true, mode });
      const chunk = new Uint8Array(COPY_CHUNK_BYTES);
      for (let n = await source.read(chunk); n !== null; n = await source.read(chunk)) {
        for (let at = 0; at < n;) at += await written.write(chunk.subarray(at, n));
      }
    }
    await Deno.rename(temp, to);
  } catch (err) {
    await Deno.remove(temp).catch(() => {});
    throw err;
  }
}
