/**
 * `DELETE /files/<path>`, only with `--allow-delete` (otherwise the method is not routed and the
 * router answers 405 with an `Allow` that omits it). A file or symlink is removed (the link, not
 * its target, also when a link to a folder is named with its final "/") → 204; a folder is removed with everything in it (RFC 4918 §9.6.1: DELETE on a
 * collection acts as if `Depth: infinity`, which is what every WebDAV client — Finder, Explorer,
 * rclone's purge — relies on) → 204. `If-Match` guards it like a write (412), the write guard
 * (WebDAV locks) after it (423). The shared folder itself cannot be deleted (403), nor a folder
 * that holds a private path (`--hide`, the settings file: 403, nothing removed) — checked after
 * the locks, so a locked folder answers 423 whatever it holds.
 *
 * Decisions:
 * - A folder is walked depth-first and each entry removed on its own: no file system offers an
 *   atomic recursive delete. When some members cannot be removed, the rest are, and the answer is
 *   207 listing only the members that failed (§9.6.1: their parents' implied 424 is left out);
 *   a member the client cannot see (a dotfile without `--dotfiles`, the server's own names) is
 *   reported as its folder, so no hidden name leaks. When the only failure is the folder itself
 *   (it cannot be read, or it stays once emptied: a read-only mount), the answer is that status
 *   alone, as for a file (§9.6.1: a 207 reports members). A folder is named with its final "/".
 * - Symlinks inside are removed as links and never followed: the walk stays inside the tree, also
 *   when a member is swapped for a link or another folder while it runs (`removeTree`).
 * - A member whose name is not UTF-8 (which Deno cannot name, `isLossyName`) goes with its
 *   folder: once every other member is gone, the folder is removed recursively by its own path.
 *   PROPFIND never showed such a member, and a client emptying the folder (rclone purge,
 *   Explorer) expects the folder gone, not a 500.
 * - `--allow-delete` is the user's consent to removing what the share holds; the dotfiles and
 *   the server's own files inside a deleted folder go with it, since the folder is gone.
 *
 * This module must not touch sockets.
 * @module
 */

import { dirname, join } from "node:path";
import { trimOws } from "../http/ows.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { type MemberStatus, multiStatus } from "../app/multistatus.ts";
import { isReservedName } from "../app/reserved_names.ts";
import { isLossyName, segmentsUrl } from "../files/mod.ts";
import { decideWrite } from "./write_conditions.ts";
import { hiddenTreeRefusal } from "./hidden_tree.ts";
import {
  pathBelowMount,
  plain,
  storageFailure,
  UPLOAD_MOUNT,
  type UploadContext,
  writeRefusal,
} from "./upload_context.ts";
import { existingValidators, failure, resolveWriteTarget } from "./write_target.ts";
import { lstatOrNull, sameFolder } from "../app/walk_guard.ts";

/** Removes the file, link or folder (with its contents) named by `req`. */
export async function deleteEntry(ctx: UploadContext, req: HttpRequest): Promise<HttpResponse> {
  const refusal = writeRefusal(ctx, req);
  if (refusal !== null) return refusal;
  const resolved = await resolveWriteTarget(ctx, pathBelowMount(req), false);
  if (!resolved.ok) return resolved.response;
  const target = resolved.target;
  if (target.segments.length === 0) {
    return plain(STATUS.Forbidden, "The shared folder itself cannot be deleted");
  }
  const existing = target.existing;
  if (existing === null) return plain(STATUS.NotFound, "Not found");
  // A folder URL names a folder, or a link to one (its listing is served there): the link goes,
  // as without the slash, and what it leads to stays.
  if (
    target.trailingSlash && !existing.isDirectory &&
    !(existing.isSymlink && await leadsToFolder(target.fsPath))
  ) {
    return plain(STATUS.NotFound, "Not found");
  }
  // refuse: a folder is deleted whole (RFC 4918 §9.6.1: only `Depth: infinity`); a client asking
  // for less must not lose the rest (Apache: 400 too). OWS only: `infinity\xA0` is not infinity.
  const depthField = req.headers.list("depth");
  const depth = depthField === undefined ? undefined : trimOws(depthField).toLowerCase();
  if (existing.isDirectory && depth !== undefined && depth !== "infinity") {
    return plain(STATUS.BadRequest, "A folder is deleted with Depth: infinity only");
  }
  const current = existingValidators(existing);
  const decision = decideWrite(req.method, req.headers, current, false);
  if (decision.kind === "refuse") return plain(decision.status, decision.text);
  const guarded = await ctx.writeGuard(req, {
    kind: "remove",
    segments: target.segments,
    fsPath: target.fsPath,
    existing,
  });
  if (guarded !== null) return guarded;
  // refuse: private paths are never written, and removing their folder would delete them. After
  // the lock check (RFC 4918 §9.6, §7: a locked folder answers 423 before anything else is said
  // about the delete), which also keeps a client without the token from learning, by 403 against
  // 423, whether the folder holds private files.
  if (existing.isDirectory) {
    const kept = await hiddenTreeRefusal(ctx, target.segments, target.fsPath, "deleted");
    if (kept !== null) return kept;
  }
  const isDir = existing.isDirectory; // lstat: a link to a folder is a link
  const outcome = await removeResource(ctx, target.segments, target.fsPath, isDir);
  if (outcome.gone) return { status: STATUS.NoContent };
  if (outcome.failed.length > 0) return failedRemoval(ctx, target.segments, outcome.failed);
  return outcome.error ?? plain(STATUS.NotFound, "Not found");
}

