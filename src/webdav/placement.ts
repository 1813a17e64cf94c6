/**
 * Whether a COPY or MOVE (RFC 4918 §9.8, §9.9) may put its source at its destination: the checks
 * on the two resolved ends, before anything is written or locked.
 *
 * Decisions:
 * - The share itself can be neither replaced nor moved (403).
 * - The same resource, a folder into itself, or a destination that holds the source → 403,
 *   compared by URL and again by real path, so a link (`odd/up -> ..`) cannot hide the overlap:
 *   a copy into itself would run until the path is too long, a replacement would delete the
 *   source first.
 * - COPY of a folder creates folders, so it needs `--allow-mkdir` (403 otherwise), like MKCOL.
 * - The destination's folder must exist (409, §9.8.5: no intermediate collections are made).
 * - `--hide` and a MOVE of a folder ({@link movesHiddenness}): a move that would change whether
 *   any path below the folder is hidden is refused — with `--hide docs/private`, moving `docs` to
 *   `old` would publish `old/private` (a rename cannot leave part of a tree behind, and leaving
 *   it out would lose it). A move that keeps every private path private (`--hide '*.key'`) goes
 *   ahead. (A COPY leaves such paths out instead: `tree_copy.ts`.)
 *
 * This module must not know about HTTP requests or touch sockets: the caller (`copy_move.ts`)
 * has parsed the headers and resolved both ends.
 * @module
 */

import { dirname } from "node:path";
import { STATUS } from "../http/status.ts";
import type { HttpResponse } from "../http/types.ts";
import { realSegmentsInside } from "../app/real_path_inside.ts";
import type { WriteTarget } from "../uploads/mod.ts";
import { type DavContext, plainAnswer } from "./dav_context.ts";
import { resourcePath } from "./dav_path.ts";
import { hiderBelow, type Resource } from "./resource.ts";
import type { TreeEntry } from "./tree_entries.ts";

/** The refusal for a destination that cannot take the source, or null. */
export async function placementProblem(
  ctx: DavContext,
  src: Resource,
  dst: WriteTarget,
  move: boolean,
): Promise<HttpResponse | null> {
  if (dst.segments.length === 0) {
    return plainAnswer(STATUS.Forbidden, "The shared folder itself cannot be replaced");
  }
  const s = resourcePath(src.segments);
  const d = resourcePath(dst.segments);
  if (s === d) return plainAnswer(STATUS.Forbidden, "The source and destination are the same");
  if (src.isDir && d.startsWith(s === "/" ? "/" : `${s}/`)) {
    return plainAnswer(STATUS.Forbidden, "A folder cannot be put inside itself");
  }
  // refuse: the destination holds the source — replacing it (§9.8.4, §9.9.3) would delete the
  // source first (Apache: 403 too)
  if (s.startsWith(`${d}/`)) {
    return plainAnswer(STATUS.Forbidden, "The destination contains the source");
  }
  // The same by real paths: a source reached through a symlink (`odd/up -> ..`) may hold its
  // destination, or lie inside it, whatever the URLs say — a copy into itself runs until the
  // path is too long, a replacement deletes the source.
  const [realSrc, realDst] = await Promise.all([
    realSegmentsInside(src.fsPath, ctx.uploads.root),
    realSegmentsInside(dst.fsPath, ctx.uploads.root),
  ]);
  if (realSrc !== null && realDst !== null) {
    if (
      startsWithSegments(realSrc, realDst) || (src.isDir && startsWithSegments(realDst, realSrc))
    ) {
      return plainAnswer(STATUS.Forbidden, "The source and destination overlap (by a link)");
    }
  }
  if (move && src.segments.length === 0) {
    return plainAnswer(STATUS.Forbidden, "The shared folder itself cannot be moved");
  }
  if (!move && src.isDir && !ctx.config.allowMkdir) {
    return plainAnswer(STATUS.Forbidden, "Copying a folder creates folders (--allow-mkdir)");
  }
  try {
    if (!(await Deno.stat(dirname(dst.fsPath))).isDirectory) throw new Deno.errors.NotFound();
  } catch {
    return plainAnswer(STATUS.Conflict, "The destination's folder does not exist");
  }
  return null;
}

/** Whether `path` is `prefix` or lies below it. */
function startsWithSegments(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => path[i] === seg);
}

/**
 * Whether some path in `below` (the source folder's tree) is hidden at one end only: a MOVE that
 * would publish a private path, or hide a public one (see the module doc).
 */
export async function movesHiddenness(
  ctx: DavContext,
  src: Resource,
  dst: WriteTarget,
  below: readonly TreeEntry[],
): Promise<boolean> {
  if (ctx.files.hidden.emptyBelow) return false;
  const [here, there] = await Promise.all([
    hiderBelow(ctx, src.segments, src.fsPath),
    hiderBelow(ctx, dst.segments, dst.fsPath),
  ]);
  return below.some((e) => here(e.rel, e.isDir) !== there(e.rel, e.isDir));
}
