/**
 * Bounded capture of a request body for echo routes: keep the first `maxCaptureBytes`, read
 * (and discard) the rest to learn the full size, and refuse a body past `maxTotalBytes` with
 * 413 rather than read forever. What is kept is charged to the process's budget for bodies held
 * whole (`RequestBody.hold`); past it a capture keeps what it has and counts the rest.
 *
 * This module must not touch sockets: it reads through the `RequestBody` interface.
 * @module
 */

import { HttpError } from "../http/errors.ts";
import type { RequestBody } from "../http/types.ts";

/** What a capture kept and saw. */
export interface CapturedBody {
  /** The first bytes of the body, at most the capture limit. */
  bytes: Uint8Array;
  /** The body's full size (all of it was read). */
  total: number;
  /** Whether bytes were left out of `bytes`. */
  truncated: boolean;
}

/** The first buffer for a body of unknown length; it doubles up to the capture limit. */
const INITIAL_CAPTURE_BYTES = 16 * 1024;

/**
 * Reads `body` to its end, keeping at most `maxCaptureBytes`. A declared length over
 * `maxTotalBytes` is refused before reading (413 via the engine, which then closes), and so is
 * a chunked body once it passes that size.
 */
export async function captureBody(
  body: RequestBody,
  maxCaptureBytes: number,
  maxTotalBytes: number,
): Promise<CapturedBody> {
  if (body.length !== null && body.length > maxTotalBytes) throw new HttpError("contentTooLarge");
  body.limitTo?.(maxTotalBytes);
  // Grown as bytes arrive (a declared length is only a promise), each growth charged to the
  // process's budget for bodies held whole: past it, the rest is counted, not kept.
  let buf = new Uint8Array(0);
  let cap = maxCaptureBytes;
  let kept = 0;
  let total = 0;
  for (let piece = await body.read(); piece !== null; piece = await body.read()) {
    total += piece.length;
    // refuse: a chunked body has no declared size, so the cap is enforced as it arrives
    if (total > maxTotalBytes) throw new HttpError("contentTooLarge");
    const room = cap - kept;
    if (room <= 0) continue;
    const take = Math.min(room, piece.length);
    if (kept + take > buf.length) {
      let size = Math.max(buf.length * 2, INITIAL_CAPTURE_BYTES);
      while (size < kept + take) size *= 2;
      size = Math.min(size, cap, body.length ?? Infinity);
      if (body.hold !== undefined && !body.hold(size - buf.length)) {
        cap = kept; // the budget is spent: keep what we have
        continue;
      }
      const grown = new Uint8Array(size);
      grown.set(buf.subarray(0, kept));
      buf = grown;
    }
    buf.set(piece.subarray(0, take), kept);
    kept += take;
  }
  return { bytes: buf.subarray(0, kept), total, truncated: total > kept };
}
