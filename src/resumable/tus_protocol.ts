/**
 * tus 1.0.0 (https://tus.io/protocols/resumable-upload): core, creation, creation-with-upload,
 * creation-defer-length, termination, expiration and checksum, over the one upload store.
 *
 * | request | answer |
 * |---|---|
 * | `OPTIONS /files/…` | 204, `Tus-Version`, `Tus-Extension`, `Tus-Max-Size`, `Tus-Checksum-Algorithm` |
 * | `POST /files/<folder>/` + `Upload-Length` / `Upload-Defer-Length`, `Upload-Metadata` | 201, `Location: /api/uploads/<id>` |
 * | `HEAD /api/uploads/<id>` | 204, `Upload-Offset`, `Upload-Length`, `Upload-Metadata` |
 * | `PATCH /api/uploads/<id>` (`application/offset+octet-stream`) | 204, `Upload-Offset` |
 * | `DELETE /api/uploads/<id>` | 204 |
 *
 * Decisions (tus 1.0.0 section names in quotes):
 * - A request with another `Tus-Resumable` than 1.0.0 → 412 with `Tus-Version` ("Core").
 * - A missing or malformed `Upload-Offset` → 400; another media type → 415.
 * - The PATCH that brings the offset to the length publishes the file; its answer is still 204
 *   with `Upload-Offset` (what tus clients expect), plus the `Location` and `ETag` of the file. A
 *   refused publication (`--no-overwrite`, a precondition) is answered with its own 4xx and ends
 *   the upload. A publication that fails on the server's side (507 the share full, 503 out of
 *   descriptors, 500) keeps the upload: the 5xx carries `Upload-Offset` (the length).
 * - tus clients resume with `HEAD` and take offset == length for done (tus-js-client ends
 *   there), so a `HEAD` of an upload at its length and not published publishes it first: the
 *   204 once the file is in place, the refusal's 4xx if the upload ends refused, or the 5xx
 *   again (with `Upload-Offset`), which clients retry. An empty `PATCH` at the length does the
 *   same.
 * - A creation with `Upload-Length: 0` is complete at once: the empty file is published by the
 *   creation itself (as tusd does), since tus-js-client sends nothing after the 201 for an empty
 *   file. Never unfinished, it is not held to the caps of unfinished uploads.
 * - Creation-with-upload is the first PATCH ("creation-with-upload": "as if it was a PATCH"), so
 *   its `Upload-Checksum` is verified as a PATCH's is. A creation whose data is refused (460, 413)
 *   failed: no `Location` ("Creation" acknowledges a creation with 201 and `Location`), and the
 *   upload is removed, so no upload the client cannot name holds a place of the caps; so is one
 *   whose body is cut (no answer, so no `Location`). A failure on the server's side (507, 5xx)
 *   keeps it and answers its `Location` and `Upload-Offset`.
 * - Data at the offset of a finished upload runs past its length: 413, as for an unfinished one
 *   (and tusd); another offset is a 409 naming the length; nothing at the length is a 204.
 * - `Tus-Resumable` on every answer, and `Allow` on every 405 (RFC 9110 §15.5.6), never naming
 *   the method refused: a `GET` or a plain `POST` on an upload resource lists the resource's
 *   methods but `GET` (the draft's), a `PUT` creation those of `/files/` but `PUT`.
 * - `Upload-Concat` (the concatenation extension, which `Tus-Extension` does not list) is refused
 *   at creation with 400 before anything exists, as tusd refuses it when concatenation is off:
 *   tus-js-client's `parallelUploads` would otherwise create each part as an upload of its own,
 *   and with a file URL publish each part under the final name.
 *
 * This module is tus's flow; its pieces are beside it: its own answers (409 wrong offset, 460
 * checksum mismatch) in `tus_answers.ts`, those it gives like the draft (423 busy, 404 unknown or
 * expired, 413) in `upload_answers.ts`, termination in `cancel_upload.ts`, appending in
 * `append.ts`.
 *
 * This module must not touch sockets.
 * @module
 */

import { formatHttpDate } from "../http/http_date.ts";
import { trimOws } from "../http/ows.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { pathBelowMount, plain } from "../uploads/mod.ts";
import { appendBody, awaitsPublication, completeReceived } from "./append.ts";
import { cancelUpload } from "./cancel_upload.ts";
import { tusChecksum } from "./checksum.ts";
import { createUpload, resumableRefusal } from "./create_upload.ts";
import { creationTarget } from "./creation_target.ts";
import { mediaType, parseTusInteger } from "./field_values.ts";
import { RESOURCE_METHODS, type ResumableContext, UPLOADS_MOUNT } from "./resumable_context.ts";
import { missingLease } from "./upload_store.ts";
import { resourceMethod } from "./method_override.ts";
import {
  tusAppendFailure,
  tusChecksumRefused,
  tusOffsetConflict,
  tusTerminationAnswer,
} from "./tus_answers.ts";
import { TUS_VERSION } from "./tus_discovery.ts";
import { parseTusMetadata } from "./tus_metadata.ts";
import {
  appendTooLarge,
  concatenationRefused,
  noSuchUpload,
  uploadLocked,
  withFields,
} from "./upload_answers.ts";
import type { UploadRecord } from "./upload_record.ts";

