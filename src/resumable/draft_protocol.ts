/**
 * The IETF httpbis "Resumable Uploads for HTTP" draft (draft-ietf-httpbis-resumable-upload; the
 * text followed is the working group's editor's copy after -11, which -15 builds on), over the
 * same store as tus. Section names of the draft in quotes.
 *
 * | request | answer |
 * |---|---|
 * | `POST`/`PUT /files/<path>` + `Upload-Complete` | `104` with `Location: /api/uploads/<id>` and `Upload-Limit`, then 201 (incomplete) or the upload's own answer (complete) |
 * | `HEAD /api/uploads/<id>` | 204, `Upload-Offset`, `Upload-Complete`, `Upload-Length`, `Upload-Limit`, `Cache-Control: no-store` |
 * | `PATCH /api/uploads/<id>` (`application/partial-upload`) | 204 + `Upload-Complete: ?0`, or the upload's answer + `Upload-Complete: ?1` |
 * | `DELETE /api/uploads/<id>` | 204 |
 * | `OPTIONS /files/…` | `Accept-Patch: application/partial-upload`, `Upload-Limit` |
 *
 * Decisions:
 * - A creation is recognised by a valid `Upload-Complete` ("Upload Creation"); with an invalid
 *   value the field is ignored, as the draft requires, and the request stays a plain upload.
 * - `Upload-Draft-Interop-Version` is echoed when the client sent one of the versions we follow
 *   (tus-js-client's `ietf-draft-03` mode sends 5, `ietf-draft-05` sends 6; later drafts 7, 8):
 *   clients such as URLSession check it on the 104. Version 5 clients send no
 *   `application/partial-upload` (it came in draft -04), so for them the media type is not
 *   required.
 * - `104` goes out once the upload resource exists, before the first body byte is read, with
 *   `Location`, `Upload-Limit` and `Upload-Draft-Interop-Version` ("Server Behavior") — only to
 *   a client that sent one of the interop versions we follow: the draft's "Draft Version
 *   Identification" forbids a 104 when the version is missing or another. Any other request
 *   with `Upload-Complete` still creates an upload and learns its `Location` from the final
 *   answer; an HTTP/1.0 client gets no 1xx at all (RFC 9110 §15.2).
 * - Interop versions 5 and 6 (tus-js-client's draft modes, which tusd serves) complete an upload
 *   whose offset reaches its declared length, as tusd does for them: tus-js-client sends an
 *   empty file as one creation with `Upload-Complete: ?0` and `Upload-Length: 0` and nothing
 *   after. From version 7 on, as the draft says ("Length"), only `Upload-Complete: ?1` does.
 * - `GET` on an upload resource retrieves the offset as `HEAD` does ("Offset Retrieval", since
 *   the working group's text of June 2026), with no content.
 * - `Upload-Concat` (tus-js-client's `parallelUploads`, sent in its draft modes too) is refused
 *   at creation, as for tus.
 * - Every final answer carries `Upload-Offset` too (not required by the draft): tus-js-client's
 *   draft modes read the new offset from it.
 * - Wrong offset → 409 with `Upload-Offset` and the "mismatching-upload-offset" problem type
 *   (with `expected-offset` and `provided-offset`); inconsistent lengths → 400
 *   "inconsistent-upload-length". Appending to a completed upload is refused and changes
 *   nothing ("Upload Append"): content → 400 "inconsistent-upload-length", an empty append → 400
 *   "completed-upload".
 * - `Upload-Limit: max-size` is `--max-upload`; `max-age` the seconds left before expiry.
 * - A completion whose publication fails on the server's side (507 the share full, 503, 500)
 *   keeps the upload ("unpublished", `append.ts`): the 5xx goes with `Upload-Complete: ?0` and
 *   `Upload-Offset` (the length) — with `?1` the client would take the failure for the
 *   resource's final answer, one "resuming would not resolve" ("Upload Append"). Offset
 *   retrieval then says `?0` at the length, and the client completes with an empty append
 *   carrying `Upload-Complete: ?1` ("Upload Append": "the request has no content"), whose answer
 *   is the resource's own. Offset retrieval does not publish for them: it is a safe request, and
 *   "the length and offset values do not determine whether an upload is complete" ("Length").
 *   Interop 5 and 6 are the exception, as for completion itself: tus-js-client's draft modes
 *   take offset == length for done after a `HEAD`, so there, as for tus, `HEAD`/`GET` of an
 *   upload at its length and not published publishes it first (204 `?1`; a refusal's 4xx with
 *   `?1`; the 5xx again with `?0`).
 *
 * This module must not touch sockets.
 * @module
 */

