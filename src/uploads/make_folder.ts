/**
 * `MKCOL /files/<dir>/` (RFC 4918 §9.3), only with `--allow-mkdir` (otherwise the method is not
 * routed and the router answers 405 with an `Allow` that omits it). Creates one folder → 201
 * with `Location`. As §9.3.1 requires: a name already in use → 405, a missing parent → 409 (no
 * intermediate folders are made, unlike uploads), a request body → 415. The folder name follows
 * the same rules as uploaded names (400).
 *
 * A body of zero bytes is no body (RFC 9110 §6.4.1), however it is framed: `Content-Length: 0` or
 * a chunked body whose first chunk is the last (`0\r\n\r\n`). A chunked body is read up to its
 * first piece to tell which; one that holds bytes → 415, and the rest is the connection's to
 * drain or close on, as for a declared length.
 *
 * This module must not touch sockets.
 * @module
 */

import { dirname } from "node:path";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { pathBelowMount, plain, type UploadContext, writeRefusal } from "./upload_context.ts";
import { preconditionsFail } from "./write_conditions.ts";
import { failure, resolveWriteTarget } from "./write_target.ts";

/** Creates the folder named by `req`; `allow` is the `Allow` value for a 405. */
export async function makeFolder(
  ctx: UploadContext,
  req: HttpRequest,
  allow: string,
): Promise<HttpResponse> {
  const refusal = writeRefusal(ctx, req);
  if (refusal !== null) return refusal;
  if (await hasBody(req)) {
    return plain(STATUS.UnsupportedMediaType, "MKCOL takes no request body");
  }
  return createFolder(ctx, req, pathBelowMount(req), allow);
}

/**
 * Whether `req` carries a body of at least one byte. A chunked body's length is known only by
 * reading it: one piece is read (bounded by the reader's buffer), which is either the end — an
 * empty body — or the first bytes of one.
 */
async function hasBody(req: HttpRequest): Promise<boolean> {
  if (!req.body.chunked) return (req.body.length ?? 0) > 0;
  for (;;) {
    const piece = await req.body.read();
    if (piece === null) return false;
    if (piece.length > 0) return true;
  }
}

/**
 * Creates the one folder at the raw URL path `rawPath` below the mount, after auth and
 * `--read-only` were checked: MKCOL's rules (405 in use, 409 no parent, 400 bad name).
 */
export async function createFolder(
  ctx: UploadContext,
  req: HttpRequest,
  rawPath: string,
  allow: string,
): Promise<HttpResponse> {
  const resolved = await resolveWriteTarget(ctx, rawPath, true, true);
  if (!resolved.ok) {
    // A name the server will not create is, for MKCOL, "the server does not allow the creation
    // of collections at the given location" (RFC 4918 §9.3.1): 403. A 400 tells WebDAV clients
    // MKCOL itself is unsupported (lftp then stops using it for the whole host, and a mirror of a
    // tree holding `.git/` fails on every folder after it).
    return resolved.refusedName === undefined
      ? resolved.response
      : plain(STATUS.Forbidden, resolved.refusedName);
  }
  const target = resolved.target;
  if (target.segments.length === 0 || target.existing !== null) {
    const res = plain(STATUS.MethodNotAllowed, "The name is already in use");
    res.headers!.push(["Allow", withoutMkcol(allow)]);
    return res;
  }
  // Nothing is there yet: an If-Match (or an If-Unmodified-Since) cannot hold (RFC 9110 §13.1.1).
  if (preconditionsFail(req.method, req.headers, null)) {
    return plain(STATUS.PreconditionFailed, "Precondition failed");
  }
  const guarded = await ctx.writeGuard(req, {
    kind: "create",
    segments: target.segments,
    fsPath: target.fsPath,
    existing: null,
  });
  if (guarded !== null) return guarded;
  try {
    await Deno.mkdir(target.fsPath);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      return plain(STATUS.Conflict, "The parent folder does not exist");
    }
    if (err instanceof Deno.errors.AlreadyExists) {
      const res = plain(STATUS.MethodNotAllowed, "The name is already in use");
      res.headers!.push(["Allow", withoutMkcol(allow)]);
      return res;
    }
    return failure(err);
  }
  ctx.changed(target.fsPath);
  ctx.changed(dirname(target.fsPath));
  const location = target.url.endsWith("/") ? target.url : `${target.url}/`;
  const res = plain(STATUS.Created, "Folder created");
  res.headers!.push(["Location", location]);
  return res;
}

/**
 * `allow` for a name already in use: MKCOL is what such a resource does not allow (RFC 4918
 * §9.3.1: 405 when it exists), so its 405 must not list it.
 */
function withoutMkcol(allow: string): string {
  return allow.split(", ").filter((m) => m !== "MKCOL").join(", ");
}
