/**
 * Stream bodies over an open file that always close it: when the pieces run out, when the
 * consumer stops early, and when the response is dropped before it started (`cancel`, which the
 * writer calls for HEAD and 304 answers — an async generator that never started would skip its
 * `finally`, leaking the descriptor).
 *
 * This module must not know about HTTP.
 * @module
 */

/** Size of the pieces read for streamed (compressed or multipart) file bodies. */
export const STREAM_PIECE_BYTES = 64 * 1024;

/** An async iterable with a `cancel` the response writer calls when the body is not sent. */
export interface CancellableStream extends AsyncIterable<Uint8Array> {
  cancel(): Promise<void>;
}

/**
 * Wraps `pieces` so that `close` runs exactly once: after the last piece, on an early stop or an
 * error, or on `cancel()` before iteration began.
 */
export function closingStream(
  pieces: AsyncIterable<Uint8Array>,
  close: () => void,
): CancellableStream {
  let closed = false;
  const closeOnce = () => {
    if (closed) return;
    closed = true;
    close();
  };
  return {
    async *[Symbol.asyncIterator]() {
      try {
        yield* pieces;
      } finally {
        closeOnce();
      }
    },
    cancel() {
      closeOnce();
      return Promise.resolve();
    },
  };
}

/**
 * The bytes `[offset, offset + length)` of `file` in fresh pieces of up to STREAM_PIECE_BYTES
 * (fresh because a compressor may hold a piece after the next one is read). Does not close the
 * file. Throws when the file ends early: it shrank after its length was announced.
 */
export async function* readFileRange(
  file: Deno.FsFile,
  offset: number,
  length: number,
): AsyncGenerator<Uint8Array> {
  await file.seek(offset, Deno.SeekMode.Start);
  let left = length;
  while (left > 0) {
    const piece = new Uint8Array(Math.min(left, STREAM_PIECE_BYTES));
    let filled = 0;
    while (filled < piece.length) {
      const n = await file.read(piece.subarray(filled));
      if (n === null || n === 0) throw new Error("File ended before its announced length");
      filled += n;
    }
    left -= filled;
    yield piece;
  }
}
