/**
 * `COPY` and `MOVE` (RFC 4918 §9.8, §9.9): from the request URL to the `Destination`, on this
 * server and under `/files/` only. This file decides the order of the checks and the answers;
 * whether the destination can take the source is `placement.ts`'s, the change itself
 * `tree_copy.ts`'s (`copyResource`) and `tree_move.ts`'s (`moveResource`).
 *
 * Order: auth → `--read-only` (403) → source (404; for a MOVE also DELETE's rules, so 403 through
 * a link out of the root) → `Destination` (400 missing, sent twice or malformed,
 * 502 another host or outside `/files/`) → destination path rules (400/403, the uploads' own;
 * 400 for a file to a new URL ending in "/", as PUT) →
 * `Depth` and `Overwrite` (400 when malformed) → same or nested resource, either way round, by
 * URL and by real path (403) → the destination's folder exists (409, §9.8.5: no intermediate
 * collections are made) → a MOVE of a folder that changes what `--hide` covers below it (403) →
 * an existing destination with `Overwrite: F`, or with `--no-overwrite`
 * (412, §10.6), or an existing folder without `--allow-delete` (403: replacing deletes it), or
 * one holding a private path (403: those are never written) →
 * locks and `If` (423 / 412) → the change.
 *
 * Decisions:
 * - MOVE is routed only with `--allow-delete`: it removes the source. COPY of a folder creates
 *   folders, so it needs `--allow-mkdir` (403 otherwise), like MKCOL.
 * - `Depth`: COPY takes 0 (a folder without its members) or infinity (the default); MOVE of a
 *   folder only infinity (§9.9.2), of a file either. Anything else → 400.
 * - An existing destination is deleted first, as DELETE would (§9.8.4, §9.9.3) — with its
 *   properties and the locks rooted below it — and the answer is 204; a new one is 201. A lock
 *   rooted at the destination itself stays: §7.7 adds the new resource to its scope, and Apache
 *   keeps it too. davfs2 saves a file by writing a locked temp file and moving it over the locked
 *   original, then goes on with the original's token: dropping that lock lost its data.
 * - MOVE is one rename(2) where the file system allows, a copy and a delete across file systems;
 *   locks rooted at the source are released (`tree_move.ts`). COPY writes each file to a temp
 *   name and renames it into place (`tree_copy.ts`). Either way a tree changed with failures
 *   answers 207 with the members that failed.
 * - `--hide`: a COPY of a folder leaves out what the patterns cover at either end
 *   (`tree_copy.ts`); a MOVE of a folder that would change whether any path below it is hidden
 *   is refused (403, `placement.ts`). The refusal names no path.
 * - A change that loses a race with another request (the source moved away, the destination
 *   made meanwhile) answers what the checks would answer now (404 / 409), not a 500.
 * - Every path created, replaced or removed — both ends of a move, and everything below a moved
 *   folder — is reported to the read cache before the answer.
 *
 * This module must not touch sockets.
 * @module
 */

import { dirname } from "node:path";
import { trimOws } from "../http/ows.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { multiStatus } from "../app/multistatus.ts";
import { StateFolderNotReal } from "../app/state_folder.ts";
import {
  existingValidators,
  failure,
  hiddenTreeRefusal,
  preconditionsFail,
  removeResource,
  resolveWriteTarget,
  validatorsOf,
  writeRefusal,
  type WriteTarget,
} from "../uploads/mod.ts";
import { type DavContext, plainAnswer } from "./dav_context.ts";
import { checkRecordTarget } from "./dead_props.ts";
import { belowMount, hrefOf, parentPath, resourcePath, urlBelowMount } from "./dav_path.ts";
import type { LockedResource } from "./lock_table.ts";
import { movesHiddenness, placementProblem } from "./placement.ts";
import { findResource, type Resource } from "./resource.ts";
import { ChangedMeanwhile, copyResource } from "./tree_copy.ts";
import { treeEntries } from "./tree_entries.ts";
import { moveResource } from "./tree_move.ts";
import { guardWrite } from "./write_guard.ts";

