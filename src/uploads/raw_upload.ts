/**
 * `PUT /files/<path>` and `POST /files/<path>` with the file as the raw body (Content-Length or
 * chunked): streamed into a temp file beside the target, verified, published by rename.
 *
 * Order (RFC 9110 §10.1.1: a server that will refuse should do so before the client sends the
 * body): auth → read-only → content coding → declared size → path and names → digest fields →
 * preconditions and `--no-overwrite` → the write guard (WebDAV locks) — all without reading a byte, so under
 * `Expect: 100-continue` a refusal goes out instead of the `100` and the body is never sent.
 * Only then do the folders get created and the first `read` send `100 Continue`.
 *
 * Answers: `PUT` → 201 for a new file, 204 when it replaced one (RFC 9110 §9.3.4); `POST` → 201
 * either way (the CodeCrafters stage expects 201). Success carries `ETag` (the one GET will send:
 * the stored bytes are exactly the body, §9.3.4 allows it) and `Repr-Digest` of the stored bytes
 * (sha-256, or what `Want-Repr-Digest` prefers) — always when the client sent a digest or asked
 * with `Want-Repr-Digest` (RFC 9530 §4), and unasked for bodies up to
 * {@link UNASKED_DIGEST_MAX_BYTES}. Past that it is left out unasked because hashing is the
 * single largest cost of an upload: SHA-256 runs at about 1.5 GB/s on one core here, which took
 * a 256 MiB upload from about 330 to 480 ms of server CPU — more than the 2-core machine has
 * to spare at the speed of a Deno.serve server writing the same body (measured). At the old
 * limit of 64 MiB, 64 MiB uploads 4 at a time to 2 workers spent 27% of the server's time in the
 * hash and ran at 0.39× nginx (bench/workers_bench.ts); 1 MiB costs under a millisecond.
 * A body with `Content-Encoding` other than identity → 415: the coded bytes would be stored and
 * then served as if they were the file. A `Content-Range` → 400 (RFC 9110 §14.5): the piece would
 * be stored as the whole file — unless it names the whole body, as `curl -C - -T` sends
 * (`whole_content_range.ts`). An `X-OC-Mtime` (ownCloud clients, rclone) sets the stored file's
 * modification time before it is published, answered `X-OC-MTime: accepted` (`oc_mtime.ts`).
 *
 * This module must not touch sockets.
 * @module
 */

import { basename, dirname } from "node:path";
import { HttpError } from "../http/errors.ts";
import { trimOws } from "../http/ows.ts";
import { STATUS } from "../http/status.ts";
import { closingUnread } from "../http/drain_body.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import {
  BodyDigests,
  type DigestAlgorithm,
  type ExpectedDigest,
  expectedDigests,
  preferredAlgorithm,
} from "../app/digest.ts";
import { type CommitOutcome, TempFile } from "./temp_file.ts";
import { folderStillChecked } from "./checked_folder.ts";
import { guardPlannedWrite, namedStat, storedAnswer } from "./finished_file.ts";
import { LockWaitTimedOut, publishGuarded } from "./guarded_publish.ts";
import { createTempInFolder } from "./temp_in_folder.ts";
import { pumpBody } from "./upload_pump.ts";
import { namesWholeBody } from "./whole_content_range.ts";
import { OC_MTIME_ANSWER, ocMtimeOf } from "./oc_mtime.ts";
import { decideWrite, type WriteDecision } from "./write_conditions.ts";
import {
  lockBusy,
  notPublished,
  pathBelowMount,
  plain,
  tooLarge,
  type UploadContext,
  uploadFailure,
  writeRefusal,
} from "./upload_context.ts";
import {
  existingValidators,
  prepareFolder,
  resolveWriteTarget,
  type WriteTarget,
} from "./write_target.ts";
import { servedResourceLookup } from "./served_resource.ts";

/** Largest body answered with `Repr-Digest` without being asked (see the module doc). */
export const UNASKED_DIGEST_MAX_BYTES = 1024 * 1024;

/** What the checks before the body decided for a write that may go ahead. */
interface RawWritePlan {
  target: WriteTarget;
  decision: Extract<WriteDecision, { kind: "proceed" }>;
  expected: ExpectedDigest[];
  /** The algorithm of the `Repr-Digest` answer, or null for none. */
  answerWith: DigestAlgorithm | null;
  /** Whether no digest was sent or asked for (the answer is then dropped past a size). */
  unasked: boolean;
}

