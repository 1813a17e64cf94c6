/**
 * The storage side of a connection's reader: one buffer per connection (taken from the pool and
 * given back), filled from a byte source, compacted or grown up to a fixed maximum, with the
 * bytes a caller marked kept through compaction and lent in place. How the bytes are consumed —
 * lines, takes, body reads — is `BufferedReader`'s (`buffered_reader.ts`), which extends this.
 *
 * A base class rather than a part the reader holds: the reader's every line scan and take works
 * on these positions, and one object keeps that free of an extra load per read.
 *
 * This module must not know HTTP, nor what the bytes mean.
 * @module
 */

import type { ByteSource } from "./byte_source.ts";
import { giveReadBuffer, takeReadBuffer } from "./read_buffer_pool.ts";
import { copyToSlab } from "./slab_copy.ts";

/** Borrows bytes of the buffer in place (see `ReadBuffer.lendMarked`). */
export interface LentBytesKeeper {
  /** Takes its own copy of the lent bytes: the buffer is about to change under them. */
  keepCopy(copy: Uint8Array): void;
}

const EMPTY = new Uint8Array(0);

/**
 * A bounded read buffer over a byte source. Bytes `[start, end)` are buffered and not yet
 * consumed; the consuming subclass moves `start` and `scan`.
 */
export class ReadBuffer {
  protected source: ByteSource;
  protected buf: Uint8Array;
  protected start = 0;
  protected end = 0;
  /** Where the search for the next LF resumes (absolute index into the buffer). */
  protected scan = 0;
  /** Whether the source has ended (or the reader was released or cancelled). */
  protected ended = false;
  #maxBytes: number;
  #initialBytes: number;
  /** Who borrows `[#lentStart, #lentEnd)` (see `lendMarked`), or null. */
  #lentTo: LentBytesKeeper | null = null;
  #lentStart = 0;
  #lentEnd = 0;
  /** Bytes from here on are kept through compaction (see `mark`), or -1. */
  #mark = -1;