/** Answers a COPY (`move` false) or a MOVE (`move` true). */
export async function copyMove(
  ctx: DavContext,
  req: HttpRequest,
  move: boolean,
): Promise<HttpResponse> {
  const refusal = writeRefusal(ctx.uploads, req);
  if (refusal !== null) return refusal;
  const src = await findResource(ctx, belowMount(req.path));
  if ("status" in src) return src;
  // refuse: MOVE removes its source, so the source answers to the write side's rules as DELETE's
  // target does — a file --follow-symlinks lets a client read outside the root stays unremovable
  if (move) {
    const removable = await resolveWriteTarget(ctx.uploads, belowMount(req.path), false);
    if (!removable.ok) return removable.response;
  }
  const destination = req.headers.get("destination");
  if (destination === undefined) return plainAnswer(STATUS.BadRequest, "Destination required");
  // One URL, not a list (RFC 4918 §10.3): of two lines, neither may be taken over the other.
  if (req.headers.count("destination") > 1) {
    return plainAnswer(STATUS.BadRequest, "Destination must be sent once");
  }
  const url = urlBelowMount(destination, req.host);
  if (!url.ok) {
    return url.reason === "malformed"
      ? plainAnswer(STATUS.BadRequest, "Malformed Destination")
      : plainAnswer(STATUS.BadGateway, "The Destination is not under /files/ on this server");
  }
  const resolved = await resolveWriteTarget(ctx.uploads, url.raw);
  if (!resolved.ok) return resolved.response;
  const dst = resolved.target;
  // A new Destination ending in "/" names a folder (RFC 4918 §5.2): a file made there would
  // answer a Location that 404s. Refused as PUT refuses such a URL. (An existing folder there is
  // replaced, or refused, by the rules below.)
  if (dst.trailingSlash && !src.isDir && dst.existing === null && dst.segments.length > 0) {
    return plainAnswer(STATUS.BadRequest, "The path names a folder: add a file name");
  }
  // OWS only (RFC 9110 §5.6.3): `0\xA0` or `T\xA0` is no value of these fields, so 400.
  const depthField = req.headers.list("depth");
  const depth = depthField === undefined ? "infinity" : trimOws(depthField).toLowerCase();
  // A file has no members: Depth 0 and infinity mean the same there (Apache takes both).
  if (depth !== "infinity" && (depth !== "0" || (move && src.isDir))) {
    return plainAnswer(STATUS.BadRequest, move ? "MOVE takes Depth: infinity" : "Bad Depth");
  }
  const overwriteField = req.headers.list("overwrite");
  const overwrite = overwriteField === undefined ? "T" : trimOws(overwriteField).toUpperCase();
  if (overwrite !== "T" && overwrite !== "F") {
    return plainAnswer(STATUS.BadRequest, "Overwrite must be T or F");
  }
  // refuse: the same or nested resources, by URL or through a link by real path — a copy into
  // itself would run until the path is too long, a replacement would delete its own source
  const problem = await placementProblem(ctx, src, dst, move);
  if (problem !== null) return problem;
  // Everything below a moved folder changes URL: the read cache forgets the old paths, and
  // --hide must hold at the new ones.
  const below = move && src.isDir ? await treeEntries(src.fsPath) : [];
  // refuse: a moved folder would publish a private path below it, or hide a public one
  if (below.length > 0 && await movesHiddenness(ctx, src, dst, below)) {
    return plainAnswer(
      STATUS.Forbidden,
      "Moving this folder would change what --hide keeps private below it",
    );
  }
  if (dst.existing !== null) {
    if (overwrite === "F") {
      return plainAnswer(STATUS.PreconditionFailed, "The destination exists (Overwrite: F)");
    }
    if (ctx.config.noOverwrite) {
      return plainAnswer(
        STATUS.PreconditionFailed,
        "The destination exists and overwriting is disabled (--no-overwrite)",
      );
    }
    // refuse: replacing a folder deletes everything in it, which needs --allow-delete (as DELETE)
    if (dst.existing.isDirectory && !ctx.config.allowDelete) {
      return plainAnswer(STATUS.Forbidden, "Replacing a folder deletes it (--allow-delete)");
    }
  }
  // RFC 9110 §13.1: If-Match and the others are about the request's target, the source.
  if (preconditionsFail(req.method, req.headers, existingValidators(src.info))) {
    return plainAnswer(STATUS.PreconditionFailed, "Precondition failed");
  }
  const resources: LockedResource[] = [...destinationResources(dst)];
  if (move) resources.push(...sourceResources(src));
  const guard = await guardWrite(ctx, req, {
    segments: src.segments,
    etag: validatorsOf(src.info).etag,
    resources,
  });
  if (guard.refusal !== null) return guard.refusal;
  // refuse: replacing deletes the folder, and with it the private paths inside (never written).
  // After the locks, as DELETE: a locked folder is 423 whatever it holds, so whether it holds
  // private paths is told only to the lock's holder.
  if (dst.existing?.isDirectory) {
    const kept = await hiddenTreeRefusal(ctx.uploads, dst.segments, dst.fsPath, "replaced");
    if (kept !== null) return kept;
  }

  // refuse: a file whose record could only follow it through a .wireserve-dav that is a link is
  // neither copied nor moved — asked before a destination is replaced, so nothing is lost (a 500,
  // the path in the server's log: src/app/state_folder.ts)
  checkRecordTarget(src.fsPath, dst.fsPath, src.isDir);
  const replaced = dst.existing !== null;
  if (replaced) {
    // replacing: the destination's own locks stay and cover what arrives (RFC 4918 §7.7).
    const removed = await removeResource(
      ctx.uploads,
      dst.segments,
      dst.fsPath,
      dst.existing!.isDirectory,
      true,
    );
    if (!removed.gone) {
      if (removed.failed.length > 0) return multiStatus(removed.failed);
      if (removed.error !== null) return removed.error;
    }
  }
  try {
    const failed = move
      ? await moveResource(ctx, src, dst, below)
      : await copyResource(ctx, src, dst, depth);
    if (failed.length > 0) return multiStatus(failed);
  } catch (err) {
    // Another request moved or removed the source (or the destination's folder) after the checks
    // above — two clients moving one file at once: answer what the checks would answer now, 404
    // or 409 (§9.8.5, §9.9.4), not a 500. Found by the fuzzer (seed 1).
    if (err instanceof Deno.errors.NotFound) return await vanished(src);
    // Two COPYs or MOVEs of folders to one new name: the other made the destination folder
    // first (mkdir: EEXIST; rename over a folder that is not empty: ENOTEMPTY).
    if (
      err instanceof Deno.errors.AlreadyExists || (err as { code?: unknown }).code === "ENOTEMPTY"
    ) {
      return plainAnswer(STATUS.Conflict, "Another request created the destination meanwhile");
    }
    // The file was swapped (for a link elsewhere, a FIFO) between its look and its copy.
    if (err instanceof ChangedMeanwhile) {
      return plainAnswer(STATUS.Conflict, "The source changed while it was copied");
    }
    // refuse: a .wireserve-dav that is not a real folder: the server's fault to report (a 500
    // with its path in the server's log), never written through (src/app/state_folder.ts)
    if (err instanceof StateFolderNotReal) throw err;
    return failure(err);
  }
  ctx.uploads.changed(dst.fsPath);
  ctx.uploads.changed(dirname(dst.fsPath));
  return replaced ? { status: STATUS.NoContent } : {
    ...plainAnswer(STATUS.Created, move ? "Moved" : "Copied"),
    headers: created(dst, src.isDir),
  };
}