/** Stores the raw body of `req` at its URL path. */
export async function rawUpload(ctx: UploadContext, req: HttpRequest): Promise<HttpResponse> {
  const plan = await planRawWrite(ctx, req);
  return "status" in plan ? plan : await storeBody(ctx, req, plan);
}

/** Every check that needs no body byte, in the order of the module doc. */
async function planRawWrite(
  ctx: UploadContext,
  req: HttpRequest,
): Promise<RawWritePlan | HttpResponse> {
  const refusal = writeRefusal(ctx, req);
  if (refusal !== null) return refusal;
  // OWS only (RFC 9110 §5.6.3): `identity\xA0` is a coding we do not know, so 415.
  const codingField = req.headers.list("content-encoding");
  const coding = codingField === undefined ? undefined : trimOws(codingField).toLowerCase();
  if (coding !== undefined && coding !== "" && coding !== "identity") {
    const res = plain(STATUS.UnsupportedMediaType, "Send the file without a Content-Encoding");
    res.headers!.push(["Accept-Encoding", "identity"]); // RFC 9110 §12.5.3: what we do accept
    return res;
  }
  const declared = req.body.length;
  // RFC 9110 §14.5: a partial PUT would be stored as the whole file. Pieces of a file go through
  // a resumable upload (tus or the IETF draft), which is what carries offsets here; a range that
  // is the whole body (`curl -C - -T`) is a plain upload.
  const range = req.headers.list("content-range");
  if (range !== undefined && !namesWholeBody(range, declared)) {
    return plain(
      STATUS.BadRequest,
      "Content-Range is not supported on uploads: send the whole file, or use a resumable upload",
    );
  }
  if (declared !== null && declared > ctx.config.maxUploadBytes) {
    return tooLarge(ctx.config.maxUploadBytes);
  }
  // macOS Finder sends its PUTs chunked, announcing their length in `X-Expected-Entity-Length`
  // (as ownCloud and reva read it): one past the limit is refused before its 100-continue too.
  if (declared === null && expectedEntityLength(req) > ctx.config.maxUploadBytes) {
    return tooLarge(ctx.config.maxUploadBytes);
  }
  const resolved = await resolveWriteTarget(ctx, pathBelowMount(req));
  if (!resolved.ok) return resolved.response;
  const target = resolved.target;
  if (target.trailingSlash || target.segments.length === 0) {
    return plain(STATUS.BadRequest, "The path names a folder: add a file name");
  }
  if (target.existing?.isDirectory) return plain(STATUS.Conflict, "A folder exists with this name");
  const digests = expectedDigests(req.headers);
  if (!digests.ok) return plain(STATUS.BadRequest, "Malformed Content-Digest or Repr-Digest");
  const current = target.existing === null ? null : existingValidators(target.existing);
  const decision = decideWrite(
    req.method,
    req.headers,
    current,
    ctx.config.noOverwrite && !await claimedEmpty(ctx, req, target),
  );
  if (decision.kind === "refuse") return plain(decision.status, decision.text);
  const guarded = await guardPlannedWrite(ctx, req, target);
  if (guarded !== null) return guarded;
  const want = req.headers.list("want-repr-digest");
  const unasked = want === undefined && digests.expected.length === 0;
  const tooBigToHash = unasked && (declared ?? 0) > UNASKED_DIGEST_MAX_BYTES;
  return {
    target,
    decision,
    expected: digests.expected,
    answerWith: tooBigToHash ? null : preferredAlgorithm(want),
    unasked,
  };
}

