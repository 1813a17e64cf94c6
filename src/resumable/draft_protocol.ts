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
 *   So is `Upload-Complete: ?1` on a request a resumable upload cannot process "according to
 *   the method and header fields in the initial request" ("Upgrading To Resumable Uploads"): a
 *   form, `Content-Range`, `X-OC-Mtime` (`plainOnlyField`, `src/uploads/`) — the upgrade is
 *   declined and the plain upload answers. With `?0` such a request is refused (400): a plain
 *   upload would publish its first piece as the whole file.
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
 * - What a creation's head already shows is refused before the 104, so no upload is named
 *   ("Length"): `Content-Length` over `Upload-Length` → 400 "inconsistent-upload-length", over
 *   `--max-upload` → 413. A creation whose content makes the upload useless after the 104 (a
 *   `Content-Digest` mismatch, a chunked body past the length) failed as a whole, as a tus
 *   creation does: no `Location`, and the upload is removed at once.
 * - Every final answer carries `Upload-Offset` too (not required by the draft): tus-js-client's
 *   draft modes read the new offset from it.
 * - Appending to a completed upload is refused and changes nothing ("Upload Append"): content →
 *   400 "inconsistent-upload-length", an empty append → 400 "completed-upload". Content past the
 *   upload's own length is that inconsistency too (400, with `Upload-Offset`), not a 413 of the
 *   server's limits, and nothing of it is kept (chunked too: tus keeps the chunks before the one
 *   that crosses).
 * - `Upload-Limit: max-size` is `--max-upload`; `max-age` the seconds left before expiry. Every 413
 *   carries it ("Upload Limit": a 413 the server's limits cause MUST), chunked bodies included.
 * - A complete upload (`?1`) to a file URL that only the caps of unfinished uploads refuse is
 *   taken as a plain upload ("Upgrading To Resumable Uploads": a server may decline to make a
 *   request resumable): no 104, no resource, the answer of `src/uploads/`. To a folder URL it keeps
 *   the caps' answer: its file name comes from fields a plain upload does not read.
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
 * This module is the draft's flow; its pieces are beside it: what the request fields say
 * (interop version, completion, length) in `draft_fields.ts`, the answers with the draft's
 * problem types in `draft_answers.ts`, those it gives like tus (423 busy, 404 unknown, 413) in
 * `upload_answers.ts`, cancellation in `cancel_upload.ts`, appending in `append.ts`.
 *
 * This module must not touch sockets.
 * @module
 */

import { trimOws } from "../http/ows.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { pathBelowMount, plain, plainOnlyField, rawUpload, tooLarge } from "../uploads/mod.ts";
import { appendBody, type AppendResult, awaitsPublication, completeReceived } from "./append.ts";
import { cancelUpload } from "./cancel_upload.ts";
import { contentDigestChecksum, reprDigestMalformed } from "./checksum.ts";
import { createUpload, resumableRefusal } from "./create_upload.ts";
import { creationTarget } from "./creation_target.ts";
import {
  draftAppendFailure,
  draftCancelAnswer,
  draftCompletedAnswer,
  inconsistentLength,
} from "./draft_answers.ts";
import {
  declaredLength,
  draftCompletion,
  INTEROP_WITHOUT_MEDIA_TYPE,
  interopVersion,
  PARTIAL_UPLOAD_MEDIA_TYPE,
} from "./draft_fields.ts";
import { mediaType, parseSfBoolean, parseUploadInteger, sfBoolean } from "./field_values.ts";
import { RESOURCE_METHODS, type ResumableContext, UPLOADS_MOUNT } from "./resumable_context.ts";
import { missingLease } from "./upload_store.ts";
import { resourceMethod } from "./method_override.ts";
import { parseTusMetadata } from "./tus_metadata.ts";
import {
  concatenationRefused,
  malformedDigest,
  noSuchUpload,
  uploadLocked,
  withFields,
} from "./upload_answers.ts";
import type { UploadRecord } from "./upload_record.ts";

const MS_PER_SECOND = 1000;

/** Outcomes of a creation's own content after which its upload is removed (see `create`). */
const USELESS_AFTER_CREATION: ReadonlySet<AppendResult["kind"]> = new Set([
  "checksum-mismatch",
  "too-large",
  "inconsistent-length",
]);

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
      return withFields(await head(ctx, id, req, interop), echo);
    case "PATCH":
      return withFields(await append(ctx, req, id, interop), echo);
    case "DELETE":
      return withFields(draftCancelAnswer(await cancelUpload(ctx, id)), echo);
    default:
      // RFC 9110 §15.5.6: a 405 carries Allow (never the method refused: POST is not one).
      return withFields(plain(STATUS.MethodNotAllowed, "Method not allowed"), [
        ["Allow", RESOURCE_METHODS.join(", ")],
        ...echo,
      ]);
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
  // An unfinished upload (`?0`) that asks what only a plain upload does (a form, a range, a
  // modification time): neither can do it. As a resumable upload the field would be dropped
  // (a range's bytes stored at offset 0); as a plain one this first piece would be published
  // as the whole file. (With `?1` it never gets here: isDraftCreation leaves it plain.)
  const plainOnly = plainOnlyField(req);
  if (plainOnly !== null) {
    return plain(STATUS.BadRequest, `A resumable upload cannot honour ${plainOnly}`);
  }
  // OWS only (RFC 9110 §5.6.3): `identity\xA0` is a coding we do not know, so 415.
  const codingField = req.headers.list("content-encoding");
  const coding = codingField === undefined ? undefined : trimOws(codingField).toLowerCase();
  if (coding !== undefined && coding !== "" && coding !== "identity") {
    return plain(STATUS.UnsupportedMediaType, "Send the file without a Content-Encoding");
  }
  const length = declaredLength(req, complete, 0);
  if (length === "inconsistent") return inconsistentLength();
  // What the head already shows is refused before the 104 ("Length"): content longer than the
  // declared length can never fit, and content over --max-upload never passes it; once a 104
  // has named the upload, it would be left behind holding a place of the caps.
  const sent = req.body.length;
  if (length !== null && sent !== null && sent > length) return inconsistentLength();
  if (sent !== null && sent > ctx.config.maxUploadBytes) {
    return withLimit(tooLarge(ctx.config.maxUploadBytes), await uploadLimit(ctx, null));
  }
  const rawMeta = req.headers.list("upload-metadata") ?? null;
  const meta = rawMeta === null ? null : parseTusMetadata(rawMeta);
  const target = creationTarget(pathBelowMount(req), meta, req.headers, ctx.config.dotfiles);
  if (!target.ok) return plain(STATUS.BadRequest, target.reason);
  const checksum = contentDigestChecksum(req.headers);
  if (!checksum.ok) return plain(STATUS.BadRequest, "Malformed Content-Digest");
  const created = await createUpload(ctx, req, target.rawPath, length, rawMeta);
  if (!created.ok) {
    // "Upgrading To Resumable Uploads": a server that will not make a request resumable may
    // treat it as a normal upload. A complete one to a file URL that only the caps of
    // unfinished uploads refuse is one (no 104, no Location): the plain PUT/POST it would be
    // without Upload-Complete, which the caps do not concern.
    if (created.capped && complete && target.rawPath === pathBelowMount(req)) {
      return await rawUpload(ctx.upload, req);
    }
    return withLimit(created.response, await uploadLimit(ctx, null));
  }
  const record = created.record;
  const location = UPLOADS_MOUNT + record.id;
  const limit = await uploadLimit(ctx, record);
  // RFC 9110 §15.2: no 1xx to an HTTP/1.0 client, so it learns the URL from the final answer only.
  const told = interop !== null && req.version !== "HTTP/1.0";
  if (told) {
    await req.sendInterim(STATUS.UploadResumptionSupported, [
      ["Location", location],
      ["Upload-Limit", limit],
      ...echo,
    ]);
  }
  const result = await appendBody(ctx, record.id, req, {
    offset: 0,
    length,
    complete: draftCompletion(complete, interop),
    checksum: checksum.checksum,
  }).catch(async (err) => {
    // The body was cut or the append failed before any final answer: a client that had no 104
    // never learns the URL, so the upload goes rather than hold a place of the caps until it
    // expires. One the 104 named stays, to resume.
    if (!told) await ctx.store.remove(record.id).catch(() => {});
    throw err;
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
  if (result.kind === "completed") return draftCompletedAnswer(result);
  const res = withLimit(draftAppendFailure(result, 0), limit);
  // The creating request's own content made the upload useless (it does not match its
  // Content-Digest, or it runs past the length): it failed as a whole, as a tus creation does,
  // and goes at once rather than hold a place of the caps until it expires — even if a 104
  // named it. The server's moments (a full disk, a failed publication, the bytes cap) keep it.
  if (USELESS_AFTER_CREATION.has(result.kind)) {
    await ctx.store.remove(record.id);
    return res;
  }
  return withFields(res, [["Location", location]]);
}

async function head(
  ctx: ResumableContext,
  id: string,
  req: HttpRequest,
  interop: number | null,
): Promise<HttpResponse> {
  const lease = await ctx.store.lease(id, ctx.leaseWaitMs).catch(missingLease);
  if (lease === null) return uploadLocked();
  try {
    let record = lease === undefined ? null : await ctx.store.readHeld(id);
    if (record === null) return noSuchUpload();
    const offset = await ctx.store.offset(record);
    // Only for the clients that take offset == length for done (see the module doc).
    if (draftCompletion(false, interop) === "at-length" && awaitsPublication(record, offset)) {
      const done = await completeReceived(ctx, record, offset, req);
      if (done.kind === "unpublished") return draftAppendFailure(done, offset);
      if (done.response.status >= STATUS.MultipleChoices) return draftCompletedAnswer(done);
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
  const type = mediaType(req.headers.get("content-type"));
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
  // An append's Repr-Digest is not checked (the creation's is, at the end), but a malformed one
  // is refused, as everywhere: a client that sent a digest must not think it was checked.
  if (reprDigestMalformed(req.headers)) return malformedDigest();
  const result = await appendBody(ctx, id, req, {
    offset,
    length,
    complete: draftCompletion(complete, interop),
    checksum: checksum.checksum,
    pastLengthKeepsNothing: true,
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
  if (result.kind === "completed") return draftCompletedAnswer(result);
  if (result.kind === "already-complete" && req.body.length !== 0) return inconsistentLength();
  const res = draftAppendFailure(result, offset);
  if (res.status !== STATUS.ContentTooLarge) return res;
  const record = "record" in result ? result.record : null;
  return withLimit(res, await uploadLimit(ctx, record));
}

/**
 * `res` with `Upload-Limit` when it is a 413: the draft ("Upload Limit") says a 413 caused by
 * the server's limits on uploads MUST carry it.
 */
function withLimit(res: HttpResponse, limit: string): HttpResponse {
  return res.status === STATUS.ContentTooLarge ? withFields(res, [["Upload-Limit", limit]]) : res;
}