/** The answer when the source or the destination's folder vanished during the change. */
async function vanished(src: Resource): Promise<HttpResponse> {
  try {
    await Deno.lstat(src.fsPath);
  } catch {
    return plainAnswer(STATUS.NotFound, "Not found");
  }
  return plainAnswer(STATUS.Conflict, "The destination's folder does not exist");
}

/** What a COPY or MOVE changes at its destination (§7.4, §9.8.4). */
function destinationResources(dst: WriteTarget): LockedResource[] {
  const path = resourcePath(dst.segments);
  if (dst.existing !== null) return [{ path, depth: "infinity" }];
  const parent = parentPath(dst.segments);
  return parent === null ? [{ path, depth: "0" }] : [{ path, depth: "0" }, {
    path: parent,
    depth: "0",
  }];
}

/** What a MOVE changes at its source: the whole tree, and its folder's membership. */
function sourceResources(src: Resource): LockedResource[] {
  const out: LockedResource[] = [{ path: resourcePath(src.segments), depth: "infinity" }];
  const parent = parentPath(src.segments);
  if (parent !== null) out.push({ path: parent, depth: "0" });
  return out;
}

/** The fields of a 201: `Location` is the new resource's URL, a folder's ending in "/" (§5.2). */
function created(dst: WriteTarget, isDir: boolean): Array<[string, string]> {
  return [["Content-Type", "text/plain; charset=utf-8"], ["Location", hrefOf(dst.segments, isDir)]];
}
