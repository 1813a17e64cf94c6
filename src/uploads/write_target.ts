/**
 * Where a write goes: the URL path resolved inside the root (`safe_path.ts`), every segment held
 * to the stricter rules for names a write creates (`upload_name.ts`), the real folder checked
 * against the real root, and what exists there now. Everything here happens before the body is
 * read.
 *
 * Security reasoning:
 * - refuse (403): a folder on the way that is a symlink leading outside the root — or, without
 *   `--dotfiles`, into a dot-folder inside it (`docs -> .git`). This holds even with
 *   `--follow-symlinks`, which widens what may be *read*: a write through a link is a write
 *   somewhere the user never shared, so it is never followed out. The check runs on the deepest
 *   folder that exists (`realPath`), again after missing folders are created, and the file itself
 *   is published by rename(2), which replaces a symlink at the final name rather than writing
 *   through it. A dangling link on the way is judged by where it leads (`folder_place.ts`: 403
 *   out, 409 inside), and a link at the final name that the read side does not follow holds
 *   nothing for the write (`served_resource.ts`).
 * - A local user who can write inside the root may swap a checked folder for a symlink while the
 *   body streams: `prepareFolder` records the real folder it checked, and the temp file is
 *   verified to be in it right after it is created and again just before the publish
 *   (`checked_folder.ts`). The remaining window — a swap between that last look and the rename —
 *   needs `openat2(RESOLVE_BENEATH)`, which Deno does not offer; it is narrowed, not closed.
 * - Folders created for a write that then fails are removed again (only if still empty).
 * - refuse (404): a folder on the way that really is one of the server's own (`reserved_names.ts`),
 *   reached through a symlink under another name: the read side refuses it by its real path too.
 * - refuse (404): a path a `--hide` pattern matches, as the read side refuses it — checked on the
 *   decoded URL segments, on the real folder the write lands in, and on the real path of what
 *   exists at the name (a link to a private file). 404 rather than 403, so a write probe learns
 *   no more about a private path than a read does.
 *
 * This module must not touch sockets.
 * @module
 */

import { dirname, join } from "node:path";
import { STATUS } from "../http/status.ts";
import type { HttpResponse } from "../http/types.ts";
import type { Validators } from "../app/conditional.ts";
import { fileEtag, withSuffix } from "../app/etag.ts";
import { encodeSegment, resolveSafePath } from "../files/mod.ts";
import { isReservedName } from "../app/reserved_names.ts";
import { percentDecode } from "../app/percent_decode.ts";
import { realSegmentsInside } from "../app/real_path_inside.ts";
import { portabilityOnly, uploadNameProblem } from "./upload_name.ts";
import {
  plain,
  storageFailure,
  UPLOAD_MOUNT,
  type UploadContext,
  uploadFailure,
} from "./upload_context.ts";
import { brokenLinkRefusal, folderRefusal } from "./folder_place.ts";
import { currentAt } from "./served_resource.ts";
import type { CheckedFolder } from "./checked_folder.ts";

/** The content codings downloads are compressed with on the fly (their tags carry the name). */
const DOWNLOAD_CODINGS = ["br", "gzip"] as const;

const MS_PER_SECOND = 1000;
/** A name inside a folder, so that `escapesRoot` checks the folder itself. */
const FOLDER_PROBE = "x";

/** A resolved place to write. */
export interface WriteTarget {
  /** Decoded segments below the root; empty for the root itself. */
  segments: string[];
  /** The final path on disk. */
  fsPath: string;
  /** Its URL, rebuilt from the segments (never copied from the request). */
  url: string;
  /** Whether the URL ended with "/" (names a folder). */
  trailingSlash: boolean;
  /** What is at `fsPath` now (symlinks followed, except for deletions), or null when nothing is. */
  existing: Deno.FileInfo | null;
}

/** A target, or the response that refuses it. */
export type TargetResult = { ok: true; target: WriteTarget } | {
  ok: false;
  response: HttpResponse;
  /** Why a name was refused (`Refused name: …`, answered 400), when that is the refusal. */
  refusedName?: string;
};

/**
 * Resolves the raw URL path below the mount for a write. `creating` (default) holds every
 * segment to the name rules for new names; DELETE passes false, since a file that exists (put
 * there by other means) must stay deletable, and gets the read side's rules instead.
 */
