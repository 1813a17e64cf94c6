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
import { isLossyName } from "../files/mod.ts";
import { storageFailure, type WriteTarget } from "../uploads/mod.ts";
import type { DavContext } from "./dav_context.ts";
import { hrefOf } from "./dav_path.ts";
import { copyDeadProps } from "./dead_props.ts";
import { type Hider, hiderBelow, type Resource, statVisible } from "./resource.ts";

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
  } else await copyFile(src.fsPath, dst.fsPath);
  return failed;
}

/** Copies the file at `from` to `to` (replacing a file there) atomically, with its properties. */
export async function copyFile(from: string, to: string): Promise<void> {
  await copyBytes(from, to);
  await copyDeadProps(from, to, false);
}

/**
 * Copies the folder `from` to the new folder `to` (`segments` are its URL segments), and with
 * `deep` everything in it but what `leaveOut` names (paths below `from`); reports members that
 * failed in `failed`.
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
  await Deno.mkdir(to);
  ctx.uploads.changed(to);
  if (!deep) {
    await copyDeadProps(from, to, true);
    return;
  }
  const entries: Deno.DirEntry[] = [];
  for await (const e of Deno.readDir(from)) entries.push(e);
  let unnamed = false;
  for (const e of entries) {
    if (await isLossyName(from, e.name)) {
      unnamed = true; // see the module doc
      continue;
    }
    const source = join(from, e.name);
    const target = join(to, e.name);
    const memberSegments = [...segments, e.name];
    const memberRel = [...rel, e.name];
    try {
      if (e.name === DAV_PROPS_FOLDER && e.isDirectory) await copyRecords(source, target);
      else if (isReservedName(e.name)) continue;
      else if (leaveOut(memberRel, e.isDirectory)) continue;
      else if (e.isSymlink) {
        const info = await statVisible(ctx, source);
        if (info === null || !info.isFile) continue; // see the module doc
        await copyBytes(source, target);
        ctx.uploads.changed(target);
      } else if (e.isDirectory) {
        await copyFolder(ctx, source, target, memberSegments, true, failed, leaveOut, memberRel);
      } else if (e.isFile) {
        await copyBytes(source, target);
        ctx.uploads.changed(target);
      }
    } catch (err) {
      const status = storageFailure(err)?.status ?? STATUS.InternalServerError;
      failed.push({ href: hrefOf(memberSegments, e.isDirectory), status });
    }
  }
  // refuse: the folder is not a whole copy; it is what the 207 names, as it has no URL for them
  if (unnamed) failed.push({ href: hrefOf(segments, true), status: STATUS.Forbidden });
}

const COPY_ALL: Hider = () => false;

/** Copies a folder's property records (regular files only, no temp files). */
async function copyRecords(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (!e.isFile || isReservedName(e.name)) continue;
    await copyBytes(join(from, e.name), join(to, e.name));
  }
}

/** Copies the bytes of `from` to a temp file beside `to`, then renames it into place. */
async function copyBytes(from: string, to: string): Promise<void> {
  const temp = join(dirname(to), tempNameFor(basename(to)));
  try {
    await Deno.copyFile(from, temp);
    await Deno.rename(temp, to);
  } catch (err) {
    await Deno.remove(temp).catch(() => {});
    throw err;
  }
}