import type { AppConfig } from "../app/app_config.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { jsonResponse } from "../app/json_response.ts";
import { pathBelowMount, plain } from "../uploads/mod.ts";
import { appendBody, type AppendResult, awaitsPublication, completeReceived } from "./append.ts";
import { contentDigestChecksum } from "./checksum.ts";
import { createUpload, resumableRefusal } from "./create_upload.ts";
import { creationTarget } from "./creation_target.ts";
import { parseSfBoolean, parseUploadInteger, sfBoolean } from "./field_values.ts";
import { type ResumableContext, UPLOADS_MOUNT } from "./resumable_context.ts";
import { missingLease } from "./upload_store.ts";
import { resourceMethod } from "./method_override.ts";
import { concatenationRefused, mediaType } from "./tus_protocol.ts";
import { parseTusMetadata } from "./tus_metadata.ts";
import type { UploadRecord } from "./upload_record.ts";

/** The media type of an append ("Media Type application/partial-upload"). */
export const PARTIAL_UPLOAD_MEDIA_TYPE = "application/partial-upload";
/** The interop versions we follow (see the module doc). */
export const INTEROP_VERSIONS: ReadonlySet<number> = new Set([5, 6, 7, 8]);
/** The interop version before `application/partial-upload` was required. */
const INTEROP_WITHOUT_MEDIA_TYPE = 5;
/** The last interop version served as tusd serves it: complete once the length is reached. */
const INTEROP_COMPLETES_AT_LENGTH = 6;
const MS_PER_SECOND = 1000;
const PROBLEM = "https://iana.org/assignments/http-problem-types#";

/** Whether `req` creates a draft upload: a valid `Upload-Complete` ("Upload Creation"). */
export function isDraftCreation(req: HttpRequest): boolean {
  return parseSfBoolean(req.headers.list("upload-complete")) !== null;
}

/** The `Upload-Limit` value of an upload (or of the server, without one). */
export async function uploadLimit(
  ctx: ResumableContext,
  record: UploadRecord | null,
): Promise<string> {
  const size = `max-size=${ctx.config.maxUploadBytes}`;
  const expires = record === null
    ? ctx.now() + ctx.config.resumableExpiryMs
    : await ctx.store.expiresAt(record);
  const age = Math.max(0, Math.floor((expires - ctx.now()) / MS_PER_SECOND));
  return `${size}, max-age=${age}`;
}

/** The draft's fields for `OPTIONS` on a resource that can create uploads ("Limits"). */
export function draftDiscoveryFields(config: AppConfig): Array<[string, string]> {
  return [
    ["Accept-Patch", PARTIAL_UPLOAD_MEDIA_TYPE],
    ["Upload-Limit", `max-size=${config.maxUploadBytes}`],
  ];
}

/** Answers a draft request (creation on `/files/`, or one on `/api/uploads/<id>`). */
export async function draftHandler(ctx: ResumableContext, req: HttpRequest): Promise<HttpResponse> {
  const interop = interopVersion(req);
  const echo: Array<[string, string]> = interop === null
    ? []
    : [["Upload-Draft-Interop-Version", String(interop)]];
  const refusal = resumableRefusal(ctx, req);
  if (refusal !== null) return withFields(refusal, echo);
  if (!req.path.startsWith(UPLOADS_MOUNT)) {
    return withFields(await create(ctx, req, interop, echo), echo);
  }
  const id = req.path.slice(UPLOADS_MOUNT.length);
  switch (resourceMethod(req)) {
    case "HEAD":
    case "GET":
      return withFields(await head(ctx, id, interop), echo);
    case "PATCH":
      return withFields(await append(ctx, req, id, interop), echo);
    case "DELETE":
      return withFields(await cancel(ctx, id), echo);
    default:
      return withFields(plain(STATUS.MethodNotAllowed, "Method not allowed"), echo);
  }
}

