/**
 * The `If` header on the read side's `GET` and `HEAD /files/<path>`: RFC 4918 §10.4.1 makes it
 * a precondition of any method, not only of changes. The read routes belong to `src/files/`,
 * which knows nothing of WebDAV; this wraps their handlers from outside, as the write guard
 * hooks into the uploads. PROPFIND checks the same header itself (`propfind.ts`).
 *
 * Decisions:
 * - Evaluated as for a write (`checkIf` in `write_guard.ts`): false → 412, malformed → 400,
 *   true → the read answers as usual. A read submits lock tokens only to test them: a lock
 *   never refuses a read.
 * - Only for a resource the read would show (RFC 9110 §13.2.1: a precondition is ignored when
 *   the answer without it is not a 2xx): a missing or refused path, or a folder named without
 *   its final "/" (redirected), goes to the read handler untouched, header and all.
 * - The hot path: a GET without `If` costs one bit test of the parsed header set
 *   (`HeaderFields.has`) and stays synchronous; the method is looked at only after it.
 *
 * This module must not touch sockets.
 * @module
 */

import type { HttpRequest, HttpResponse } from "../http/types.ts";
import type { Route } from "../app/router.ts";
import { FILES_MOUNT } from "../files/mod.ts";
import { validatorsOf } from "../uploads/mod.ts";
import type { DavContext } from "./dav_context.ts";
import { belowMount } from "./dav_path.ts";
import { findResource } from "./resource.ts";
import { checkIf } from "./write_guard.ts";

/** `routes` with the `GET` lines under `/files/` checking the `If` header first. */
export function guardFileReads(ctx: DavContext, routes: Route[]): Route[] {
  return routes.map((route) => {
    if (!route.path.startsWith(FILES_MOUNT) || !route.methods.includes("GET")) return route;
    const inner = route.handler;
    return {
      ...route,
      handler: (req: HttpRequest) =>
        req.headers.has("if") && (req.method === "GET" || req.method === "HEAD")
          ? readIf(ctx, req, inner)
          : inner(req),
    };
  });
}

/** Answers a read that carries `If`: the refusal, or the read handler's answer. */
async function readIf(
  ctx: DavContext,
  req: HttpRequest,
  inner: Route["handler"],
): Promise<HttpResponse> {
  const found = await findResource(ctx, belowMount(req.path));
  if ("status" in found) return inner(req);
  if (found.isDir && !found.trailingSlash && found.segments.length > 0) return inner(req);
  const checked = await checkIf(ctx, req, found.segments, validatorsOf(found.info).etag);
  return checked.refusal ?? inner(req);
}