const OFFSET_MEDIA_TYPE = "application/offset+octet-stream";
/** The methods of an upload resource to a tus request (GET is the draft's offset retrieval). */
const TUS_RESOURCE_METHODS = RESOURCE_METHODS.filter((m) => m !== "GET").join(", ");

/** Answers a tus request (creation on `/files/`, or one on `/api/uploads/<id>`). */
export async function tusHandler(ctx: ResumableContext, req: HttpRequest): Promise<HttpResponse> {
  // OWS only (RFC 9110 §5.6.3): `1.0.0\xA0` is another version, refused.
  const version = req.headers.get("tus-resumable");
  if (version === undefined || trimOws(version) !== TUS_VERSION) {
    return tus(plain(STATUS.PreconditionFailed, "Unsupported Tus-Resumable version"), [
      ["Tus-Version", TUS_VERSION],
    ]);
  }
  const refusal = resumableRefusal(ctx, req);
  if (refusal !== null) return tus(refusal);
  if (!req.path.startsWith(UPLOADS_MOUNT)) return tus(await create(ctx, req));
  const id = req.path.slice(UPLOADS_MOUNT.length);
  switch (resourceMethod(req)) {
    case "HEAD":
      return tus(await head(ctx, id, req));
    case "PATCH":
      return tus(await patch(ctx, req, id));
    case "DELETE":
      return tus(tusTerminationAnswer(await cancelUpload(ctx, id)));
    default:
      // GET (a draft request's offset retrieval) and a plain POST are not tus's; `Allow` names
      // what a tus request may use here, so never the method refused.
      return tus(methodNotAllowed("Method not allowed", TUS_RESOURCE_METHODS));
  }
}

/** 405 with the resource's methods in `Allow` (RFC 9110 §15.5.6: a 405 MUST carry it). */
function methodNotAllowed(text: string, allow: string): HttpResponse {
  const res = plain(STATUS.MethodNotAllowed, text);
  res.headers!.push(["Allow", allow]);
  return res;
}

async function create(ctx: ResumableContext, req: HttpRequest): Promise<HttpResponse> {
  if (req.method !== "POST") {
    const allow = ctx.filesAllow.split(", ").filter((m) => m !== req.method).join(", ");
    return methodNotAllowed("tus creates with POST", allow);
  }
  if (req.headers.get("upload-concat") !== undefined) return concatenationRefused();
  const lengthField = req.headers.list("upload-length");
  const deferred = req.headers.list("upload-defer-length");
  const length = parseTusInteger(lengthField);
  if ((lengthField !== undefined) === (deferred !== undefined)) {
    return plain(STATUS.BadRequest, "Send one of Upload-Length or Upload-Defer-Length: 1");
  }
  if (lengthField !== undefined && length === null) {
    return plain(STATUS.BadRequest, "Malformed Upload-Length");
  }
  if (deferred !== undefined && trimOws(deferred) !== "1") {
    return plain(STATUS.BadRequest, "Malformed Upload-Defer-Length");
  }
  const withData = (req.body.length ?? 1) > 0;
  if (withData && mediaType(req.headers.get("content-type")) !== OFFSET_MEDIA_TYPE) {
    return plain(STATUS.UnsupportedMediaType, `Data at creation takes ${OFFSET_MEDIA_TYPE}`);
  }
  const checksum = tusChecksum(req.headers.list("upload-checksum"));
  if (!checksum.ok) return tusChecksumRefused(checksum.reason);
  const rawMeta = req.headers.list("upload-metadata") ?? null;
  const meta = rawMeta === null ? null : parseTusMetadata(rawMeta);
  if (rawMeta !== null && meta === null) {
    return plain(STATUS.BadRequest, "Malformed Upload-Metadata");
  }
  const target = creationTarget(pathBelowMount(req), meta, req.headers, ctx.config.dotfiles);
  if (!target.ok) return plain(STATUS.BadRequest, target.reason);
  // An empty upload is published by its creation (below): never unfinished, so no cap's business.
  const created = await createUpload(ctx, req, target.rawPath, length, rawMeta, length === 0);
  if (!created.ok) return created.response;
  const record = created.record;
  const location = UPLOADS_MOUNT + record.id;
  const fields: Array<[string, string]> = [["Location", location]];
  if (!withData && length !== 0) {
    fields.push(["Upload-Expires", formatHttpDate(await ctx.store.expiresAt(record))]);
    return { status: STATUS.Created, headers: fields };
  }
  // creation-with-upload: the body is the first PATCH; an empty upload is complete at once.
  const result = await appendBody(ctx, record.id, req, {
    offset: 0,
    length: null,
    complete: "at-length",
    checksum: withData ? checksum.checksum : null,
  }).catch(async (err) => {
    // The body was cut (a dropped connection, the body clock) or the append failed: the client
    // gets no 201, so never the URL, and tus-js-client starts a new creation on its retry. The
    // upload goes, or each try would hold a place of the caps, unreachable, until it expires.
    await ctx.store.remove(record.id).catch(() => {});
    throw err;
  });
  // The server's moment (the disk refused the bytes, the publication failed): the upload and its
  // bytes stay, and the answer says where, so the client can resume or terminate it.
  if (result.kind === "unpublished" || result.kind === "storage") {
    return withFields(tusAppendFailure(result), fields);
  }
  if (result.kind === "appended" || result.kind === "completed") {
    if (result.kind === "completed" && result.response.status >= STATUS.MultipleChoices) {
      return result.response;
    }
    fields.push(["Upload-Offset", String(result.offset)]);
    fields.push(["Upload-Expires", formatHttpDate(await ctx.store.expiresAt(result.record))]);
    return { status: STATUS.Created, headers: fields };
  }
  // The client's data was refused (460 checksum, 413 past the length or a cap): the creation
  // failed as a whole, and a client takes a 4xx to its POST so — tus 1.0.0 "Creation" acknowledges
  // a creation with 201 and `Location` only — so it never learns the URL. The upload goes, or it
  // would hold a place of the caps, unreachable, until it expires.
  await ctx.store.remove(record.id);
  return tusAppendFailure(result);
}