async function create(
  ctx: ResumableContext,
  req: HttpRequest,
  interop: number | null,
  echo: Array<[string, string]>,
): Promise<HttpResponse> {
  const complete = parseSfBoolean(req.headers.list("upload-complete"))!;
  if (req.headers.get("upload-concat") !== undefined) return concatenationRefused();
  const coding = req.headers.list("content-encoding")?.trim().toLowerCase();
  if (coding !== undefined && coding !== "" && coding !== "identity") {
    return plain(STATUS.UnsupportedMediaType, "Send the file without a Content-Encoding");
  }
  const length = declaredLength(req, complete, 0);
  if (length === "inconsistent") return inconsistentLength();
  const rawMeta = req.headers.list("upload-metadata") ?? null;
  const meta = rawMeta === null ? null : parseTusMetadata(rawMeta);
  const target = creationTarget(pathBelowMount(req), meta, req.headers, ctx.config.dotfiles);
  if (!target.ok) return plain(STATUS.BadRequest, target.reason);
  const checksum = contentDigestChecksum(req.headers);
  if (!checksum.ok) return plain(STATUS.BadRequest, "Malformed Content-Digest");
  const created = await createUpload(ctx, req, target.rawPath, length, rawMeta);
  if (!created.ok) return withLimit(created.response, await uploadLimit(ctx, null));
  const record = created.record;
  const location = UPLOADS_MOUNT + record.id;
  const limit = await uploadLimit(ctx, record);
  if (interop !== null) {
    await req.sendInterim(STATUS.UploadResumptionSupported, [
      ["Location", location],
      ["Upload-Limit", limit],
      ...echo,
    ]);
  }
  const result = await appendBody(ctx, record.id, req, {
    offset: 0,
    length,
    complete: completion(complete, interop),
    checksum: checksum.checksum,
  });
  if (result.kind === "appended") {
    return {
      status: STATUS.Created,
      headers: [
        ["Location", location],
        ["Upload-Limit", limit],
        ["Upload-Complete", sfBoolean(false)],
        ["Upload-Offset", String(result.offset)],
      ],
    };
  }
  const res = result.kind === "completed" ? completedAnswer(result) : appendFailure(result, 0);
  return result.kind === "completed" ? res : withFields(res, [["Location", location]]);
}

async function head(
  ctx: ResumableContext,
  id: string,
  interop: number | null,
): Promise<HttpResponse> {
  const lease = await ctx.store.lease(id, ctx.leaseWaitMs).catch(missingLease);
  if (lease === null) return locked();
  try {
    let record = lease === undefined ? null : await ctx.store.read(id);
    if (record === null) return plain(STATUS.NotFound, "No such upload");
    const offset = await ctx.store.offset(record);
    // Only for the clients that take offset == length for done (see the module doc).
    if (completion(false, interop) === "at-length" && awaitsPublication(record, offset)) {
      const done = await completeReceived(ctx, record, offset);
      if (done.kind === "unpublished") return appendFailure(done, offset);
      if (done.response.status >= STATUS.MultipleChoices) return completedAnswer(done);
      record = done.record;
    }
    const fields: Array<[string, string]> = [
      ["Upload-Offset", String(offset)],
      ["Upload-Complete", sfBoolean(record.completedMs !== null)],
      ["Upload-Limit", await uploadLimit(ctx, record)],
      ["Cache-Control", "no-store"],
    ];
    if (record.length !== null) fields.push(["Upload-Length", String(record.length)]);
    return { status: STATUS.NoContent, headers: fields };
  } finally {
    lease?.release();
  }
}

async function append(
  ctx: ResumableContext,
  req: HttpRequest,
  id: string,
  interop: number | null,
): Promise<HttpResponse> {
  const type = mediaType(req);
  const lenient = interop !== null && interop <= INTEROP_WITHOUT_MEDIA_TYPE && type === undefined;
  if (type !== PARTIAL_UPLOAD_MEDIA_TYPE && !lenient) {
    return plain(STATUS.UnsupportedMediaType, `Appending takes ${PARTIAL_UPLOAD_MEDIA_TYPE}`);
  }
  const offset = parseUploadInteger(req.headers.list("upload-offset"));
  if (offset === null) return plain(STATUS.BadRequest, "Missing or malformed Upload-Offset");
  const complete = parseSfBoolean(req.headers.list("upload-complete"));
  if (complete === null) return plain(STATUS.BadRequest, "Missing or malformed Upload-Complete");
  const length = declaredLength(req, false, offset);
  if (length === "inconsistent") return inconsistentLength();
  const checksum = contentDigestChecksum(req.headers);
  if (!checksum.ok) return plain(STATUS.BadRequest, "Malformed Content-Digest");
  const result = await appendBody(ctx, id, req, {
    offset,
    length,
    complete: completion(complete, interop),
    checksum: checksum.checksum,
  });
  if (result.kind === "appended") {
    return {
      status: STATUS.NoContent,
      headers: [
        ["Upload-Complete", sfBoolean(false)],
        ["Upload-Offset", String(result.offset)],
      ],
    };
  }
  if (result.kind === "completed") return completedAnswer(result);
  if (result.kind === "already-complete" && req.body.length !== 0) return inconsistentLength();
  return appendFailure(result, offset);
}