/**
 * The answer to a DELETE of the folder `segments` whose removal left `failed`: 207 naming the
 * members that failed, or — when every failure names the folder itself (it could not be read,
 * or it stayed once emptied; a member hidden from the client is reported as its folder) — that
 * failure's status alone, as a file's DELETE answers. RFC 4918 §9.6.1: the 207 is for errors on
 * members, "a resource other than the resource identified in the Request-URI".
 */
function failedRemoval(
  ctx: UploadContext,
  segments: readonly string[],
  failed: readonly MemberStatus[],
): HttpResponse {
  const own = memberHref(ctx, segments, true);
  if (failed.some((m) => m.href !== own)) return multiStatus([...failed]);
  const status = failed[0].status;
  return plain(status, status === STATUS.Conflict ? CHANGED_TEXT : "Cannot delete the folder");
}

/** The text of a 409 for a folder that changed while it was removed. */
const CHANGED_TEXT = "The folder changed while it was deleted";

/** Whether what `fsPath` leads to (through its links) is a folder. */
function leadsToFolder(fsPath: string): Promise<boolean> {
  return Deno.stat(fsPath).then((st) => st.isDirectory, () => false);
}

/** How a removal went: gone, or the members that failed (a folder) or the answer (a file). */
export interface RemoveOutcome {
  gone: boolean;
  failed: MemberStatus[];
  error: HttpResponse | null;
}

/**
 * Removes the file, link or folder (with everything in it) at `fsPath`, tells the `removed` and
 * `changed` hooks, and says how it went. Shared with WebDAV, whose MOVE and COPY remove what they
 * overwrite exactly as DELETE does.
 */
export async function removeResource(
  ctx: UploadContext,
  segments: readonly string[],
  fsPath: string,
  isDir: boolean,
  replacing = false,
): Promise<RemoveOutcome> {
  if (isDir) {
    const failed: MemberStatus[] = [];
    const gone = await removeTree(ctx, segments, fsPath, failed);
    if (!gone) {
      ctx.changed(dirname(fsPath));
      return { gone, failed, error: null };
    }
  } else {
    try {
      await Deno.remove(fsPath);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return { gone: false, failed: [], error: null };
      return { gone: false, failed: [], error: failure(err) };
    }
  }
  await ctx.removed(segments, fsPath, isDir, replacing);
  ctx.changed(fsPath);
  ctx.changed(dirname(fsPath));
  return { gone: true, failed: [], error: null };
}

/**
 * Removes the folder at `fsPath` and everything in it; adds each member that could not be
 * removed to `failed`. Resolves to whether the folder is gone.
 *
 * The walk removes by path, and paths can change under it: a client may MOVE a folder holding
 * private files, or a link leading out of the tree, into a member's name after that name was
 * listed. So (refuse:) a member that is no longer a folder when the walk reaches it is removed as
 * what it is now (a link as a link, never followed); a folder must still be the same one (device
 * and inode) after it is listed and before each of its members goes, else the walk stops there
 * with 409; and every member is held to the private-path patterns as it is met, not only by the
 * check before the walk. What is left is the microseconds between a look and the removal after
 * it: without `unlinkat` relative to an open folder (which Deno does not offer) a path-based walk
 * cannot close that.
 */
