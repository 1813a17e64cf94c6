/**
 * Appending a request body to an upload, and finishing the upload when its last byte is in —
 * the part both protocols share, so they share its guarantees:
 *
 * - One writer at a time: the upload's lease (`file_lease.ts`) is held from the offset check to
 *   the last write, in whichever worker; a second append waits for it, then finds the offset
 *   moved and gets a 409 with the right one.
 * - The offset is the data file's size, checked under the lease: a wrong `Upload-Offset` → 409
 *   (tus 1.0 core; draft §"Upload Append") carrying the right offset.
 * - An interrupted body keeps every byte that reached the disk (the draft: "append as much of
 *   the request content as possible"), unless the request carried a checksum: unverifiable
 *   bytes are cut off again (tus checksum extension: "the bytes MUST be discarded").
 * - Unverified bytes never count, a crash included: a checksummed append marks in the record
 *   where its bytes begin before writing the first (`UploadRecord.unverifiedFrom`) and clears
 *   the mark with its verdict (in the record write of its success, or once its bytes are cut
 *   off). A mark left behind (kill -9) is acted on by the next holder of the lease, this module
 *   included, before it reads the offset (`UploadStore.settle`). Appends without a checksum
 *   write no record: the data file alone is their state.
 * - A refused append changes nothing (RFC 5789 §2): a length the request declares (tus
 *   `Upload-Length` on a deferred length, the draft's `Upload-Length` or `?1` with a
 *   `Content-Length`) is saved with the append's success, or with the bytes an append cut short
 *   kept; meanwhile the ledger holds it (`UploadStore.reserveLength`) and an append that keeps
 *   nothing gives it back.
 * - Never past the length: a body that would run past the declared length, or `--max-upload`
 *   while the length is not known, is refused before a byte is read (a declared length) or at
 *   the size line of the chunk that would cross it (chunked; the chunks before it stay), with
 *   the protocol's 413 either way, which says the offset the upload stays at.
 * - Never past the bytes cap: an upload of unknown length takes its room from the server-wide
 *   ledger before each append (`UploadStore.room`), up to `--resumable-max-bytes` for all
 *   unfinished uploads together, and gives back what it did not use; a body that would pass it
 *   is refused ("over-cap", 413) before a byte is read, or stopped where it crosses (chunked).
 * - Completion is `completeReceived`: the record's digest and precondition checks, then the one
 *   atomic move into the final name (`publishFinished` from `src/uploads/`), the write hook, and
 *   the answer the original request would have had. Its outcome is one of three:
 *   - published: the record says complete (kept until its expiry, for offset retrieval);
 *   - refused (a 4xx: write conditions, `--no-overwrite`, `Repr-Digest`, the name rules): the
 *     upload ends and its data goes — resuming cannot change the answer;
 *   - unpublished (a 5xx: the share full, out of descriptors, an I/O error; or the 403 of the
 *     disk's permissions or a read-only mount, `refusedByMachine`; or the 423 of a WebDAV lock
 *     on the target, whose token a later try may send): the server's
 *     moment, not the client's fault, so the upload and every byte of it stay, at offset ==
 *     length, and publishing is tried again by the next completing request (an empty append, or
 *     the offset retrieval of clients that take offset == length for done: tus, draft interop
 *     5 and 6). Dropping it would make the client send the whole file again — or lose it.
 *
 * This module must not touch sockets.
 * @module
 */

import { HttpError } from "../http/errors.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { BodyDigests, expectedDigests, preferredAlgorithm } from "../app/digest.ts";
import { openRegularFile } from "../files/mod.ts";
import {
  plain,
  publishFinished,
  PUMP_PIECE_BYTES,
  pumpBody,
  refusedByMachine,
  storageFailure,
} from "../uploads/mod.ts";
import type { ResumableContext } from "./resumable_context.ts";
import { missingLease } from "./upload_store.ts";
import type { UploadRecord } from "./upload_record.ts";
import { type PieceChecksum } from "./checksum.ts";
import { malformedDigest } from "./upload_answers.ts";

