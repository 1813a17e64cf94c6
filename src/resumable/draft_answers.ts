/**
 * The draft's answers where they are its own: the final answer of a completed upload, and the
 * answers to append outcomes that are not a success, several of them RFC 9457 problem details
 * with the draft's problem types (section names of the draft in quotes). What the draft answers
 * like tus is in `upload_answers.ts`; the interop version echoed on every answer is the
 * handler's (`draft_protocol.ts`).
 *
 * Decisions:
 * - A wrong offset → 409 "mismatching-upload-offset" with `expected-offset` and
 *   `provided-offset`, and the right offset in `Upload-Offset` ("Upload Append").
 * - Lengths that disagree → 400 "inconsistent-upload-length"; an empty append to a completed
 *   upload → 400 "completed-upload".
 * - A cancellation of a completed upload removes nothing (its file is published): 400
 *   "completed-upload", the problem type of a request that would change a completed upload,
 *   not the 204 of a cancellation ("Upload Cancellation").
 * - A completed upload's answer is the upload's own (201/204 or its refusal) with
 *   `Upload-Complete: ?1`; a publication that failed on the server's side goes with `?0`, so the
 *   client does not take the 5xx for the resource's final answer (see `draft_protocol.ts`). Both
 *   carry `Upload-Offset`.
 *
 * This module must not touch sockets or the store.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpResponse } from "../http/types.ts";
import { jsonResponse } from "../app/json_response.ts";
import { plain } from "../uploads/mod.ts";
import type { AppendResult } from "./append.ts";
import type { CancelResult } from "./cancel_upload.ts";
import { sfBoolean } from "./field_values.ts";
import {
  appendOverCap,
  appendTooLarge,
  cancelAnswer,
  noSuchUpload,
  uploadLocked,
  withFields,
} from "./upload_answers.ts";

const PROBLEM = "https://iana.org/assignments/http-problem-types#";

/** The upload's own answer with `Upload-Complete: ?1` and the final offset. */
export function draftCompletedAnswer(
  result: Extract<AppendResult, { kind: "completed" }>,
): HttpResponse {
  return withFields(result.response, [
    ["Upload-Complete", sfBoolean(true)],
    ["Upload-Offset", String(result.offset)],
  ]);
}

/** The answer for an append outcome that is not a success; `provided` is the request's offset. */
export function draftAppendFailure(result: AppendResult, provided: number): HttpResponse {
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
      return uploadLocked();
    case "gone":
      return noSuchUpload();
    case "checksum-mismatch": {
      const res = plain(
        STATUS.BadRequest,
        "The content does not match its Content-Digest; it was not kept",
      );
      res.headers!.push(["Upload-Offset", String(result.offset)]);
      return res;
    }
    case "too-large":
      // Past the upload's own length is the draft's inconsistent length ("Length"): a 400,
      // with the offset the upload stays at, as every final answer here carries it.
      if (!result.pastLength) return appendTooLarge();
      return withFields(inconsistentLength(), [["Upload-Offset", String(result.offset)]]);
    case "over-cap":
      return appendOverCap(result.maxBytes, result.offset);
    case "inconsistent-length":
      return withFields(inconsistentLength(), [["Upload-Offset", String(result.offset)]]);
    case "already-complete":
      return completedUpload();
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

/** The answer to a cancellation ("Upload Cancellation"): 204 once the upload is gone. */
export function draftCancelAnswer(result: CancelResult): HttpResponse {
  return cancelAnswer(result, completedUpload);
}

/** 400 "completed-upload": the request would change an upload that is already complete. */
function completedUpload(): HttpResponse {
  return problem(STATUS.BadRequest, "completed-upload", "upload is already completed", {});
}

/** 400 "inconsistent-upload-length": the lengths of a request and of its upload disagree. */
export function inconsistentLength(): HttpResponse {
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
