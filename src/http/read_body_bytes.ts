/**
 * A whole request body read into one array, for handlers that need it at once (JSON, forms),
 * bounded by the handler's limit and by the process-wide budget for bodies held whole.
 *
 * This module must not know how the body is framed: it reads any `RequestBody`.
 * @module
 */

import { ByteCollector } from "./byte_collector.ts";
import { HttpError } from "./errors.ts";
import type { RequestBody } from "./types.ts";

/**
 * Reads a whole body into one array, refusing more than `maxBytes` with `contentTooLarge`.
 * For handlers that need the body at once (JSON, forms); everything else should stream.
 */
export async function readBodyBytes(body: RequestBody, maxBytes: number): Promise<Uint8Array> {
  if (body.length !== null && body.length > maxBytes) throw new HttpError("contentTooLarge");
  body.limitTo?.(maxBytes);
  // One buffer however the body is cut: a piece kept apart per chunk cost hundreds of bytes for
  // each 1-byte chunk (see byte_collector.ts).
  const collected = new ByteCollector();
  for (let piece = await body.read(); piece !== null; piece = await body.read()) {
    if (collected.length + piece.length > maxBytes) throw new HttpError("contentTooLarge");
    // Past the process-wide budget for bodies held whole: 503, try again (RFC 9110 §15.6.4).
    if (body.hold !== undefined && !body.hold(piece.length)) throw new HttpError("bodiesBusy");
    collected.append(piece);
  }
  return collected.bytes();
}
