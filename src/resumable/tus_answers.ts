/**
 * tus 1.0.0's answers where they are its own: an append outcome that is not a success, a wrong
 * offset, and a refused `Upload-Checksum` (tus 1.0.0 section names in quotes). What tus answers
 * like the draft is in `upload_answers.ts`; `Tus-Resumable` on every answer is the handler's
 * (`tus_protocol.ts`).
 *
 * Decisions:
 * - A wrong `Upload-Offset` → 409 with the right one in `Upload-Offset` ("PATCH"), which tus
 *   clients resume from; appending to a completed upload at another offset than its length is a
 *   wrong offset too, while data at its length runs past it: 413 (`tus_protocol.ts`).
 * - `Upload-Checksum` with an algorithm we lack, or malformed → 400; a mismatch → 460 and the
 *   bytes go ("Checksum").
 * - A termination of a completed upload removes nothing (its file is published and stays):
 *   409, not the 204 that says the upload is gone ("Termination"); tus clients take anything
 *   but 204 for a failed termination.
 * - A failure on the server's side (the disk refused the bytes, or a publication failed) keeps
 *   the upload: its 5xx carries `Upload-Offset`, where the client resumes or retries.
 *
 * This module must not touch sockets or the store.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpResponse } from "../http/types.ts";
import { plain } from "../uploads/mod.ts";
import type { AppendResult } from "./append.ts";
import type { CancelResult } from "./cancel_upload.ts";
import {
  appendOverCap,
  appendTooLarge,
  cancelAnswer,
  noSuchUpload,
  uploadLocked,
  withFields,
} from "./upload_answers.ts";

/** tus's status for a checksum mismatch (tus 1.0.0 "Checksum"; not an IANA code). */
export const TUS_CHECKSUM_MISMATCH = 460;

/** The answer to a termination ("Termination"): 204 once the upload is gone. */
export function tusTerminationAnswer(result: CancelResult): HttpResponse {
  return cancelAnswer(
    result,
    () => plain(STATUS.Conflict, "The upload is complete and its file stays; nothing to end"),
  );
}

/** The answers for append outcomes that are not a success. */
export function tusAppendFailure(result: AppendResult): HttpResponse {
  switch (result.kind) {
    case "conflict":
      return tusOffsetConflict(result.offset);
    case "locked":
      return uploadLocked();
    case "gone":
      return noSuchUpload();
    case "checksum-mismatch":
      return plain(TUS_CHECKSUM_MISMATCH, "Checksum mismatch: the data was not kept");
    case "too-large":
      // Where the upload stays (docs/resumable.md): the client resumes from there, with less.
      return withFields(appendTooLarge(), [["Upload-Offset", String(result.offset)]]);
    case "over-cap":
      return appendOverCap(result.maxBytes, result.offset);
    case "inconsistent-length":
      return plain(STATUS.BadRequest, "The length does not match the upload's");
    case "already-complete":
      return tusOffsetConflict(result.record.length ?? 0);
    case "storage":
    case "unpublished":
      // The upload stays: the client resumes (or retries the publication) from this offset.
      return withFields(result.response, [["Upload-Offset", String(result.offset)]]);
    default:
      return plain(STATUS.InternalServerError, "Unexpected upload state");
  }
}

/** 409 for a wrong `Upload-Offset`, with the upload's own offset to resume from. */
export function tusOffsetConflict(offset: number): HttpResponse {
  const res = plain(STATUS.Conflict, `Wrong Upload-Offset: the upload is at ${offset}`);
  res.headers!.push(["Upload-Offset", String(offset)]);
  return res;
}

/** 400 for an `Upload-Checksum` we cannot verify. */
export function tusChecksumRefused(reason: "malformed" | "unsupported"): HttpResponse {
  return plain(
    STATUS.BadRequest,
    reason === "unsupported"
      ? "Unsupported Upload-Checksum algorithm"
      : "Malformed Upload-Checksum",
  );
}
