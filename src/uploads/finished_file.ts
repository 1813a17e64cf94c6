/**
 * The write rules for a file that arrives some other way than one request body — a resumable
 * upload assembled over many requests — so that it lands exactly like every other upload:
 *
 * - `planWrite` runs, before any data is taken, the checks a raw upload runs before its body:
 *   the path and name rules, a folder in the way, `--max-upload`, the preconditions
 *   (`If-Match`, `If-None-Match`) and `--no-overwrite`.
 * - `publishFinished` runs them all again when the last byte is there (the file named by the
 *   URL may have changed meanwhile: RFC 9110 §13.2.2 asks for the preconditions at the time the
 *   change is made), creates the missing folders, and moves the finished file into place in one
 *   atomic step (`publishFile`): nothing exists under the final name before that. Validator
 *   preconditions are evaluated and the file moved under a lock on the file it replaces
 *   (`publishGuarded`), so two completions with one `If-Match` cannot both replace it. Then it tells
 *   the read side (`changed`) and answers as a raw upload would (201 with Location, or 204 for a
 *   PUT that replaced).
 * - Both run the write guard (WebDAV's locks and `If`, as a raw upload does before its body) with
 *   the fields of the request at hand — the creating one for `planWrite`'s caller, the completing
 *   one here: a lock taken while the upload was under way must hold at its publication too
 *   (RFC 4918 §7: every change to a locked resource needs its token).
 *
 * Auth and `--read-only` are the caller's to check on every request (`writeRefusal`).
 *
 * This module must not touch sockets.
 * @module
 */

import { dirname } from "node:path";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import type { FieldSource } from "../app/conditional.ts";
import { type DigestAlgorithm, formatDigest } from "../app/digest.ts";
import { jsonResponse } from "../app/json_response.ts";
import { rememberReprDigest } from "../files/mod.ts";
import { LockWaitTimedOut, publishGuarded } from "./guarded_publish.ts";
import { publishFile } from "./temp_file.ts";
import { lockBusy, notPublished, plain, tooLarge, type UploadContext } from "./upload_context.ts";
import { decideWrite, type WriteDecision } from "./write_conditions.ts";
import {
  existingValidators,
  failure,
  prepareFolder,
  resolveWriteTarget,
  validatorsOf,
  type WriteTarget,
} from "./write_target.ts";
import { servedResourceLookup } from "./served_resource.ts";

/** A write that may go ahead: where, and what to re-check when publishing. */
export interface WritePlan {
  target: WriteTarget;
  decision: Extract<WriteDecision, { kind: "proceed" }>;
}

/**
 * The checks before data for a file of `length` bytes (null when not known yet) to be written
 * at the raw URL path `rawPath` below the mount by `method` with the precondition fields in
 * `fields`. Returns the plan, or the refusal to answer.
 */
export async function planWrite(
  ctx: UploadContext,
  method: string,
  rawPath: string,
  fields: FieldSource,
  length: number | null,
): Promise<WritePlan | HttpResponse> {
  if (length !== null && length > ctx.config.maxUploadBytes) {
    return tooLarge(ctx.config.maxUploadBytes);
  }
  const resolved = await resolveWriteTarget(ctx, rawPath);
  if (!resolved.ok) return resolved.response;
  const target = resolved.target;
  if (target.trailingSlash || target.segments.length === 0) {
    return plain(STATUS.BadRequest, "The path names a folder: add a file name");
  }
  if (target.existing?.isDirectory) return plain(STATUS.Conflict, "A folder exists with this name");
  const current = target.existing === null ? null : existingValidators(target.existing);
  const decision = decideWrite(method, fields, current, ctx.config.noOverwrite);
  if (decision.kind === "refuse") return plain(decision.status, decision.text);
  return { target, decision };
}

/** A digest of the finished file to answer with (`Repr-Digest`), already computed. */
export interface FinishedDigest {
  algorithm: DigestAlgorithm;
  value: Uint8Array;
}

