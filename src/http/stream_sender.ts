/**
 * Sends a streamed body: each piece is gathered into the writer's output buffer (chunk-framed
 * when the length is unknown, RFC 9112 §7.1) and flushed once enough has gathered, or at once for
 * a body that asks for it (event streams). A body that announced its length must send exactly
 * that many bytes: a Content-Length that lies would desynchronise the client's framing.
 *
 * This module must not know about connections, heads or sockets: it appends to `out` and calls
 * `flush`.
 * @module
 */

import { CHUNK_END, chunkHeader, LAST_CHUNK } from "./chunked.ts";
import type { OutputBuffer } from "./output_buffer.ts";
import type { StreamBody } from "./types.ts";

/**
 * The longest a stream's pieces run without the event loop getting a turn (a timer's, so other
 * connections' reads and writes get theirs); the clock is read every `CHECK_EVERY_PIECES`.
 */
const TURN_MS = 20;
const CHECK_EVERY_PIECES = 64;

/** `0\r\n`: the last chunk without the empty line that ends a body with no trailer section. */
const LAST_CHUNK_LINE = LAST_CHUNK.subarray(0, LAST_CHUNK.length - CHUNK_END.length);

/**
 * Sends the pieces of `body.stream` through `out`, calling `flush` whenever a piece leaves
 * `flushAtBytes` or more gathered (or after every piece when `body.flush`), and once at the end.
 * With `chunked`, frames each non-empty piece and ends with the last chunk, then the body's
 * trailer fields if it has any (RFC 9112 §7.1.2). Resolves to the body
 * bytes sent; throws when the stream is longer or shorter than `body.length`. `progress`, when
 * given, holds the body bytes whose flush completed, for a caller whose write fails midway.
 */
export async function sendStreamBody(
  body: StreamBody,
  chunked: boolean,
  out: OutputBuffer,
  flushAtBytes: number,
  flush: () => Promise<void>,
  progress?: { flushedBytes: number },
): Promise<number> {
  let sent = 0;
  const limit = body.length;
  let turnAt = performance.now();
  let sinceCheck = 0;
  for await (const piece of body.stream) {
    // Pieces that come without waiting, to a client that reads as fast as they are written (no
    // socket write waits either), would hold every other connection of the isolate until the
    // body ends: `/stream-bytes/…?chunk_size=1` did, for minutes (an attack probe). So the loop
    // lets the event loop run when it has gone TURN_MS without doing so.
    if (++sinceCheck === CHECK_EVERY_PIECES) {
      sinceCheck = 0;
      const now = performance.now();
      if (now - turnAt >= TURN_MS) {
        await new Promise((r) => setTimeout(r, 0));
        turnAt = performance.now();
      }
    }
    // An empty chunk would be the last-chunk and end the body early.
    if (piece.length === 0) continue;
    if (limit !== undefined && sent + piece.length > limit) {
      throw new Error("stream longer than its announced length");
    }
    sent += piece.length;
    if (chunked) {
      out.append(chunkHeader(piece.length));
      out.append(piece);
      out.append(CHUNK_END);
    } else out.append(piece);
    if (body.flush || out.length >= flushAtBytes) {
      await flush();
      if (progress !== undefined) progress.flushedBytes = sent;
    }
  }
  if (limit !== undefined && sent !== limit) {
    throw new Error("stream shorter than its announced length");
  }
  if (chunked) {
    const trailers = body.trailers?.() ?? [];
    if (trailers.length === 0) out.append(LAST_CHUNK);
    else {
      out.append(LAST_CHUNK_LINE);
      out.appendFields(trailers);
      out.append(CHUNK_END);
    }
  }
  await flush();
  if (progress !== undefined) progress.flushedBytes = sent;
  return sent;
}