/**
 * How long an append must have received no body byte before a newer request for its upload cuts
 * it. An append still receiving bytes is not cut: two clients that each resume (HEAD, then PATCH)
 * would otherwise cut each other forever, and a cut PATCH with `Upload-Checksum` keeps none of its
 * bytes (measured: 537 PATCHes cut, none kept, in 20 s). A second is past the gaps of a working
 * connection, and short against tus-js-client's retries (the first 0–1 s after a failure, then 3
 * and 5 s): a stalled phone has sent nothing for longer than that when its client resumes.
 */
export const STALLED_APPEND_MS = 1000;

/** What an append request asks. */
export interface AppendRequest {
  /** Where the client says its body starts. */
  offset: number;
  /** A total length this request declares, or null. */
  length: number | null;
  /** Whether this request ends the upload: true, false, or "at-length" (tus: when full). */
  complete: boolean | "at-length";
  /** A checksum of this request's body to verify before keeping it, or null. */
  checksum: PieceChecksum | null;
  /**
   * Whether a chunked body that runs past the upload's own length keeps nothing (the draft: the
   * request is inconsistent, refused whole) rather than the chunks before the one that crosses
   * (tus: a 413 that says where the upload stays).
   */
  pastLengthKeepsNothing?: boolean;
}

/** How an append went. */
export type AppendResult =
  | { kind: "appended"; offset: number; record: UploadRecord }
  | { kind: "completed"; offset: number; record: UploadRecord; response: HttpResponse }
  | { kind: "conflict"; offset: number }
  | { kind: "locked" }
  | { kind: "gone" }
  | { kind: "already-complete"; record: UploadRecord }
  | { kind: "checksum-mismatch"; offset: number }
  /**
   * Data past the length or `--max-upload`; the upload stays at `offset`. `pastLength`: past
   * the upload's own known length (the draft calls that an inconsistent length, tus a 413).
   */
  | { kind: "too-large"; offset: number; record: UploadRecord; pastLength: boolean }
  /** An upload of unknown length would pass `--resumable-max-bytes`; it stays at `offset`. */
  | { kind: "over-cap"; offset: number; maxBytes: number }
  /** The lengths disagree (the draft's inconsistent length): nothing is kept, it stays at `offset`. */
  | { kind: "inconsistent-length"; record: UploadRecord; offset: number }
  /** The disk refused the bytes (full, read-only…): what was written stays, to resume after. */
  | { kind: "storage"; offset: number; response: HttpResponse }
  /** Every byte is in but publishing failed on the server's side (a 5xx): the upload stays. */
  | { kind: "unpublished"; offset: number; record: UploadRecord; response: HttpResponse };

/** How {@link completeReceived} went: published or refused ("completed"), or "unpublished". */
export type CompletionResult = Extract<AppendResult, { kind: "completed" | "unpublished" }>;