/** The write guard's verdict (WebDAV's locks, 423; its `If`, 412) on `req` writing `target`. */
export async function guardPlannedWrite(
  ctx: UploadContext,
  req: HttpRequest,
  target: WriteTarget,
): Promise<HttpResponse | null> {
  return await ctx.writeGuard(req, {
    kind: target.existing === null ? "create" : "replace",
    segments: target.segments,
    fsPath: target.fsPath,
    existing: target.existing,
  });
}

/**
 * Publishes the finished file at `sourcePath` (on the same file system as the target, or the
 * move fails with a 500) as `rawPath`, re-checking everything `planWrite` checked and asking the
 * write guard with `completing`'s tokens (the request that brought the upload to its end). On a
 * refusal `sourcePath` is left where it is.
 */
export async function publishFinished(
  ctx: UploadContext,
  method: string,
  rawPath: string,
  fields: FieldSource,
  sourcePath: string,
  digest: FinishedDigest | null,
  completing: HttpRequest,
): Promise<HttpResponse> {
  let stored: Deno.FileInfo;
  try {
    stored = await Deno.stat(sourcePath);
  } catch (err) {
    return failure(err);
  }
  const plan = await planWrite(ctx, method, rawPath, fields, stored.size);
  if ("status" in plan) return plan;
  const { target, decision } = plan;
  const guarded = await guardPlannedWrite(ctx, completing, target);
  if (guarded !== null) return guarded;
  const dir = dirname(target.fsPath);
  const folder = await prepareFolder(ctx, dir);
  if (!folder.ok) return folder.response;
  let published = false;
  const lookup = servedResourceLookup(ctx);
  try {
    const outcome = await publishGuarded(
      target.fsPath,
      method,
      fields,
      decision.recheck,
      () => publishFile(sourcePath, target.fsPath, decision.createOnly, lookup),
      { current: lookup },
    );
    if (outcome === null || outcome === "exists") {
      return notPublished(outcome, ctx.config.noOverwrite);
    }
    published = true;
    ctx.changed(target.fsPath);
    ctx.changed(dir);
    return storedAnswer(method, target, await namedStat(target.fsPath, stored), digest, outcome);
  } catch (err) {
    // A 503 is the machine's moment: a resumable upload keeps its data for another try.
    if (err instanceof LockWaitTimedOut) return lockBusy();
    return failure(err);
  } finally {
    if (!published) await folder.undo();
  }
}

/**
 * The success answer of every single-file upload: 204 for a PUT that replaced, else 201 with
 * Location and a JSON body; `ETag` (the one GET will send) and `Repr-Digest` when computed.
 */
export function storedAnswer(
  method: string,
  target: WriteTarget,
  stored: Deno.FileInfo,
  digest: FinishedDigest | null,
  outcome: "created" | "replaced",
): HttpResponse {
  const etag = validatorsOf(stored).etag;
  const headers: Array<[string, string]> = [["ETag", etag]];
  if (digest !== null) {
    rememberReprDigest(target.fsPath, etag, digest.algorithm, digest.value);
    headers.push(["Repr-Digest", formatDigest(digest.algorithm, digest.value)]);
  }
  if (method === "PUT" && outcome === "replaced") return { status: STATUS.NoContent, headers };
  headers.push(["Location", target.url]);
  const name = target.segments[target.segments.length - 1];
  return jsonResponse(STATUS.Created, { name, url: target.url, size: stored.size }, headers);
}

/**
 * The stat of the file just published at `fsPath`, for its ETag: taken after the rename or link,
 * which moved its change time (see `fileEtag`). `before` if it is already gone again.
 */
export async function namedStat(fsPath: string, before: Deno.FileInfo): Promise<Deno.FileInfo> {
  try {
    return await Deno.stat(fsPath);
  } catch {
    return before;
  }
}