export async function resolveWriteTarget(
  ctx: UploadContext,
  rawPath: string,
  creating = true,
  folder = false,
): Promise<TargetResult> {
  // For a creation, dotfiles pass here and are refused below with the name rules' 400.
  const dotfiles = creating || ctx.config.dotfiles;
  const path = resolveSafePath(ctx.root, rawPath, { dotfiles, hidden: ctx.hidden });
  if (!path.ok) {
    // A name the server keeps for itself is refused as a name, as every other name a write may
    // not create is: the read side's 404 would tell a MKCOL whose parent exists that there is
    // nothing to create in (RFC 4918 §9.3.1). Checked only on this failure path: no cost to
    // the writes that resolve.
    if (creating && namesReserved(rawPath)) {
      return refuseName("Refused name: reserved");
    }
    return refuse(
      path.status === STATUS.BadRequest ? "Bad request path" : "Not found",
      path.status,
    );
  }
  for (let i = 0; i < path.segments.length; i++) {
    const segment = path.segments[i];
    // refuse: a client must never address our temp files, even with --dotfiles (named first:
    // "reserved" says more than "dotfile name")
    if (isReservedName(segment)) return refuseName("Refused name: reserved");
    const problem = creating ? uploadNameProblem(segment, { dotfiles: ctx.config.dotfiles }) : null;
    if (problem === null) continue;
    // A name refused only for Windows' sake that exists already is not created by this write.
    if (
      portabilityOnly(problem) && await pathExists(join(ctx.root, ...path.segments.slice(0, i + 1)))
    ) {
      continue;
    }
    return refuseName(`Refused name: ${problem}`);
  }
  const outside = await escapesRoot(ctx, path.segments.length === 0 ? ctx.root : path.fsPath);
  if (outside !== null) return { ok: false, response: outside };
  let existing: Deno.FileInfo | null = null;
  try {
    // A deletion removes a symlink itself, never its target: look at the link, not through it.
    existing = creating ? await currentAt(ctx, path.fsPath) : await Deno.lstat(path.fsPath);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) return { ok: false, response: failure(err) };
  }
  const isDir = existing === null ? folder : existing.isDirectory;
  if (path.segments.length > 0 && await hiddenTarget(ctx, path.segments, path.fsPath, isDir)) {
    return refuse("Not found", STATUS.NotFound);
  }
  const url = UPLOAD_MOUNT + path.segments.map(encodeSegment).join("/");
  return {
    ok: true,
    target: {
      segments: path.segments,
      fsPath: path.fsPath,
      url: path.trailingSlash && path.segments.length > 0 ? `${url}/` : url,
      trailingSlash: path.trailingSlash,
      existing,
    },
  };
}

/** Whether a segment of the raw URL path, decoded, is one of the server's own names. */
function namesReserved(rawPath: string): boolean {
  return rawPath.split("/").some((encoded) => {
    const segment = percentDecode(encoded);
    return segment !== null && isReservedName(segment);
  });
}

/**
 * Creates `folder` and the missing folders above it, then re-checks that the real folder is
 * inside the root. Returns a cleanup that removes the folders it created (if still empty) and the
 * real folder as checked (`checked_folder.ts`: the upload's temp files must land there), or a
 * refusal.
 */
export async function prepareFolder(
  ctx: UploadContext,
  folder: string,
): Promise<
  { ok: true; undo: () => Promise<void>; checked: CheckedFolder } | {
    ok: false;
    response: HttpResponse;
  }
> {
  const created: string[] = [];
  for (let dir = folder; dir !== ctx.root && dir.startsWith(ctx.root); dir = dirname(dir)) {
    if (await pathExists(dir)) break;
    created.unshift(dir);
  }
  // Only folders this upload made are undone: a racing upload may have made the others.
  const made: string[] = [];
  const undo = async () => {
    for (const dir of [...made].reverse()) {
      await Deno.remove(dir).catch(() => {}); // not recursive: only if still empty
      ctx.changed(dir);
    }
  };
  try {
    for (const dir of created) {
      try {
        await Deno.mkdir(dir);
        made.push(dir);
      } catch (err) {
        // Another upload made it between our look and our mkdir: fine when it is a folder (the
        // escape check below still follows whatever it is to its real place).
        if (!(err instanceof Deno.errors.AlreadyExists) || !(await Deno.stat(dir)).isDirectory) {
          throw err;
        }
      }
    }
  } catch (err) {
    await undo();
    return { ok: false, response: failure(err) };
  }
  const found = await checkFolder(ctx, join(folder, FOLDER_PROBE));
  if (found === null || !("real" in found)) {
    await undo();
    // null: the folder went again between its mkdir and this look
    return { ok: false, response: found ?? uploadFailure(new Deno.errors.NotFound())! };
  }
  for (const dir of made) ctx.changed(dir);
  return { ok: true, undo, checked: found };
}

/**
 * The validators a write's preconditions see for what exists at a path: a file's own
 * (`validatorsOf`), with the tags of its compressed downloads accepted by If-Match; a folder or
 * anything else exists without a tag (`*` matches it, no listed tag does), so
 * `If-None-Match: *` cannot delete or replace a folder (RFC 9110 §13.1.1, §13.1.2).
 */
export function existingValidators(info: Deno.FileInfo): Validators {
  if (!info.isFile) return { etag: "", lastModifiedMs: null };
  const own = validatorsOf(info);
  return { ...own, codingEtags: codingEtagsOf(own.etag) };
}

/** The tags the compressed downloads of a file whose own tag is `etag` carry. */
export function codingEtagsOf(etag: string): string[] {
  return DOWNLOAD_CODINGS.map((coding) => withSuffix(etag, coding));
}

