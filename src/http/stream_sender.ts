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
 * The longest streams' pieces run without the event loop getting a turn (a timer's, so other
 * connections' reads and writes get theirs). Counted for the isolate, not per stream, and checked
 * at every piece (a clock reading is ~80 ns, a piece is KBs): with a clock per stream read every
 * 64 pieces, N fast streams (`/bytes/100M?seed=1`, read at full speed) each ran 64 pieces between
 * looks, and a request beside five of them waited 1.9–2.8 s for its turn (an attack probe).
 */
const TURN_MS = 20;

/** When the streams of this isolate last gave the event loop a turn. */
let turnAt = performance.now();
/**
 * The turn the streams wait for, one for them all: each stream waiting on a timer of its own
 * would have the timers run one after the other, each stream's 20 ms after its own, before the
 * loop reads a socket (32 streams: 650 ms, measured).
 */
let nextTurn: Promise<void> | null = null;

function giveTurn(): Promise<void> {
  return nextTurn ??= new Promise<void>((resolve) => {
    setTimeout(() => {
      nextTurn = null;
      turnAt = performance.now();
      resolve();
    }, 0);
  });
}

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
  for await (const piece of body.stream) {
    // Pieces that come without waiting, to a client that reads as fast as they are written (no
    // socket write waits either), would hold every other connection of the isolate until the
    // body ends: `/stream-bytes/…?chunk_size=1` did, for minutes (an attack probe). So the loop
    // lets the event loop run when the isolate has gone TURN_MS without a turn from a stream.
    if (performance.now() - turnAt >= TURN_MS) await giveTurn();
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