async function head(ctx: ResumableContext, id: string, req: HttpRequest): Promise<HttpResponse> {
  const lease = await ctx.store.lease(id, ctx.leaseWaitMs).catch(missingLease);
  if (lease === null) return uploadLocked();
  try {
    let record = lease === undefined ? null : await ctx.store.readHeld(id);
    if (record === null) return noSuchUpload();
    const offset = await ctx.store.offset(record);
    if (awaitsPublication(record, offset)) {
      // The client will take offset == length for done: publish before saying so.
      const done = await completeReceived(ctx, record, offset, req);
      if (done.kind === "unpublished") return tusAppendFailure(done);
      if (done.response.status >= STATUS.MultipleChoices) return done.response;
      record = done.record;
    }
    const fields: Array<[string, string]> = [
      ["Upload-Offset", String(offset)],
      ["Cache-Control", "no-store"],
    ];
    if (record.length === null) fields.push(["Upload-Defer-Length", "1"]);
    else fields.push(["Upload-Length", String(record.length)]);
    if (record.metadata !== null) fields.push(["Upload-Metadata", record.metadata]);
    if (record.completedMs === null) {
      fields.push(["Upload-Expires", formatHttpDate(await ctx.store.expiresAt(record))]);
    }
    return { status: STATUS.NoContent, headers: fields };
  } finally {
    lease?.release();
  }
}

async function patch(ctx: ResumableContext, req: HttpRequest, id: string): Promise<HttpResponse> {
  if (mediaType(req.headers.get("content-type")) !== OFFSET_MEDIA_TYPE) {
    return plain(STATUS.UnsupportedMediaType, `PATCH takes ${OFFSET_MEDIA_TYPE}`);
  }
  const offset = parseTusInteger(req.headers.list("upload-offset"));
  if (offset === null) return plain(STATUS.BadRequest, "Missing or malformed Upload-Offset");
  const lengthField = req.headers.list("upload-length");
  const length = parseTusInteger(lengthField);
  if (lengthField !== undefined && length === null) {
    return plain(STATUS.BadRequest, "Malformed Upload-Length");
  }
  const checksum = tusChecksum(req.headers.list("upload-checksum"));
  if (!checksum.ok) return tusChecksumRefused(checksum.reason);
  const result = await appendBody(ctx, id, req, {
    offset,
    length,
    complete: "at-length",
    checksum: checksum.checksum,
  });
  if (result.kind === "appended") {
    return {
      status: STATUS.NoContent,
      headers: [
        ["Upload-Offset", String(result.offset)],
        // The data was just written: the upload expires the expiry from now.
        ["Upload-Expires", formatHttpDate(ctx.now() + ctx.config.resumableExpiryMs)],
      ],
    };
  }
  if (result.kind === "completed") {
    const res = result.response;
    if (res.status >= STATUS.MultipleChoices) return res;
    const keep = (res.headers ?? []).filter(([k]) =>
      k === "ETag" || k === "Location" || k === "Repr-Digest"
    );
    return {
      status: STATUS.NoContent,
      headers: [["Upload-Offset", String(result.offset)], ...keep],
    };
  }
  if (result.kind === "already-complete") {
    const done = result.record.length ?? 0;
    if (offset !== done) return tusOffsetConflict(done);
    if (req.body.length === 0) {
      return { status: STATUS.NoContent, headers: [["Upload-Offset", String(done)]] };
    }
    // Data at the right offset of a finished upload runs past its length: what an unfinished
    // upload answers to an overflow (413, as tusd answers it), not a 409 naming this offset.
    return withFields(appendTooLarge(), [["Upload-Offset", String(done)]]);
  }
  return tusAppendFailure(result);
}

/** `Tus-Resumable` on every answer (tus 1.0.0 "Core"), plus `extra`. */
function tus(res: HttpResponse, extra: Array<[string, string]> = []): HttpResponse {
  res.headers = [...(res.headers ?? []), ["Tus-Resumable", TUS_VERSION], ...extra];
  return res;
}

export type { UploadRecord };
