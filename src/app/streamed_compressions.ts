/**
 * The cap on bodies compressed as they stream. The compressor runs on the isolate's own thread:
 * 50 brotli downloads of a 50 MB text file at once delayed an `/echo` on the same worker past
 * one second. So at most {@link MAX_STREAMED_COMPRESSIONS} compressed streams run at once per
 * isolate; past that, callers send the identity representation, which costs no CPU (a file
 * goes out through the engine's file body).
 *
 * The count is per isolate on purpose (plain module state, not a shared counter): what it
 * protects is one worker's event loop, and each worker has its own.
 *
 * This module must not know about requests, files or sockets.
 * @module
 */

import { compressStream } from "./content_coding.ts";

/** Compressed streams one isolate runs at once; more go out as identity. */
export const MAX_STREAMED_COMPRESSIONS = 4;

let running = 0;

/** How many compressed streams this isolate runs now (for tests and diagnostics). */
export function streamedCompressionsRunning(): number {
  return running;
}

/**
 * Whether {@link compressStreamInPlace} would get a place now. Ask it to choose the
 * representation (its validators and headers), then call `compressStreamInPlace` with no await
 * between, so the place is still free.
 */
export function canCompressStream(): boolean {
  return running < MAX_STREAMED_COMPRESSIONS;
}

/** A compressed body that gives its place back; `cancel` is for a body that is never sent. */
export interface PlacedStream extends AsyncIterable<Uint8Array> {
  cancel(): Promise<void>;
}

/**
 * `source` compressed with `coding` as it streams, holding one of the isolate's places until
 * the stream ends, fails, is stopped early, or is cancelled before it started (the writer
 * cancels bodies it does not send: HEAD, 304, a connection gone). `close` runs once at the same
 * moment (a file source closes its descriptor there). Null when every place is taken: nothing
 * is held then, and the caller still owns `source`.
 */
export function compressStreamInPlace(
  source: AsyncIterable<Uint8Array>,
  coding: "gzip" | "br",
  close?: () => void,
): PlacedStream | null {
  if (!canCompressStream()) return null;
  running++;
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    running--;
    close?.();
  };
  return {
    async *[Symbol.asyncIterator]() {
      try {
        yield* compressStream(source, coding);
      } finally {
        release();
      }
    },
    async cancel() {
      release();
      await cancelSource(source);
    },
  };
}

/** Ends a source that will not be read: a ReadableStream is cancelled, a generator returned. */
async function cancelSource(source: AsyncIterable<Uint8Array>): Promise<void> {
  const cancellable = source as AsyncIterable<Uint8Array> & { cancel?: () => Promise<void> };
  try {
    if (typeof cancellable.cancel === "function") await cancellable.cancel();
    else await source[Symbol.asyncIterator]().return?.();
  } catch {
    // Nothing more to release: the source failed while closing.
  }
}