/** The strong ETag and Last-Modified the read side computes for `info` (`file_cache.ts`). */
export function validatorsOf(info: Deno.FileInfo): { etag: string; lastModifiedMs: number } {
  const mtimeMs = info.mtime?.getTime() ?? 0;
  return {
    etag: fileEtag(info.size, mtimeMs, info.ctime?.getTime() ?? 0, info.ino ?? null),
    // Never after now, as the read side sends it (RFC 9110 §8.8.2.1).
    lastModifiedMs: Math.floor(Math.min(mtimeMs, Date.now()) / MS_PER_SECOND) * MS_PER_SECOND,
  };
}

/**
 * Whether a write to `fsPath` (named by `segments`) touches a private path: the segments as a
 * folder or file (`isDir`), and its real path — a symlink to a private file or folder is private,
 * and so is a new name in a folder reached through a link, by the folder's real path.
 */
async function hiddenTarget(
  ctx: UploadContext,
  segments: readonly string[],
  fsPath: string,
  isDir: boolean,
): Promise<boolean> {
  if (ctx.hidden.emptyBelow) return false;
  if (ctx.hidden.hides(segments, isDir)) return true;
  // refuse: private by its real path — a link to a private file or folder, and a name not made
  // yet in a folder reached through a link (`alias -> docs`: `alias/secret.txt` would be made as
  // the hidden `docs/secret.txt`), held to the patterns as what it is or is to be
  const targetIsDir = await Deno.stat(fsPath).then((st) => st.isDirectory, () => null);
  const real = await realSegments(ctx, fsPath);
  if (real === null || real.length === 0) return false;
  return ctx.hidden.hides(real, targetIsDir ?? isDir);
}

/**
 * Whether what exists at `fsPath` is private by its real path: a symlink to a private file or
 * folder is as private as its target. False when nothing is there (or it leads out of the root,
 * which the folder checks refuse on their own).
 */
export async function hiddenBehindLink(ctx: UploadContext, fsPath: string): Promise<boolean> {
  if (ctx.hidden.emptyBelow) return false;
  // The link itself may be a file while its target is a folder: ask the target.
  const targetIsDir = await Deno.stat(fsPath).then((st) => st.isDirectory, () => null);
  if (targetIsDir === null) return false; // nothing there (or a dangling link)
  const real = await realSegments(ctx, fsPath);
  if (real === null || real.length === 0) return false;
  return ctx.hidden.hides(real, targetIsDir);
}

/**
 * The segments of `fsPath`'s real path below the real root (through its nearest existing folder
 * when it does not exist yet); null when it lies outside the root (which the folder checks refuse
 * on their own).
 */
export function realSegments(ctx: UploadContext, fsPath: string): Promise<string[] | null> {
  return realSegmentsInside(fsPath, ctx.root);
}

/** The answer for a storage error, 500 when it is not a known one. */
export function failure(err: unknown): HttpResponse {
  return storageFailure(err) ?? plain(STATUS.InternalServerError, "Cannot write the file");
}

/**
 * A 403 when the deepest existing folder at or above `fsPath` really lies outside the root (or
 * in a dot-folder without `--dotfiles`), a 409 when it is a file or a broken link (403 when that
 * link leads out: `folder_place.ts`), else null.
 */
async function escapesRoot(ctx: UploadContext, fsPath: string): Promise<HttpResponse | null> {
  const found = await checkFolder(ctx, fsPath);
  return found === null || "real" in found ? null : found;
}

/**
 * {@link escapesRoot}'s answer, except that when `fsPath`'s own folder exists and may be written,
 * it is returned as checked (its real path and stat, for `checked_folder.ts`), not as null.
 */
async function checkFolder(
  ctx: UploadContext,
  fsPath: string,
): Promise<HttpResponse | CheckedFolder | null> {
  let realRoot: string;
  try {
    realRoot = await Deno.realPath(ctx.root);
  } catch (err) {
    return failure(err);
  }
  const own = fsPath === ctx.root ? fsPath : dirname(fsPath);
  let dir = own;
  for (;;) {
    try {
      const real = await Deno.realPath(dir);
      const info = await Deno.stat(real);
      if (!info.isDirectory) return plain(STATUS.Conflict, "A folder in the path is a file");
      const refusal = folderRefusal(ctx, realRoot, real);
      if (refusal !== null || dir !== own) return refusal;
      return { realRoot, real, info };
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) return failure(err);
      // A dangling link in a folder's place: answered by where it leads, never a 500.
      const broken = await brokenLinkRefusal(ctx, realRoot, dir);
      if (broken !== null) return broken;
      if (dir === ctx.root || !dir.startsWith(ctx.root)) return failure(err);
      dir = dirname(dir);
    }
  }
}

function refuse(text: string, status: number): TargetResult {
  return { ok: false, response: plain(status, text) };
}

/** A name the rules refuse: 400 with why (see `TargetResult.refusedName`). */
function refuseName(text: string): TargetResult {
  return { ok: false, response: plain(STATUS.BadRequest, text), refusedName: text };
}

async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}