async function removeTree(
  ctx: UploadContext,
  segments: readonly string[],
  fsPath: string,
  failed: MemberStatus[],
): Promise<boolean> {
  const self = await lstatOrNull(fsPath);
  if (self === null) return true;
  if (!self.isDirectory || self.isSymlink) {
    // Swapped for a link or a file since its folder was listed: remove that, never what it leads to.
    return await removeMember(ctx, segments, fsPath, failed);
  }
  const entries: Deno.DirEntry[] = [];
  try {
    for await (const e of Deno.readDir(fsPath)) entries.push(e);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return true;
    failed.push(memberStatus(ctx, segments, true, err));
    return false;
  }
  let all = true;
  /** Whether some member has a name no string can name (bytes that are not UTF-8). */
  let unnamed = false;
  /** Whether a private member was reported yet (as the folder, once: its name is not told). */
  let privateTold = false;
  for (const e of entries) {
    // refuse: what was listed is acted on only while this path still names the listed folder
    if (!await sameFolder(fsPath, self)) {
      failed.push(conflict(ctx, segments));
      return false;
    }
    const child = join(fsPath, e.name);
    const childSegments = [...segments, e.name];
    // refuse: a private path never goes, even one moved into the folder while it was walked
    if (!ctx.hidden.emptyBelow && ctx.hidden.hides(childSegments, e.isDirectory)) {
      all = false;
      if (!privateTold) {
        failed.push({ href: memberHref(ctx, segments, true), status: STATUS.Forbidden });
      }
      privateTold = true;
      continue;
    }
    if (await isLossyName(fsPath, e.name)) {
      unnamed = true; // removed with the folder below, by the folder's own path
      continue;
    }
    if (e.isDirectory && !e.isSymlink) {
      if (!await removeTree(ctx, childSegments, child, failed)) all = false;
      continue;
    }
    if (!await removeMember(ctx, childSegments, child, failed)) all = false;
  }
  if (!all) return false; // the folder stays: its failed members are the ones to report
  if (!await sameFolder(fsPath, self)) {
    failed.push(conflict(ctx, segments));
    return false;
  }
  try {
    // A member whose name is not UTF-8 cannot be removed by name, but it is inside the folder
    // being deleted: removing the folder's tree by the folder's path takes it (links unfollowed).
    await Deno.remove(fsPath, { recursive: unnamed });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return true;
    // Something was put into the folder while it was emptied: a conflict, not a server fault.
    const filled = (err as { code?: string }).code === "ENOTEMPTY";
    failed.push(filled ? conflict(ctx, segments) : memberStatus(ctx, segments, true, err));
    return false;
  }
  ctx.changed(fsPath);
  return true;
}

/** Removes one file or link (the link itself); false, with its failure added, when it stays. */
async function removeMember(
  ctx: UploadContext,
  segments: readonly string[],
  fsPath: string,
  failed: MemberStatus[],
): Promise<boolean> {
  try {
    await Deno.remove(fsPath);
    ctx.changed(fsPath);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return true;
    failed.push(memberStatus(ctx, segments, false, err));
    return false;
  }
}

/** A folder that changed while it was being removed: 409 (RFC 9110 §15.5.10). */
function conflict(ctx: UploadContext, segments: readonly string[]): MemberStatus {
  return { href: memberHref(ctx, segments, true), status: STATUS.Conflict };
}

/**
 * The answer for a member that could not be removed, reported under its path — or, when a
 * segment of it is hidden from the client, under the folder above the first hidden one.
 */
function memberStatus(
  ctx: UploadContext,
  segments: readonly string[],
  isDir: boolean,
  err: unknown,
): MemberStatus {
  const status = storageFailure(err)?.status ?? STATUS.InternalServerError;
  return { href: memberHref(ctx, segments, isDir), status };
}

/**
 * Where a member is reported: its path (a folder's with its final "/", RFC 4918 §5.2, as PROPFIND
 * names it), or the folder above its first hidden segment.
 */
function memberHref(ctx: UploadContext, segments: readonly string[], isDir: boolean): string {
  const hidden = segments.findIndex((s) =>
    isReservedName(s) || (!ctx.config.dotfiles && s.startsWith("."))
  );
  const shown = hidden < 0 ? segments : segments.slice(0, hidden);
  return segmentsUrl(UPLOAD_MOUNT, shown, isDir || hidden >= 0);
}
