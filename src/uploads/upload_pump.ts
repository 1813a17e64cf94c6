/**
 * Moves a request body to a consumer (a file write, a multipart parser) as fast as the disk
 * allows with bounded memory: two buffers of {@link PUMP_PIECE_BYTES} alternate, so while the
 * consumer writes one piece the socket fills the other. Awaiting each write before the next read
 * leaves one side idle at any time: measured here, 64 KiB reads each awaited in turn gave about
 * 520 MiB/s, 1 MiB pieces with the next read overlapping the write about 1.17 GB/s.
 *
 * A body that fails midway (disconnect, timeout) still hands on the bytes it delivered before
 * the failure, then rejects — when the reads left the pump's buffer in place: a failed BYOB read
 * straight into the buffer (`readInto`) takes the buffer with it. Resumable uploads, which keep
 * every byte that arrived, pass `keepOnFailure`: their socket reads copy into the buffer and leave
 * it where it is (`readInto`'s `keep`), as fast and without a copy of our own.
 *
 * Memory: two pieces per upload in flight, whatever the body size. The size limit is enforced
 * here as bytes arrive, for chunked bodies whose size is not declared: crossing it throws
 * `HttpError("contentTooLarge")` (the engine answers 413 and closes).
 *
 * This module must not know what the bytes are for.
 * @module
 */

import { largeBuffers } from "../http/buffer_budget.ts";
import { HttpError } from "../http/errors.ts";
import type { RequestBody } from "../http/types.ts";

/** Size of each of the two alternating buffers: large writes, few thread-pool hops. */
export const PUMP_PIECE_BYTES = 1024 * 1024;
/** Piece size when the shared budget for large buffers is spent. */
export const SMALL_PIECE_BYTES = 64 * 1024;
/** The least a piece holds when it goes to an idle consumer before its buffer is full. */
const EAGER_PIECE_BYTES = 64 * 1024;

/** Consumes one piece; the piece's memory is reused once the returned promise settles. */
export type PieceConsumer = (piece: Uint8Array) => Promise<void>;

/**
 * Reads all of `body` and hands it to `consume` in pieces of up to `pieceBytes`, overlapping each
 * consume with the next read. Resolves to the byte count; rejects with the first error of either
 * side (after any consume in flight has settled, so no write outlives the call).
 */
export async function pumpBody(
  body: RequestBody,
  maxBytes: number,
  consume: PieceConsumer,
  pieceBytes: number = PUMP_PIECE_BYTES,
  keepOnFailure = false,
): Promise<number> {
  const source = new PieceSource(body, maxBytes, keepOnFailure);
  // Big pieces only while the process-wide budget lasts: many slow uploads at once must not
  // pin a pair of large buffers each. Past the budget, small pieces still stream.
  const big = largeBuffers.acquire(2 * pieceBytes);
  const size = big ? pieceBytes : Math.min(pieceBytes, SMALL_PIECE_BYTES);
  const buffers = [takeBuffer(size), takeBuffer(size)];
  let pending: Promise<void> | null = null;
  // Whether the consumer is busy with the previous piece. While it is, the next piece fills up;
  // once it is idle, what has arrived goes to it at once (from EAGER_PIECE_BYTES on) instead of
  // waiting for a full buffer, so the consumer never idles while bytes wait — and the last piece
  // of a body, which nothing overlaps, is small (a resumable upload pays that wait per PATCH).
  let consuming = false;
  const idle = () => !consuming;
  const done = () => {
    consuming = false;
  };
  let turn = 0;
  try {
    for (;;) {
      const piece = await source.fill(buffers[turn], idle);
      buffers[turn] = new Uint8Array(piece.buffer as ArrayBuffer); // a socket read may move it
      if (pending !== null) {
        const previous = pending;
        pending = null;
        await previous;
      }
      if (piece.length === 0) return source.total;
      consuming = true;
      pending = consume(piece);
      // Handled now, awaited later: a rejection must not count as unhandled in between.
      pending.then(done, done);
      turn ^= 1;
    }
  } finally {
    if (pending !== null) await pending.catch(() => {});
    for (const b of buffers) giveBuffer(b, size);
    if (big) largeBuffers.release(2 * pieceBytes);
  }
}