/** Appends `req`'s body to upload `id` as `ask` says; see the module doc. */
export async function appendBody(
  ctx: ResumableContext,
  id: string,
  req: HttpRequest,
  ask: AppendRequest,
): Promise<AppendResult> {
  const store = ctx.store;
  const lease = await store.lease(id, ctx.leaseWaitMs).catch(missingLease);
  if (lease === undefined) return { kind: "gone" };
  if (lease === null) return { kind: "locked" };
  let file: Deno.FsFile | null = null;
  try {
    // One open and one fstat give the offset and the expiry: every file-system call counts when
    // an upload is many short PATCHes (bench/resumable_bench.ts).
    const found = await store.readUnchecked(id);
    if (found === null) return { kind: "gone" };
    let record: UploadRecord = found;
    if (record.completedMs !== null) {
      return store.expired(record, 0) ? { kind: "gone" } : { kind: "already-complete", record };
    }
    try {
      file = Deno.openSync(store.partPath(id), { write: true, append: true });
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return { kind: "gone" };
      throw err;
    }
    const info = file.statSync(); // synchronous, as the lease and the record (file_lease.ts)
    if (store.expired(record, info.mtime?.getTime() ?? 0)) return { kind: "gone" };
    let start = info.size;
    // Bytes a crash left unverified (a checksummed append that never ended) go before the offset
    // is read: they never counted (UploadRecord.unverifiedFrom).
    if (record.unverifiedFrom !== null) {
      record = await store.settle(record);
      start = file.statSync().size;
    }
    if (ask.offset !== start) return { kind: "conflict", offset: start };

    const declared = req.body.length;
    let length = record.length;
    if (ask.length !== null) {
      if (length !== null && length !== ask.length) {
        return { kind: "inconsistent-length", record, offset: start };
      }
      length = ask.length;
    }
    // The draft §"Length": Upload-Complete ?1 with a Content-Length declares the length too.
    if (ask.complete === true && declared !== null) {
      if (length !== null && length !== start + declared) {
        return { kind: "inconsistent-length", record, offset: start };
      }
      length = start + declared;
    }
    const max = ctx.config.maxUploadBytes;
    if (length !== null && (length > max || length < start)) {
      return length > max
        ? { kind: "too-large", offset: start, record, pastLength: false }
        : { kind: "inconsistent-length", record, offset: start };
    }
    // A length this request declares takes effect with its append only, saved with its success
    // (RFC 5789 §2: a refused PATCH changes nothing): until then `record` is what is on disk.
    const learnt = length !== null && record.length === null;
    let room = (length ?? max) - start;
    if (declared !== null && declared > room) {
      return { kind: "too-large", offset: start, record, pastLength: length !== null };
    }
    // An upload of unknown length reserves its bytes as they come, so it asks the bytes cap for
    // its room first: without it, it would grow past --resumable-max-bytes unchecked.
    let reserved: number | null = null;
    let capped = false;
    if (length === null) {
      const wanted = start + (declared ?? room);
      reserved = await store.room(record, wanted);
      if (reserved < wanted) {
        if (declared !== null) {
          await store.received(record, start); // give back what was granted
          return { kind: "over-cap", offset: start, maxBytes: ctx.config.resumableMaxBytes };
        }
        capped = true; // chunked: take what fits, then refuse where the room ends
      }
      room = reserved - start;
    } else if (learnt) {
      await store.reserveLength(record, length); // held for the bytes to come, as once saved
    }
    // What a refused or failed append leaves the ledger: what the upload holds (`received`).
    const givesBack = reserved !== null || learnt;

    const part = file;
    let end = start;
    // A newer request for this upload (an offset retrieval, an append, a cancellation; in any
    // worker) gives this one up once its body has stalled: its client has most likely moved to
    // another network, and the newcomer would otherwise wait out the body clock (draft
    // "Concurrency": the server SHOULD terminate the earlier request). The connection closes
    // under the pending read; every byte that arrived is written first, as for any cut body.
    // A body still arriving keeps the lease (see STALLED_APPEND_MS) — unless the newcomer is a
    // cancellation (draft "Upload Cancellation": the server SHOULD terminate in-flight requests
    // on the upload first; tus "Termination": a 204 means the upload is gone): then this append
    // ends at once, keeps nothing and never publishes, and the cancellation removes the upload.
    let superseded = false;
    let cancelled = false;
    let bytesSeen = req.body.bytesRead;
    let lastProgressMs = Date.now();
    const stopWatching = lease.watchWanted((ask) => {
      if (ask === "cancel") {
        superseded = cancelled = true;
        req.abort?.();
        return true;
      }
      const wanted = ask === "wanted";
      // Bytes read from the socket, not pieces written: the pump hands on a piece only once
      // 64 KiB have gathered, and a slow client's piece may take longer than the bound.
      const now = Date.now();
      if (req.body.bytesRead !== bytesSeen) {
        bytesSeen = req.body.bytesRead;
        lastProgressMs = now;
        return false;
      }
      if (!wanted || now - lastProgressMs < STALLED_APPEND_MS) return false;
      superseded = true;
      req.abort?.();
      return true;
    });
    const check = ask.checksum;
    /** Cuts this append's bytes off again (a refusal after reading the body). */
    const dropAll = async () => {
      await part.truncate(start);
      record = await store.settle(record);
      if (givesBack) await store.received(record, start);
    };
    try {
      // The bytes of a checksummed append count only once verified: the record says where they
      // begin before the first is written, so that a crash (kill -9) before the verdict cannot
      // leave them counted (the next holder of the lease cuts them off, `UploadStore.settle`).
      // Appends without a checksum write no record here: the data file alone is their state.
      if (check !== null && declared !== 0) record = await store.markUnverified(record, start);
      // Reads that leave the buffer in place when they fail: every byte that arrived is kept.
      await pumpBody(
        req.body,
        room,
        async (piece) => {
          const written = writeAll(part, piece);
          check?.update(piece);
          await written;
          end += piece.length;
          // A request that cannot be aborted (one built by a test) stops between reads.
          if (superseded) throw new HttpError("clientGone");
        },
        PUMP_PIECE_BYTES,
        true,
      );
      // The last bytes may have come in as the cancellation did: still nothing is published.
      if (cancelled) throw new HttpError("clientGone");
      if (check !== null && !check.matches()) {
        await dropAll();
        return { kind: "checksum-mismatch", offset: start };
      }
      // Upload-Complete ?1 on a body (chunked: its size was not known before) that ends short of
      // the known length: an inconsistent length, and an append in error keeps nothing, as one
      // that runs past the length does — the client, told 4xx, does not resume after it.
      if (ask.complete === true && length !== null && end !== length) {
        await dropAll();
        return { kind: "inconsistent-length", record, offset: start };
      }
      // The append took effect: with it the length it declared, and its bytes are verified.
      if (learnt || record.unverifiedFrom !== null) {
        const done = { ...record, length, unverifiedFrom: null };
        await store.update(done);
        record = done;
      }
    } catch (err) {
      // Unverifiable bytes go, and a cancelled append's, and an inconsistent one's (the draft);
      // the others stay for the client to resume after.
      const pastLength = err instanceof HttpError && err.kind === "contentTooLarge" && !capped &&
        length !== null;
      const dropped = ask.checksum !== null || cancelled ||
        (pastLength && ask.pastLengthKeepsNothing === true);
      if (dropped) {
        // The mark goes only once the bytes did: a failed cut leaves it to the next holder.
        const cut = await part.truncate(start).then(() => true, () => false);
        if (cut) record = await store.settle(record).catch(() => record);
      }
      const offset = dropped ? start : await part.stat().then((st) => st.size, () => end);
      // Bytes kept from an append cut short (not one refused for running past a size): it took
      // effect, and so does the length it declared (tus: once set it stays; a client resuming
      // need not send it again).
      const tooLarge = err instanceof HttpError && err.kind === "contentTooLarge";
      if (learnt && offset > start && !tooLarge) {
        const kept = { ...record, length };
        await store.update(kept).then(() => record = kept, () => {});
      }
      // What it holds now, not what it was granted (an upload of unknown length).
      if (offset > start || givesBack) await store.received(record, offset);
      // A chunked body that runs past the length, --max-upload or the bytes cap: the protocol's
      // 413 (with its fields), not the engine's. The chunks before the one that crosses stay;
      // that one is refused at its size line, unread (`RequestBody.limitTo`: a size line that
      // announces a terabyte costs no reading). Neither tus nor the draft asks to keep part of
      // an append that runs past the length (the draft's "as much as possible" is for an
      // interrupted request, not one in error), and a Content-Length body past it is refused
      // before a byte is read: no part of a refused piece is kept either way.
      if (err instanceof HttpError && err.kind === "contentTooLarge") {
        const maxBytes = ctx.config.resumableMaxBytes;
        return capped
          ? { kind: "over-cap", offset, maxBytes }
          : { kind: "too-large", offset, record, pastLength };
      }
      // A full disk is the client's to know (507), with the offset it can resume from once
      // space is freed; a body error (HttpError) is the engine's to answer; the rest is a 500.
      const refused = storageFailure(err);
      if (refused === null) throw err;
      refused.close = true; // the rest of the body was not read
      return { kind: "storage", offset, response: refused };
    } finally {
      stopWatching();
      part.close();
      file = null;
    }

    // An upload of unknown length reserves the bytes it holds (the caps, upload_usage.ts).
    if (end > start || (reserved !== null && reserved !== end)) await store.received(record, end);
    const finishing = ask.complete === true || (ask.complete === "at-length" && end === length);
    if (!finishing) return { kind: "appended", offset: end, record };
    // A known length is met here: a body short of it with ?1 was refused above, and "at-length"
    // finishes only at it.
    if (length === null) {
      record = { ...record, length: end };
      await store.update(record);
    }
    return await completeReceived(ctx, record, end, req);
  } finally {
    file?.close();
    lease.release();
  }
}