  /**
   * @param source where bytes come from
   * @param initialBytes the buffer's first size
   * @param maxBytes the size the buffer may grow to; a caller keeping more than this gets a
   *   `fill` that returns false with the buffer full (its own limit should fire first)
   */
  constructor(source: ByteSource, initialBytes: number, maxBytes: number) {
    this.source = source;
    this.#initialBytes = Math.min(initialBytes, maxBytes);
    this.buf = takeReadBuffer(this.#initialBytes);
    this.#maxBytes = Math.max(initialBytes, maxBytes);
  }

  /**
   * Gives the buffer to the next reader of the same size, when no read holds it (a pending BYOB
   * read has it detached). The reader must not be used afterwards; nothing may be lent.
   */
  release(): void {
    const buf = this.buf;
    this.buf = EMPTY;
    this.start = this.end = this.scan = 0;
    this.#mark = -1;
    this.#lentTo = null;
    this.ended = true;
    // A view of a detached buffer has length 0; a grown buffer is not the size readers start with.
    if (buf.length === this.#initialBytes && buf.byteOffset === 0) giveReadBuffer(buf);
  }

  /** Bytes buffered and not yet consumed. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** Whether the source has ended. */
  get eof(): boolean {
    return this.ended;
  }

  /** Current capacity of the buffer in bytes. */
  get capacity(): number {
    return this.buf.length;
  }

  /**
   * Reads from `source` from now on, keeping what is buffered (a protocol switch: the bytes after
   * the 101's request are the new protocol's). No read may be pending; the caller lets the old
   * source go.
   */
  switchSource(source: ByteSource): void {
    this.source = source;
  }

  /** Starts keeping bytes from the current position (for the raw copy of a request head). */
  mark(): void {
    this.#mark = this.start;
  }

  /** Stops keeping marked bytes without copying them. */
  unmark(): void {
    this.#mark = -1;
  }

  /**
   * Lends the bytes consumed since `mark` to `keeper` instead of copying them (and stops keeping
   * them as marked): they stay in the buffer, untouched, until the next `fill` — which first
   * hands `keeper` a copy — or until `keeper` asks for its copy (`copyLent`) or gives the loan
   * back (`endLoan`). One loan at a time: a new one ends the previous one with a copy.
   */
  lendMarked(keeper: LentBytesKeeper): void {
    this.#spillLoan();
    this.#lentTo = keeper;
    this.#lentStart = this.#mark;
    this.#lentEnd = this.start;
    this.#mark = -1;
  }

  /** A copy of the bytes lent to `keeper`, ending the loan. */
  copyLent(keeper: LentBytesKeeper): Uint8Array {
    if (this.#lentTo !== keeper) throw new Error("no bytes are lent to this keeper");
    this.#lentTo = null;
    return copyToSlab(this.buf, this.#lentStart, this.#lentEnd);
  }

  /** Ends `keeper`'s loan without a copy (it will not ask for the bytes). */
  endLoan(keeper: LentBytesKeeper): void {
    if (this.#lentTo === keeper) this.#lentTo = null;
  }

  /** Gives the current borrower its copy: the buffer is about to be read into or moved. */
  #spillLoan(): void {
    const keeper = this.#lentTo;
    if (keeper === null) return;
    this.#lentTo = null;
    keeper.keepCopy(copyToSlab(this.buf, this.#lentStart, this.#lentEnd));
  }

  /**
   * Reads more bytes from the source into the buffer. Returns false at end of stream, or when
   * the buffer is full at its maximum and nothing can be dropped.
   */
  async fill(): Promise<boolean> {
    const view = this.fillTarget();
    if (view === null) return false;
    return this.filled(await this.source.read(view));
  }

  /**
   * `fill` through the source's plain read (`readKeeping`) when it has one, else `fill`. For
   * request bodies: at end of stream a `conn.readable` read closes the whole socket (Deno closes
   * the resource once its stream ends), so a client that half-closes mid-body could not be told
   * why its request failed (RFC 9112 §8 lets the server answer before closing); a plain read
   * leaves the socket open for that answer.
   */
  async fillKeeping(): Promise<boolean> {
    const source = this.source;
    if (source.readKeeping === undefined) return this.fill();
    const view = this.fillTarget();
    if (view === null) return false;
    return this.filledCount(await source.readKeeping(view));
  }

  /**
   * The first half of `fill`, for a caller that reads the source itself (one promise fewer per
   * read): where the next bytes go, or null when nothing can be read (end of stream, or the
   * buffer full at its maximum). Hand what the read returned to `filled`.
   */
  fillTarget(): Uint8Array | null {
    if (this.ended) return null;
    // A BYOB read detaches the buffer until it completes, and room may be made by moving bytes:
    // lent bytes are copied out first.
    this.#spillLoan();
    if (!this.#makeRoom()) return null;
    const buf = this.buf;
    // The whole buffer is the target after every read that was consumed whole (a ping-pong's
    // every read): the buffer's own view is that target (it always spans its whole ArrayBuffer,
    // see `#adopt`), so no view is made per read.
    if (this.end === 0) return buf;
    return new Uint8Array(buf.buffer, buf.byteOffset + this.end, buf.length - this.end);
  }

  /**
   * The second half of `fill` for a plain read (one that copies into `fillTarget()`'s view and
   * keeps its memory where it is, as `Deno.Conn.read`): how many bytes came, or null at the end.
   */
  filledCount(n: number | null): boolean {
    if (n === null) {
      this.ended = true;
      return false;
    }
    this.end += n;
    return true;
  }

  /** The second half of `fill`: takes the result of reading into `fillTarget()`'s view. */
  filled(result: ReadableStreamReadResult<Uint8Array>): boolean {
    if (result.done || result.value === undefined) {
      this.ended = true;
      // A BYOB read that ends hands the buffer back (possibly with zero length).
      if (result.value !== undefined) this.#adopt(result.value.buffer as ArrayBuffer);
      return false;
    }
    const value = result.value;
    // The read transferred our buffer: adopt the new ArrayBuffer that holds the same bytes.
    this.#adopt(value.buffer as ArrayBuffer);
    this.end += value.length;
    return true;
  }

  /** Gives up the source (pending reads end). Safe to call more than once. */
  async cancel(): Promise<void> {
    this.ended = true;
    try {
      await this.source.cancel();
    } catch {
      // already closed or errored: nothing left to give up
    }
  }

  #adopt(buffer: ArrayBuffer): void {
    if (buffer !== this.buf.buffer) this.buf = new Uint8Array(buffer);
  }

  /** Makes space at the end of the buffer: reset, compact, or grow. */
  #makeRoom(): boolean {
    const keepFrom = this.#mark >= 0 ? this.#mark : this.start;
    if (keepFrom === this.end) {
      // Nothing to keep: start over at the front.
      this.start = this.end = this.scan = 0;
      if (this.#mark >= 0) this.#mark = 0;
      return true;
    }
    const room = this.buf.length - this.end;
    // Read into the free tail only when it is at least as large as what compaction would free:
    // otherwise a nearly full buffer would make a run of tiny reads.
    if (room > 0 && room >= keepFrom) return true;
    if (keepFrom > 0) {
      this.buf.copyWithin(0, keepFrom, this.end);
      this.start -= keepFrom;
      this.end -= keepFrom;
      this.scan = Math.max(0, this.scan - keepFrom);
      if (this.#mark >= 0) this.#mark = 0;
      return true;
    }
    if (this.buf.length >= this.#maxBytes) return false;
    const grown = new Uint8Array(Math.min(this.#maxBytes, this.buf.length * 2));
    grown.set(this.buf.subarray(0, this.end));
    this.buf = grown;
    return true;
  }
}