/**
 * Pump buffers kept for the next body: a resumable upload is many short bodies in a row (4 MiB
 * PATCHes), and two fresh megabytes for each — allocated, zeroed, then left to the collector —
 * cost time and showed as tens of MiB of peak RSS (measured, bench/resumable_bench.ts).
 */
const spareBuffers: Uint8Array[] = [];
/** Most spare buffers kept (two uploads' pairs). */
const MAX_SPARE_BUFFERS = 4;

function takeBuffer(size: number): Uint8Array {
  const at = spareBuffers.findIndex((b) => b.byteLength === size);
  return at === -1 ? new Uint8Array(size) : spareBuffers.splice(at, 1)[0];
}

function giveBuffer(buffer: Uint8Array, size: number): void {
  // A buffer a failed socket read took (detached) or of another size is not kept.
  if (buffer.byteLength === size && spareBuffers.length < MAX_SPARE_BUFFERS) {
    spareBuffers.push(buffer);
  }
}

/** Fills caller buffers from a body, by `readInto` when the body has it, else by copying. */
class PieceSource {
  total = 0;
  #body: RequestBody;
  #maxBytes: number;
  /** What is left of the last `read()` piece (valid until the next `read()`). */
  #leftover: Uint8Array | null = null;
  #ended = false;
  /** A read failure held back until the bytes before it were handed on. */
  #failure: unknown = null;
  /** Whether socket reads must leave the buffer in place even when they fail. */
  #keep: boolean;

  constructor(body: RequestBody, maxBytes: number, keep: boolean) {
    this.#body = body;
    this.#maxBytes = maxBytes;
    this.#keep = keep;
    body.limitTo?.(maxBytes); // a chunked body refuses a chunk past the limit at its size line
  }

  /**
   * Fills `buffer` as far as the body goes, or until `handOff()` says the piece should go now
   * (checked from `EAGER_PIECE_BYTES` on); returns the filled view from offset 0.
   */
  async fill(buffer: Uint8Array, handOff: () => boolean): Promise<Uint8Array> {
    // A socket read detaches the memory it was given (`length` drops to 0): keep the size.
    const capacity = buffer.length;
    if (this.#failure !== null) throw this.#failure;
    let whole = buffer;
    let at = 0;
    while (at < capacity && !this.#ended) {
      let got: Uint8Array | null;
      try {
        got = await this.#next(whole.subarray(at));
      } catch (err) {
        // A socket read into our buffer takes the memory away (a failed one never gives it
        // back): then nothing can be handed on.
        if (at === 0 || whole.byteLength === 0) throw err;
        // The bytes that did arrive go to the consumer first (a resumable upload keeps them);
        // the failure comes with the next fill.
        this.#failure = err;
        break;
      }
      if (got === null) {
        this.#ended = true;
        break;
      }
      whole = new Uint8Array(got.buffer as ArrayBuffer, 0, capacity);
      at += got.length;
      this.total += got.length;
      if (this.total > this.#maxBytes) throw new HttpError("contentTooLarge");
      if (at >= EAGER_PIECE_BYTES && handOff()) break;
    }
    return whole.subarray(0, at);
  }

  /** The next bytes placed at the start of `view`, or null at the end of the body. */
  async #next(view: Uint8Array): Promise<Uint8Array | null> {
    const body = this.#body;
    if (this.#leftover === null && body.readInto !== undefined) {
      return await body.readInto(view, this.#keep);
    }
    const piece = this.#leftover ?? await body.read();
    if (piece === null) return null;
    const n = Math.min(piece.length, view.length);
    view.set(n === piece.length ? piece : piece.subarray(0, n));
    this.#leftover = n === piece.length ? null : piece.subarray(n);
    return view.subarray(0, n);
  }
}