/**
 * Publishes upload `record`, all `offset` bytes of which are in, and classifies the outcome (see
 * the module doc): published → the record says complete; refused (a 4xx) → the upload is
 * removed; a server-side failure (a 5xx, or an error thrown on the way) → "unpublished", the
 * upload left as it was. Hold the lease. `req` is the completing request: its `If` header carries
 * the WebDAV lock tokens the publication is checked with.
 */
export async function completeReceived(
  ctx: ResumableContext,
  record: UploadRecord,
  offset: number,
  req: HttpRequest,
): Promise<CompletionResult> {
  let response: HttpResponse;
  try {
    response = await finish(ctx, record, req);
  } catch (err) {
    // Reading our own data file for the digests failed: nothing the client did or can change,
    // so never a 4xx. Anything but a storage error goes on to the engine (a logged 500); the
    // upload stays then too, since nothing removed it.
    const failed = storageFailure(err);
    if (failed === null) throw err;
    response = failed.status >= STATUS.InternalServerError
      ? failed
      : plain(STATUS.InternalServerError, "Cannot read the upload to publish it; it is kept");
  }
  // The disk's permissions or a read-only mount refuse as a 403, but an administrator can undo
  // them: the machine's state, like a full disk, so the upload waits for them.
  // A WebDAV lock on the target (423) is released or its token sent with a later try: the
  // upload waits for that too rather than losing its data.
  if (
    response.status >= STATUS.InternalServerError || refusedByMachine(response) ||
    response.status === STATUS.Locked
  ) {
    return { kind: "unpublished", offset, record, response };
  }
  if (response.status >= STATUS.MultipleChoices) {
    await ctx.store.remove(record.id);
    return { kind: "completed", offset, record, response };
  }
  const done = { ...record, completedMs: ctx.now(), url: locationOf(response) };
  await ctx.store.update(done);
  return { kind: "completed", offset, record: done, response };
}