/** Streams the body into a temp file, verifies it, publishes it, answers. */
async function storeBody(
  ctx: UploadContext,
  req: HttpRequest,
  plan: RawWritePlan,
): Promise<HttpResponse> {
  const { target, decision } = plan;
  const dir = dirname(target.fsPath);
  const folder = await prepareFolder(ctx, dir);
  if (!folder.ok) return folder.response;
  let temp: TempFile | null = null;
  let published = false;
  try {
    const created = await createTempInFolder(ctx, dir, basename(target.fsPath), folder);
    if (!(created instanceof TempFile)) return closingUnread(created, req);
    temp = created;
    const file = temp;
    const hashes = new BodyDigests(plan.expected, plan.answerWith);
    let answer = plan.answerWith;
    await pumpBody(req.body, ctx.config.maxUploadBytes, (piece) => {
      // Unasked, hash for the answer only while the body stays small (see the module doc).
      if (plan.unasked && answer !== null && req.body.bytesRead > UNASKED_DIGEST_MAX_BYTES) {
        hashes.drop(answer);
        answer = null;
      }
      // The write is handed to the file system's thread first, so hashing here runs alongside
      // it instead of before it (both only read `piece`).
      const written = file.write(piece);
      hashes.update(piece);
      return written;
    });
    if (hashes.finish() !== null) {
      return plain(STATUS.BadRequest, "The body does not match its Content-Digest or Repr-Digest");
    }
    // Before the publish, so the file never shows under its name with the upload's time.
    const wantedTime = ocMtimeOf(req.headers);
    const timeKept = wantedTime !== null && await file.setModified(wantedTime);
    const stored = await file.stat();
    const lookup = servedResourceLookup(ctx);
    // refuse: a WebDAV lock taken while the body streamed stops this PUT as it stops any write
    // without its token (RFC 4918 §7), so the write guard is asked again, as a form's and a
    // resumable upload's publish ask it; and the folder (and the temp file in it) may have been
    // moved behind a link out of the root meanwhile: publish only into the folder checked
    // (`checked_folder.ts`)
    const publish = async (): Promise<CommitOutcome | HttpResponse> =>
      await guardPlannedWrite(ctx, req, target) ??
        await folderStillChecked(ctx, dir, folder.checked) ??
        await file.commit(target.fsPath, decision.createOnly, lookup);
    const outcome = await publishGuarded(
      target.fsPath,
      req.method,
      req.headers,
      decision.recheck,
      publish,
      { current: lookup },
    );
    if (typeof outcome === "object" && outcome !== null) return outcome;
    if (outcome === null || outcome === "exists") {
      return notPublished(outcome, ctx.config.noOverwrite);
    }
    published = true;
    ctx.changed(target.fsPath);
    ctx.changed(dir);
    const digest = answer === null ? null : { algorithm: answer, value: hashes.result(answer)! };
    const res = storedAnswer(
      req.method,
      target,
      await namedStat(target.fsPath, stored),
      digest,
      outcome,
    );
    if (timeKept) res.headers!.push([...OC_MTIME_ANSWER]);
    return res;
  } catch (err) {
    // Body errors (too large, timeout, client gone) are the engine's to answer, then it closes.
    if (err instanceof HttpError) throw err;
    const res = err instanceof LockWaitTimedOut ? lockBusy() : uploadFailure(err);
    if (res === null) throw err; // a bug, not the disk: the engine logs it and answers 500
    return closingUnread(res, req); // never drain the rest of a body we could not store
  } finally {
    if (!published) {
      await temp?.discard();
      await folder.undo();
    }
  }
}

/** The length Finder announces for a chunked PUT (`X-Expected-Entity-Length`), or -1. */
function expectedEntityLength(req: HttpRequest): number {
  const listed = req.headers.list("x-expected-entity-length");
  const value = listed === undefined ? undefined : trimOws(listed); // OWS only (RFC 9110 §5.6.3)
  return value !== undefined && /^[0-9]{1,15}$/.test(value) ? Number(value) : -1;
}

/**
 * Whether `--no-overwrite` lets this PUT fill the file at `target`: an empty file the request
 * holds a lock on. Windows Explorer claims a new name with an empty PUT, locks it, then sends the
 * content; macOS Finder locks the unmapped name (an empty file, RFC 4918 §7.3), then PUTs. An
 * empty file holds nothing to keep, and while the lock holds no other client may write it.
 */
async function claimedEmpty(
  ctx: UploadContext,
  req: HttpRequest,
  target: { existing: Deno.FileInfo | null; segments: readonly string[] },
): Promise<boolean> {
  const existing = target.existing;
  if (existing === null || !existing.isFile || existing.size !== 0) return false;
  return await ctx.lockHeld(req, target.segments);
}
