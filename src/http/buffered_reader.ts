/**
 * A bounded buffered reader over a byte source (a BYOB reader of `conn.readable`): the consuming
 * side — LF-terminated lines scanned in place, takes, skips and peeks, and body reads that bypass
 * the buffer when it is empty. The buffer itself (its pool, filling, compaction, growth and the
 * loan of marked bytes) is `ReadBuffer`'s (`read_buffer.ts`), which this extends.
 *
 * This module must not know HTTP: it finds LF-terminated lines and hands out bytes. What a line
 * means (and whether a CR must precede the LF) is the parser's business.
 * @module
 */

import { ReadBuffer } from "./read_buffer.ts";

export type { ByteSource } from "./byte_source.ts";
export type { LentBytesKeeper } from "./read_buffer.ts";

/** Returned by `tryReadLine` when no complete line is buffered yet. */
export const NEED_MORE = null;
/** Returned by `tryReadLine` when the line would exceed its maximum. */
export const LINE_TOO_LONG = 0;
/** Returned by `scanLine` when no complete line is buffered yet. */
export const LINE_NEED_MORE = -1;
/** Returned by `scanLine` when the line would exceed its maximum. */
export const LINE_OVERLONG = -2;

const LF = 0x0a;

/**
 * Buffered reads with line scanning that never re-scans bytes it has already looked at.
 *
 * Views it returns point into the shared buffer and are valid only until the next `fill`.
 */
export class BufferedReader extends ReadBuffer {
  /** Where the last line `scanLine` took starts. */
  #lineStart = 0;

  /**
   * Takes one line ending in LF from the buffer: the view excludes the LF (a preceding CR stays,
   * for the caller to check). Returns `NEED_MORE` when no LF is buffered yet and
   * `LINE_TOO_LONG` when more than `maxBytes` bytes precede the LF (or are buffered without one).
   */
  tryReadLine(maxBytes: number): Uint8Array | typeof NEED_MORE | typeof LINE_TOO_LONG {
    const lf = this.scanLine(maxBytes);
    if (lf === LINE_NEED_MORE) return NEED_MORE;
    if (lf === LINE_OVERLONG) return LINE_TOO_LONG;
    return this.buf.subarray(this.#lineStart, lf);
  }

  /**
   * `tryReadLine` without a view: consumes one line and returns the index of its LF in `bytes`
   * (the line is `bytes[lineStart, lf)`, CR included), or `LINE_NEED_MORE` / `LINE_OVERLONG`.
   * The head parser uses it to read lines in place, allocating nothing per line.
   */
  scanLine(maxBytes: number): number {
    const buf = this.buf;
    const start = this.start;
    const end = this.end;
    let i = this.scan > start ? this.scan : start;
    // A plain loop beats `subarray().indexOf()` for the short lines of a head (no view to make).
    while (i < end && buf[i] !== LF) i++;
    if (i === end) {
      this.scan = end;
      return end - start > maxBytes ? LINE_OVERLONG : LINE_NEED_MORE;
    }
    if (i - start > maxBytes) return LINE_OVERLONG;
    this.#lineStart = start;
    this.start = i + 1;
    this.scan = i + 1;
    return i;
  }

  /** Where the line `scanLine` returned last starts in `bytes`. */
  get lineStart(): number {
    return this.#lineStart;
  }

  /** The buffer itself, valid until the next `fill` (for reading lines in place). */
  get bytes(): Uint8Array {
    return this.buf;
  }

  /** Consumes up to `maxBytes` buffered bytes and returns them as a view, or null if none. */
  take(maxBytes: number): Uint8Array | null {
    const n = Math.min(maxBytes, this.end - this.start);
    if (n <= 0) return null;
    const start = this.start;
    this.start = start + n;
    return this.buf.subarray(start, start + n);
  }

  /** Discards up to `maxBytes` buffered bytes; returns how many were discarded. */
  skip(maxBytes: number): number {
    const n = Math.min(maxBytes, this.end - this.start);
    this.start += n;
    return n;
  }

  /** Looks at the next buffered byte without consuming it, or -1 when none is buffered. */
  peekByte(): number {
    return this.start < this.end ? this.buf[this.start] : -1;
  }

  /** Looks at the buffered byte `offset` bytes ahead without consuming, or -1 past the end. */
  peekByteAt(offset: number): number {
    const at = this.start + offset;
    return at < this.end ? this.buf[at] : -1;
  }

  /**
   * Reads body bytes straight into `view`, bypassing the buffer when it is empty (large uploads
   * skip a copy). Returns the filled view (the source may transfer `view`'s memory: use the
   * returned view's buffer from now on), or null at end of stream. `keep`: read so that `view`'s
   * memory stays in place even if the read fails, where the source can (`readKeeping`).
   */
  async readInto(view: Uint8Array, keep = false): Promise<Uint8Array | null> {
    if (this.end > this.start) {
      const n = Math.min(view.length, this.end - this.start);
      view.set(this.buf.subarray(this.start, this.start + n));
      this.start += n;
      return view.subarray(0, n);
    }
    if (this.ended) return null;
    // A caller keeping earlier bytes in `view`'s buffer: a BYOB read would take the buffer (and
    // those bytes) with it if it failed; a plain read leaves it where it is.
    const source = this.source;
    if (keep && source.readKeeping !== undefined) {
      // Called on the source: it may be a class instance.
      const n = await source.readKeeping(view);
      if (n === null || n === 0) {
        this.ended = true;
        return null;
      }
      return view.subarray(0, n);
    }
    const result = await this.source.read(view);
    if (result.done || result.value === undefined || result.value.length === 0) {
      this.ended = true;
      return null;
    }
    return result.value;
  }
}
