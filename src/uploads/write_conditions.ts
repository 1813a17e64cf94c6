/**
 * Whether a write may go ahead given the request's preconditions and what exists now — pure,
 * decided before the body is read, with a table test.
 *
 * - RFC 9110 §13.2.2 through `evaluatePreconditions` (the same code and the same ETags the GET
 *   side uses, so a tag from a download guards an upload): `If-Match` that does not match, or
 *   `If-None-Match: *` when the file exists → 412. Together they give the two safe-update idioms:
 *   create-only (`If-None-Match: *`) and no lost update (`If-Match: <tag from GET>`).
 * - `--no-overwrite` → 409 Conflict when the name exists (the state of the resource, not a
 *   precondition the client sent, so not 412).
 * - The check is repeated where the file is published, because a long upload leaves time for
 *   another writer: create-only writes are published with link(2), which cannot replace
 *   (`createOnly`), and a write with validator preconditions (`If-Match`, `If-Unmodified-Since`,
 *   `If-None-Match` with tags) evaluates them again under a lock on the file it replaces, so
 *   that check and rename are one step against every other such writer (`recheck`,
 *   `guarded_publish.ts`).
 *
 * This module must not touch the disk.
 * @module
 */

import { trimOws } from "../http/ows.ts";
import { STATUS } from "../http/status.ts";
import { evaluatePreconditions, type FieldSource, type Validators } from "../app/conditional.ts";

/** What to do with a write. */
export type WriteDecision =
  | {
    kind: "proceed";
    /** Publish only if the name is still free (link instead of rename). */
    createOnly: boolean;
    /** Whether the preconditions must hold again when published (`publishGuarded`). */
    recheck: boolean;
  }
  | { kind: "refuse"; status: number; text: string };

/** Decides a write (`PUT`, `POST`, `DELETE`) of a file whose current validators are `current`. */
export function decideWrite(
  method: string,
  fields: FieldSource,
  current: Validators | null,
  noOverwrite: boolean,
): WriteDecision {
  // RFC 9110 §13.2.1: preconditions are ignored when the answer without them would be an
  // error other than 412, so the --no-overwrite conflict comes first.
  if (noOverwrite && current !== null) {
    return {
      kind: "refuse",
      status: STATUS.Conflict,
      text: "A file with this name exists and overwriting is disabled (--no-overwrite)",
    };
  }
  if (evaluatePreconditions(method, fields, current) !== "proceed") {
    return { kind: "refuse", status: STATUS.PreconditionFailed, text: "Precondition failed" };
  }
  const listed = fields.list("if-none-match");
  const ifNoneMatch = listed === undefined ? undefined : trimOws(listed); // OWS only (RFC 9110 §5.6.3)
  return {
    kind: "proceed",
    createOnly: noOverwrite || ifNoneMatch === "*",
    // `If-None-Match: *` alone needs no recheck: link(2) (`createOnly`) already cannot replace.
    recheck: fields.list("if-match") !== undefined ||
      fields.list("if-unmodified-since") !== undefined ||
      (ifNoneMatch !== undefined && ifNoneMatch !== "*"),
  };
}

/**
 * Whether the RFC 9110 preconditions (If-Match, If-None-Match, If-Unmodified-Since) of a change
 * other than a file's new contents fail for its target resource (`current`, null when nothing is
 * there): MKCOL, a form POST to a folder, and WebDAV's COPY, MOVE, PROPPATCH and LOCK. §13.1.1:
 * the server MUST NOT perform the method when one is false — the answer is 412.
 */
export function preconditionsFail(
  method: string,
  fields: FieldSource,
  current: Validators | null,
): boolean {
  return evaluatePreconditions(method, fields, current) !== "proceed";
}
