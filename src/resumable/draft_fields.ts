/**
 * What the draft's request fields say, and the fields it advertises: whether a request creates an
 * upload (a valid `Upload-Complete`, "Upload Creation"), which interop version a client speaks
 * (`Upload-Draft-Interop-Version`), what ends its upload, the length a request declares
 * ("Length"), and the `OPTIONS` fields ("Limits"). Why each reads as it does — the interop
 * versions above all — is in the module doc of `draft_protocol.ts`; the values themselves are
 * parsed in `field_values.ts`.
 *
 * This module must not touch sockets or the store.
 * @module
 */

import type { AppConfig } from "../app/app_config.ts";
import type { HttpRequest } from "../http/types.ts";
import { plainOnlyField } from "../uploads/mod.ts";
import { parseSfBoolean, parseUploadInteger } from "./field_values.ts";

/** The media type of an append ("Media Type application/partial-upload"). */
export const PARTIAL_UPLOAD_MEDIA_TYPE = "application/partial-upload";
/** The interop versions we follow (see `draft_protocol.ts`). */
export const INTEROP_VERSIONS: ReadonlySet<number> = new Set([5, 6, 7, 8]);
/** The interop version before `application/partial-upload` was required. */
export const INTEROP_WITHOUT_MEDIA_TYPE = 5;
/** The last interop version served as tusd serves it: complete once the length is reached. */
const INTEROP_COMPLETES_AT_LENGTH = 6;

/**
 * Whether `req` creates a draft upload: a valid `Upload-Complete` ("Upload Creation"), except an
 * `Upload-Complete: ?1` on a request that asks what only a plain upload does (a form,
 * `Content-Range`, `X-OC-Mtime`: `plainOnlyField`). That one is a client inviting an upgrade of
 * its ordinary request ("Upgrading To Resumable Uploads"), which we decline: the field is
 * ignored and the request is the plain upload it is, as the draft lets a resource that will not
 * upgrade do. With `?0` the client made a resumable upload on purpose; `create` refuses it.
 */
export function isDraftCreation(req: HttpRequest): boolean {
  const complete = parseSfBoolean(req.headers.list("upload-complete"));
  if (complete === null) return false;
  return !complete || plainOnlyField(req) === null;
}

/** The draft's fields for `OPTIONS` on a resource that can create uploads ("Limits"). */
export function draftDiscoveryFields(config: AppConfig): Array<[string, string]> {
  return [
    ["Accept-Patch", PARTIAL_UPLOAD_MEDIA_TYPE],
    ["Upload-Limit", `max-size=${config.maxUploadBytes}`],
  ];
}

/** The interop version `req` speaks, when it is one we follow; else null. */
export function interopVersion(req: HttpRequest): number | null {
  const v = parseUploadInteger(req.headers.list("upload-draft-interop-version"));
  return v !== null && INTEROP_VERSIONS.has(v) ? v : null;
}

/** What ends the upload: `Upload-Complete: ?1`, or for interop 5 and 6 also reaching the length. */
export function draftCompletion(complete: boolean, interop: number | null): boolean | "at-length" {
  return !complete && interop !== null && interop <= INTEROP_COMPLETES_AT_LENGTH
    ? "at-length"
    : complete;
}

/**
 * The length a request declares ("Length"): `Upload-Length`, and with `Upload-Complete: ?1` the
 * offset plus `Content-Length`; they must agree.
 */
export function declaredLength(
  req: HttpRequest,
  complete: boolean,
  offset: number,
): number | null | "inconsistent" {
  const field = parseUploadInteger(req.headers.list("upload-length"));
  const implied = complete && req.body.length !== null ? offset + req.body.length : null;
  if (field !== null && implied !== null && field !== implied) return "inconsistent";
  return field ?? implied;
}
