/**
 * `DELETE /files/<path>`, only with `--allow-delete` (otherwise the method is not routed and the
 * router answers 405 with an `Allow` that omits it). A file or symlink is removed (the link, not
 * its target) → 204; a folder only when empty → 204, else 409: a recursive delete of a shared
 * tree is one mistyped URL away from losing everything, and RFC 4918's all-or-nothing collection
 * DELETE cannot be done atomically anyway. `If-Match` guards it like a write (412). The shared
 * folder itself cannot be deleted (403).
 *
 * This module must not touch sockets.
 * @module
 */

import { dirname } from "node:path";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { decideWrite } from "./write_conditions.ts";
import { pathBelowMount, plain, type UploadContext, writeRefusal } from "./upload_context.ts";
import { failure, resolveWriteTarget, validatorsOf } from "./write_target.ts";

/** Removes the file, link or empty folder named by `req`. */
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
  if (target.trailingSlash && !existing.isDirectory) return plain(STATUS.NotFound, "Not found");
  const current = existing.isFile ? validatorsOf(existing) : null;
  const decision = decideWrite(req.method, req.headers, current, false);
  if (decision.kind === "refuse") return plain(decision.status, decision.text);
  try {
    await Deno.remove(target.fsPath); // never recursive: see the module doc
  } catch (err) {
    if ((err as { code?: string }).code === "ENOTEMPTY") {
      return plain(STATUS.Conflict, "The folder is not empty");
    }
    if (err instanceof Deno.errors.NotFound) return plain(STATUS.NotFound, "Not found");
    return failure(err);
  }
  ctx.changed(target.fsPath);
  ctx.changed(dirname(target.fsPath));
  return { status: STATUS.NoContent };
}
