/**
 * The answers tus and the draft give alike, so their text is fixed once per kind (house rule 5):
 * an upload another request holds (423), an upload that does not exist (404), an append past the
 * length or `--max-upload` (413, closing), one past `--resumable-max-bytes` (413, closing), a
 * malformed digest field (400), and `Upload-Concat` refused at creation. Each protocol
 * keeps its own answers where the two differ (`tus_answers.ts`, `draft_answers.ts`).
 *
 * This module must not touch sockets or the store.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpResponse } from "../http/types.ts";
import { plain } from "../uploads/mod.ts";
import type { CancelResult } from "./cancel_upload.ts";

/**
 * 423 for an upload whose lease another request kept past the wait, which tus clients retry; no
 * status says "busy, retry" better, and `Retry-After` tells when.
 */
export function uploadLocked(): HttpResponse {
  const res = plain(STATUS.Locked, "Another request is writing this upload; retry shortly");
  res.headers!.push(["Retry-After", "1"]);
  return res;
}

/**
 * 404 for an unknown, expired or removed upload (tus 1.0.0 "Expiration" allows 404 or 410; 404
 * also hides whether an id ever existed).
 */
export function noSuchUpload(): HttpResponse {
  return plain(STATUS.NotFound, "No such upload");
}

/**
 * 413 for data that would pass the upload's length or `--max-upload`. The connection closes: the
 * rest of the body was not read.
 */
export function appendTooLarge(): HttpResponse {
  const res = plain(
    STATUS.ContentTooLarge,
    "The data would pass the upload's length or --max-upload",
  );
  res.close = true;
  return res;
}

/**
 * 413 for data of an upload of unknown length that would take the unfinished uploads past
 * `--resumable-max-bytes` (the same status a creation past it gets, `create_upload.ts`), with the
 * offset where the upload stays: the client may resume once others finish. The connection
 * closes: the rest of the body was not read.
 */
export function appendOverCap(maxBytes: number, offset: number): HttpResponse {
  const res = plain(
    STATUS.ContentTooLarge,
    `Unfinished uploads would pass --resumable-max-bytes (${maxBytes} bytes)`,
  );
  res.headers!.push(["Upload-Offset", String(offset)]);
  res.close = true;
  return res;
}

/**
 * 400 for `Upload-Concat`, in both protocols: tus concatenation is not implemented, and refusing
 * it before anything exists keeps tus-js-client's `parallelUploads` from creating each part as an
 * upload of its own (see `tus_protocol.ts`).
 */
export function concatenationRefused(): HttpResponse {
  return plain(
    STATUS.BadRequest,
    "Upload-Concat is not supported: send the file as one upload (no parallelUploads)",
  );
}

/**
 * 400 for a malformed `Repr-Digest` (or `Content-Digest`), in the words a plain upload refuses
 * it with (`src/uploads/raw_upload.ts`): a digest the client sent is checked or refused, never
 * skipped.
 */
export function malformedDigest(): HttpResponse {
  return plain(STATUS.BadRequest, "Malformed Content-Digest or Repr-Digest");
}

/** `res` with `fields` appended (unchanged when there are none). */
export function withFields(res: HttpResponse, fields: Array<[string, string]>): HttpResponse {
  if (fields.length > 0) res.headers = [...(res.headers ?? []), ...fields];
  return res;
}

/**
 * The answer to a cancellation (tus "Termination", the draft's "Upload Cancellation"): 204 once
 * the upload is gone; a completed upload keeps its file, answered as its protocol says
 * (`complete`).
 */
export function cancelAnswer(
  result: CancelResult,
  complete: () => HttpResponse,
): HttpResponse {
  switch (result) {
    case "cancelled":
      return { status: STATUS.NoContent };
    case "locked":
      return uploadLocked();
    case "gone":
      return noSuchUpload();
    case "complete":
      return complete();
  }
}