/**
 * Publishes a fully received upload: verifies the creating request's `Repr-Digest`, computes
 * the one `Want-Repr-Digest` asked for, then `publishFinished`.
 */
async function finish(
  ctx: ResumableContext,
  record: UploadRecord,
  req: HttpRequest,
): Promise<HttpResponse> {
  const part = ctx.store.partPath(record.id);
  const fields = fieldSource(record.conditions);
  let digest = null;
  if (record.reprDigest !== null || record.wantReprDigest !== null) {
    const wanted = record.reprDigest === null
      ? { ok: true as const, expected: [] }
      : expectedDigests(fieldSource([["repr-digest", record.reprDigest]]));
    // Creation refuses a malformed digest (create_upload.ts); one an earlier version stored is
    // refused here rather than taken for "nothing to check".
    if (!wanted.ok) return malformedDigest();
    const expected = wanted.expected;
    const answer = record.wantReprDigest === null
      ? null
      : preferredAlgorithm(record.wantReprDigest);
    const hashes = new BodyDigests(expected, answer);
    // A FIFO in the data file's place is refused, not waited on forever (open_regular.ts).
    const file = await openRegularFile(part);
    try {
      for await (const piece of file.readable) hashes.update(piece);
    } catch (err) {
      file.close();
      throw err;
    }
    if (hashes.finish() !== null) {
      return plain(STATUS.BadRequest, "The upload does not match its Repr-Digest");
    }
    digest = answer === null ? null : { algorithm: answer, value: hashes.result(answer)! };
  }
  return await publishFinished(ctx.upload, record.method, record.path, fields, part, digest, req);
}

/**
 * Whether upload `record`, holding `offset` bytes, has every byte of its declared length but is
 * not published: a completion that failed on the server's side ("unpublished"), or a crash
 * between the last write and the publication.
 */
export function awaitsPublication(record: UploadRecord, offset: number): boolean {
  return record.completedMs === null && record.length === offset;
}

/** A `FieldSource` over stored pairs (lower-case names). */
export function fieldSource(pairs: ReadonlyArray<readonly [string, string]>) {
  return {
    list(key: string): string | undefined {
      const values = pairs.filter(([k]) => k === key).map(([, v]) => v);
      return values.length === 0 ? undefined : values.join(", ");
    },
  };
}

function locationOf(res: HttpResponse): string | null {
  return res.headers?.find(([k]) => k === "Location")?.[1] ?? null;
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) at += await file.write(at === 0 ? bytes : bytes.subarray(at));
}
