/**
 * Which read-once body a request gets for its framing (RFC 9112 §6.3): none (one shared empty
 * body), Content-Length (`LengthBody`) or chunked (`ChunkedBody`).
 *
 * This module must not know routes or sockets: the connection passes in a small `BodyHooks`.
 * @module
 */

import type { BodyFraming } from "./body_framing.ts";
import type { BodyHooks } from "./body_hooks.ts";
import type { BufferedReader } from "./buffered_reader.ts";
import { ChunkedBody } from "./chunked_body.ts";
import { LengthBody } from "./length_body.ts";
import type { Limits } from "./limits.ts";
import type { RequestBody } from "./types.ts";

/** The body of a request that has none. */
export class EmptyBody implements RequestBody {
  readonly length = 0;
  readonly chunked = false;
  readonly bytesRead = 0;
  readonly done = true;
  readonly started = false;
  readonly trailers = null;
  readonly chunks = null;
  readonly chunkCount = 0;
  /** Always the end. */
  read(): Promise<Uint8Array | null> {
    return Promise.resolve(null);
  }
}

/** A shared empty body: it has no state to keep per request. */
export const EMPTY_BODY: RequestBody = new EmptyBody();

/**
 * The body `framing` describes, read from `reader` under `limits` (no body: the shared empty one).
 */
export function requestBody(
  framing: BodyFraming,
  reader: BufferedReader,
  limits: Limits,
  hooks: BodyHooks,
): RequestBody {
  if (framing.kind === "none") return EMPTY_BODY;
  if (framing.kind === "length") {
    return new LengthBody(reader, framing.length, hooks, limits.bodyReadBufferBytes);
  }
  return new ChunkedBody(reader, limits, hooks);
}