async function cancel(ctx: ResumableContext, id: string): Promise<HttpResponse> {
  const lease = await ctx.store.lease(id, ctx.leaseWaitMs).catch(missingLease);
  if (lease === null) return locked();
  try {
    if (lease === undefined || await ctx.store.read(id) === null) {
      return plain(STATUS.NotFound, "No such upload");
    }
    await ctx.store.remove(id);
    return { status: STATUS.NoContent };
  } finally {
    lease?.release();
  }
}

/** The upload's own answer with `Upload-Complete: ?1` and the final offset. */
function completedAnswer(result: Extract<AppendResult, { kind: "completed" }>): HttpResponse {
  return withFields(result.response, [
    ["Upload-Complete", sfBoolean(true)],
    ["Upload-Offset", String(result.offset)],
  ]);
}

/** The answer for an append outcome that is not a success; `provided` is the request's offset. */
function appendFailure(result: AppendResult, provided: number): HttpResponse {
  switch (result.kind) {
    case "conflict": {
      const res = problem(
        STATUS.Conflict,
        "mismatching-upload-offset",
        "offset from request does not match offset of resource",
        { "expected-offset": result.offset, "provided-offset": provided },
      );
      res.headers!.push(["Upload-Offset", String(result.offset)]);
      return res;
    }
    case "locked":
      return locked();
    case "gone":
      return plain(STATUS.NotFound, "No such upload");
    case "checksum-mismatch": {
      const res = plain(
        STATUS.BadRequest,
        "The content does not match its Content-Digest; it was not kept",
      );
      res.headers!.push(["Upload-Offset", String(result.offset)]);
      return res;
    }
    case "too-large": {
      const res = plain(
        STATUS.ContentTooLarge,
        "The data would pass the upload's length or --max-upload",
      );
      res.close = true;
      return res;
    }
    case "inconsistent-length":
      return inconsistentLength();
    case "already-complete":
      return problem(STATUS.BadRequest, "completed-upload", "upload is already completed", {});
    case "storage":
      result.response.headers!.push(["Upload-Offset", String(result.offset)]);
      return result.response;
    case "unpublished":
      // Not ?1: that would make the 5xx the resource's final answer (see the module doc).
      return withFields(result.response, [
        ["Upload-Complete", sfBoolean(false)],
        ["Upload-Offset", String(result.offset)],
      ]);
    default:
      return plain(STATUS.InternalServerError, "Unexpected upload state");
  }
}

/**
 * The length a request declares ("Length"): `Upload-Length`, and with `Upload-Complete: ?1` the
 * offset plus `Content-Length`; they must agree.
 */
function declaredLength(
  req: HttpRequest,
  complete: boolean,
  offset: number,
): number | null | "inconsistent" {
  const field = parseUploadInteger(req.headers.list("upload-length"));
  const implied = complete && req.body.length !== null ? offset + req.body.length : null;
  if (field !== null && implied !== null && field !== implied) return "inconsistent";
  return field ?? implied;
}

/** What ends the upload: `Upload-Complete: ?1`, or for interop 5 and 6 also reaching the length. */
function completion(complete: boolean, interop: number | null): boolean | "at-length" {
  return !complete && interop !== null && interop <= INTEROP_COMPLETES_AT_LENGTH
    ? "at-length"
    : complete;
}

function interopVersion(req: HttpRequest): number | null {
  const v = parseUploadInteger(req.headers.list("upload-draft-interop-version"));
  return v !== null && INTEROP_VERSIONS.has(v) ? v : null;
}

function inconsistentLength(): HttpResponse {
  return problem(
    STATUS.BadRequest,
    "inconsistent-upload-length",
    "inconsistent length values for upload",
    {},
  );
}

/** An RFC 9457 problem answer with one of the draft's problem types. */
function problem(
  status: number,
  type: string,
  title: string,
  extra: Record<string, number>,
): HttpResponse {
  const res = jsonResponse(status, { type: PROBLEM + type, title, ...extra });
  res.headers = (res.headers ?? []).map(([k, v]) =>
    k.toLowerCase() === "content-type" ? [k, "application/problem+json"] : [k, v]
  );
  return res;
}

function locked(): HttpResponse {
  const res = plain(STATUS.Locked, "Another request is writing this upload; retry shortly");
  res.headers!.push(["Retry-After", "1"]);
  return res;
}

function withLimit(res: HttpResponse, limit: string): HttpResponse {
  return res.status === STATUS.ContentTooLarge ? withFields(res, [["Upload-Limit", limit]]) : res;
}

function withFields(res: HttpResponse, fields: Array<[string, string]>): HttpResponse {
  if (fields.length > 0) res.headers = [...(res.headers ?? []), ...fields];
  return res;
}
