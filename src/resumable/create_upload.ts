/**
 * Creating an upload resource, for either protocol: auth and `--read-only` (`writeRefusal`),
 * the target's checks before any data (`planWrite`: names, folders, `--max-upload`,
 * preconditions, `--no-overwrite`; then the write guard: WebDAV locks, 423), then a record in
 * the store unless a cap refuses it.
 *
 * Status decisions past the caps: too many incomplete uploads → 429 Too Many Requests (the
 * client may retry once others finish or expire, RFC 6585 §4); their bytes over the cap → 413
 * Content Too Large (the draft's status for an upload a limit refuses), each with a message
 * naming the flag.
 *
 * This module must not touch sockets.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import {
  guardPlannedWrite,
  plain,
  planWrite,
  storageFailure,
  writeRefusal,
} from "../uploads/mod.ts";
import type { ResumableContext } from "./resumable_context.ts";
import { CONDITION_FIELDS, newUploadId, type UploadRecord } from "./upload_record.ts";
import { reprDigestMalformed } from "./checksum.ts";
import { malformedDigest } from "./upload_answers.ts";
import { StateFolderServed } from "./state_folder_guard.ts";

/**
 * A creation that passed: the stored record; or its refusal, `capped` when only the caps of
 * unfinished uploads refused it (the request itself would be a fine plain upload).
 */
export type Created =
  | { ok: true; record: UploadRecord }
  | { ok: false; response: HttpResponse; capped?: true };

/**
 * Creates an upload of `length` (null: not known yet) to the raw path `rawPath`; one that
 * `completesAtCreation` (tus `Upload-Length: 0`) is not held to the caps of unfinished uploads.
 */
export async function createUpload(
  ctx: ResumableContext,
  req: HttpRequest,
  rawPath: string,
  length: number | null,
  metadata: string | null,
  completesAtCreation = false,
): Promise<Created> {
  // The whole file's digest is checked only at the end, so its syntax is checked now: a
  // malformed one refused before anything exists (before the draft's 104), as a plain upload
  // refuses it, never stored to be skipped at the end.
  if (reprDigestMalformed(req.headers)) return { ok: false, response: malformedDigest() };
  const plan = await planWrite(ctx.upload, req.method, rawPath, req.headers, length);
  if ("status" in plan) return { ok: false, response: plan };
  // WebDAV locks on the target and its folder refuse the upload before any data, as a raw one.
  const locked = await guardPlannedWrite(ctx.upload, req, plan.target);
  if (locked !== null) return { ok: false, response: locked };
  const conditions: Array<[string, string]> = [];
  for (const name of CONDITION_FIELDS) {
    const value = req.headers.list(name);
    if (value !== undefined) conditions.push([name, value]);
  }
  const record: UploadRecord = {
    id: newUploadId(),
    path: plan.target.url.slice("/files/".length),
    method: req.method === "PUT" ? "PUT" : "POST",
    length,
    createdMs: ctx.now(),
    metadata,
    conditions,
    reprDigest: req.headers.list("repr-digest") ?? null,
    wantReprDigest: req.headers.list("want-repr-digest") ?? null,
    completedMs: null,
    url: null,
    unverifiedFrom: null,
  };
  let refused;
  try {
    refused = await ctx.store.create(record, completesAtCreation);
  } catch (err) {
    // A misplaced --resumable-dir is the operator's to fix: a 500 with a fixed text that names
    // the flag, never the paths.
    if (err instanceof StateFolderServed) {
      const text = "Resumable uploads are unavailable: --resumable-dir is inside the shared folder";
      return { ok: false, response: plain(STATUS.InternalServerError, text) };
    }
    // The state folder cannot be made or written (a read-only disk, no space): say so plainly.
    const res = storageFailure(err);
    if (res === null) throw err;
    return { ok: false, response: res };
  }
  if (refused === "count") {
    return {
      ok: false,
      capped: true,
      response: plain(
        STATUS.TooManyRequests,
        `Too many unfinished uploads (--resumable-max-uploads ${ctx.config.resumableMaxUploads}); finish or cancel some first`,
      ),
    };
  }
  if (refused === "bytes") {
    return {
      ok: false,
      capped: true,
      response: plain(
        STATUS.ContentTooLarge,
        `Unfinished uploads would pass --resumable-max-bytes (${ctx.config.resumableMaxBytes} bytes)`,
      ),
    };
  }
  return { ok: true, record };
}

/** The refusal before the path for any resumable request (auth, read-only), or null. */
export function resumableRefusal(ctx: ResumableContext, req: HttpRequest): HttpResponse | null {
  return writeRefusal(ctx.upload, req);
}
