/**
 * A bounded buffered reader over a byte source (a BYOB reader of `conn.readable`): one buffer
 * per connection, reused for every read, grown only up to a fixed maximum.
 *
 * This module must not know HTTP: it finds LF-terminated lines and hands out bytes. What a line
 * means (and whether a CR must precede the LF) is the parser's business.
 * @module
 */

import { copyToSlab } from "./slab_copy.ts";

/** The part of a `ReadableStreamBYOBReader` the reader needs. */
export interface ByteSource {
  /** Fills (part of) `view` and returns it, transferred, or `done` at end of stream. */
  read<T extends ArrayBufferView>(view: T): Promise<ReadableStreamReadResult<T>>;
  /** Gives up the stream. */
  cancel(reason?: unknown): Promise<void>;
  /** Releases the lock on the stream. */
  releaseLock(): void;
  /**
   * Optional: a read that copies into `view` and leaves its memory in place, also when it fails
   * (a plain `Deno.Conn.read`, made only while no stream read is pending): the bytes read, or null
   * at the end. See `BufferedReader.readInto`'s `keep`.
   */
  readKeeping?(view: Uint8Array): Promise<number | null>;
}

/** Borrows bytes of the buffer in place (see `BufferedReader.lendMarked`). */
export interface LentBytesKeeper {
  /** Takes its own copy of the lent bytes: the buffer is about to change under them. */
  keepCopy(copy: Uint8Array): void;
}

/** Returned by `tryReadLine` when no complete line is buffered yet. */
export const NEED_MORE = null;
/** Returned by `tryReadLine` when the line would exceed its maximum. */
export const LINE_TOO_LONG = 0;
/** Returned by `scanLine` when no complete line is buffered yet. */
export const LINE_NEED_MORE = -1;
/** Returned by `scanLine` when the line would exceed its maximum. */
export const LINE_OVERLONG = -2;

const LF = 0x0a;

const EMPTY = new Uint8Array(0);
/** Read buffers of released readers, by size: a new connection takes one instead of allocating. */
const freeBuffers = new Map<number, Uint8Array[]>();
const MAX_FREE_PER_SIZE = 256;

function takeBuffer(bytes: number): Uint8Array {
  return freeBuffers.get(bytes)?.pop() ?? new Uint8Array(bytes);
}

function giveBuffer(buf: Uint8Array): void {
  let free = freeBuffers.get(buf.length);
  if (free === undefined) freeBuffers.set(buf.length, free = []);
  if (free.length < MAX_FREE_PER_SIZE) free.push(buf);
}

/**
 * Buffered reads with line scanning that never re-scans bytes it has already looked at.
 *
 * Views it returns point into the shared buffer and are valid only until the next `fill`.
 */
export class BufferedReader {
  #source: ByteSource;
  #buf: Uint8Array;
  #maxBytes: number;
  #initialBytes: number;
  #start = 0;
  #end = 0;
  /** Where the search for the next LF resumes (absolute index into the buffer). */
  #scan = 0;
  /** Where the last line `scanLine` took starts. */
  #lineStart = 0;
  /** Who borrows `[#lentStart, #lentEnd)` (see `lendMarked`), or null. */
  #lentTo: LentBytesKeeper | null = null;
  #lentStart = 0;
  #lentEnd = 0;
  /** Bytes from here on are kept through compaction (see `mark`), or -1. */
  #mark = -1;
  #eof = false;

  /**
   * @param source where bytes come from
   * @param initialBytes the buffer's first size
   * @param maxBytes the size the buffer may grow to; a caller keeping more than this gets a
   *   `fill` that returns false with the buffer full (its own limit should fire first)
   */
  constructor(source: ByteSource, initialBytes: number, maxBytes: number) {
    this.#source = source;
    this.#initialBytes = Math.min(initialBytes, maxBytes);
    this.#buf = takeBuffer(this.#initialBytes);
    this.#maxBytes = Math.max(initialBytes, maxBytes);
  }

  /**
   * Gives the buffer to the next reader of the same size, when no read holds it (a pending BYOB
   * read has it detached). The reader must not be used afterwards; nothing may be lent.
   */
  release(): void {
    const buf = this.#buf;
    this.#buf = EMPTY;
    this.#start = this.#end = this.#scan = 0;
    this.#mark = -1;
    this.#lentTo = null;
    this.#eof = true;
    // A view of a detached buffer has length 0; a grown buffer is not the size readers start with.
    if (buf.length === this.#initialBytes && buf.byteOffset === 0) giveBuffer(buf);
  }

  /** Bytes buffered and not yet consumed. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /** Whether the source has ended. */
  get eof(): boolean {
    return this.#eof;
  }

  /** Current capacity of the buffer in bytes. */
  get capacity(): number {
    return this.#buf.length;
  }

  /**
   * Takes one line ending in LF from the buffer: the view excludes the LF (a preceding CR stays,
   * for the caller to check). Returns `NEED_MORE` when no LF is buffered yet and
   * `LINE_TOO_LONG` when more than `maxBytes` bytes precede the LF (or are buffered without one).
   */
  tryReadLine(maxBytes: number): Uint8Array | typeof NEED_MORE | typeof LINE_TOO_LONG {
    const lf = this.scanLine(maxBytes);
    if (lf === LINE_NEED_MORE) return NEED_MORE;
    if (lf === LINE_OVERLONG) return LINE_TOO_LONG;
    return this.#buf.subarray(this.#lineStart, lf);
  }

  /**
   * `tryReadLine` without a view: consumes one line and returns the index of its LF in `bytes`
   * (the line is `bytes[lineStart, lf)`, CR included), or `LINE_NEED_MORE` / `LINE_OVERLONG`.
   * The head parser uses it to read lines in place, allocating nothing per line.
   */
  scanLine(maxBytes: number): number {
    const buf = this.#buf;
    const start = this.#start;
    const end = this.#end;
    let i = this.#scan > start ? this.#scan : start;
    // A plain loop beats `subarray().indexOf()` for the short lines of a head (no view to make).
    while (i < end && buf[i] !== LF) i++;
    if (i === end) {
      this.#scan = end;
      return end - start > maxBytes ? LINE_OVERLONG : LINE_NEED_MORE;
    }
    if (i - start > maxBytes) return LINE_OVERLONG;
    this.#lineStart = start;
    this.#start = i + 1;
    this.#scan = i + 1;
    return i;
  }

  /** Where the line `scanLine` returned last starts in `bytes`. */
  get lineStart(): number {
    return this.#lineStart;
  }

  /** The buffer itself, valid until the next `fill` (for reading lines in place). */
  get bytes(): Uint8Array {
    return this.#buf;
  }

  /** Consumes up to `maxBytes` buffered bytes and returns them as a view, or null if none. */
  take(maxBytes: number): Uint8Array | null {
    const n = Math.min(maxBytes, this.#end - this.#start);
    if (n <= 0) return null;
    const start = this.#start;
    this.#start = start + n;
    return this.#buf.subarray(start, start + n);
  }

  /** Discards up to `maxBytes` buffered bytes; returns how many were discarded. */
  skip(maxBytes: number): number {
    const n = Math.min(maxBytes, this.#end - this.#start);
    this.#start += n;
    return n;
  }

  /** Looks at the next buffered byte without consuming it, or -1 when none is buffered. */
  peekByte(): number {
    return this.#start < this.#end ? this.#buf[this.#start] : -1;
  }

  /**
   * Reads from `source` from now on, keeping what is buffered (a protocol switch: the bytes after
   * the 101's request are the new protocol's). No read may be pending; the caller lets the old
   * source go.
   */
  switchSource(source: ByteSource): void {
    this.#source = source;
  }

  /** Looks at the buffered byte `offset` bytes ahead without consuming, or -1 past the end. */
  peekByteAt(offset: number): number {
    const at = this.#start + offset;
    return at < this.#end ? this.#buf[at] : -1;
  }

  /** Starts keeping bytes from the current position (for the raw copy of a request head). */
  mark(): void {
    this.#mark = this.#start;
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
    this.#lentEnd = this.#start;
    this.#mark = -1;
  }

  /** A copy of the bytes lent to `keeper`, ending the loan. */
  copyLent(keeper: LentBytesKeeper): Uint8Array {
    if (this.#lentTo !== keeper) throw new Error("no bytes are lent to this keeper");
    this.#lentTo = null;
    return copyToSlab(this.#buf, this.#lentStart, this.#lentEnd);
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
    keeper.keepCopy(copyToSlab(this.#buf, this.#lentStart, this.#lentEnd));
  }

  /**
   * Reads more bytes from the source into the buffer. Returns false at end of stream, or when
   * the buffer is full at its maximum and nothing can be dropped.
   */
  async fill(): Promise<boolean> {
    const view = this.fillTarget();
    if (view === null) return false;
    return this.filled(await this.#source.read(view));
  }

  /**
   * `fill` through the source's plain read (`readKeeping`) when it has one, else `fill`. For
   * request bodies: at end of stream a `conn.readable` read closes the whole socket (Deno closes
   * the resource once its stream ends), so a client that half-closes mid-body could not be told
   * why its request failed (RFC 9112 §8 lets the server answer before closing); a plain read
   * leaves the socket open for that answer.
   */
  async fillKeeping(): Promise<boolean> {
    const source = this.#source;
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
    if (this.#eof) return null;
    // A BYOB read detaches the buffer until it completes, and room may be made by moving bytes:
    // lent bytes are copied out first.
    this.#spillLoan();
    if (!this.#makeRoom()) return null;
    const buf = this.#buf;
    // The whole buffer is the target after every read that was consumed whole (a ping-pong's
    // every read): the buffer's own view is that target (it always spans its whole ArrayBuffer,
    // see `#adopt`), so no view is made per read.
    if (this.#end === 0) return buf;
    return new Uint8Array(buf.buffer, buf.byteOffset + this.#end, buf.length - this.#end);
  }

  /**
   * The second half of `fill` for a plain read (one that copies into `fillTarget()`'s view and
   * keeps its memory where it is, as `Deno.Conn.read`): how many bytes came, or null at the end.
   */
  filledCount(n: number | null): boolean {
    if (n === null) {
      this.#eof = true;
      return false;
    }
    this.#end += n;
    return true;
  }

  /** The second half of `fill`: takes the result of reading into `fillTarget()`'s view. */
  filled(result: ReadableStreamReadResult<Uint8Array>): boolean {
    if (result.done || result.value === undefined) {
      this.#eof = true;
      // A BYOB read that ends hands the buffer back (possibly with zero length).
      if (result.value !== undefined) this.#adopt(result.value.buffer as ArrayBuffer);
      return false;
    }
    const value = result.value;
    // The read transferred our buffer: adopt the new ArrayBuffer that holds the same bytes.
    this.#adopt(value.buffer as ArrayBuffer);
    this.#end += value.length;
    return true;
  }

  /**
   * Reads body bytes straight into `view`, bypassing the buffer when it is empty (large uploads
   * skip a copy). Returns the filled view (the source may transfer `view`'s memory: use the
   * returned view's buffer from now on), or null at end of stream. `keep`: read so that `view`'s
   * memory stays in place even if the read fails, where the source can (`readKeeping`).
   */
  async readInto(view: Uint8Array, keep = false): Promise<Uint8Array | null> {
    if (this.#end > this.#start) {
      const n = Math.min(view.length, this.#end - this.#start);
      view.set(this.#buf.subarray(this.#start, this.#start + n));
      this.#start += n;
      return view.subarray(0, n);
    }
    if (this.#eof) return null;
    // A caller keeping earlier bytes in `view`'s buffer: a BYOB read would take the buffer (and
    // those bytes) with it if it failed; a plain read leaves it where it is.
    const source = this.#source;
    if (keep && source.readKeeping !== undefined) {
      // Called on the source: it may be a class instance.
      const n = await source.readKeeping(view);
      if (n === null || n === 0) {
        this.#eof = true;
        return null;
      }
      return view.subarray(0, n);
    }
    const result = await this.#source.read(view);
    if (result.done || result.value === undefined || result.value.length === 0) {
      this.#eof = true;
      return null;
    }
    return result.value;
  }

  /** Gives up the source (pending reads end). Safe to call more than once. */
  async cancel(): Promise<void> {
    this.#eof = true;
    try {
      await this.#source.cancel();
    } catch {
      // already closed or errored: nothing left to give up
    }
  }

  #adopt(buffer: ArrayBuffer): void {
    if (buffer !== this.#buf.buffer) this.#buf = new Uint8Array(buffer);
  }

  /** Makes space at the end of the buffer: reset, compact, or grow. */
  #makeRoom(): boolean {
    const keepFrom = this.#mark >= 0 ? this.#mark : this.#start;
    if (keepFrom === this.#end) {
      // Nothing to keep: start over at the front.
      this.#start = this.#end = this.#scan = 0;
      if (this.#mark >= 0) this.#mark = 0;
      return true;
    }
    const room = this.#buf.length - this.#end;
    // Read into the free tail only when it is at least as large as what compaction would free:
    // otherwise a nearly full buffer would make a run of tiny reads.
    if (room > 0 && room >= keepFrom) return true;
    if (keepFrom > 0) {
      this.#buf.copyWithin(0, keepFrom, this.#end);
      this.#start -= keepFrom;
      this.#end -= keepFrom;
      this.#scan = Math.max(0, this.#scan - keepFrom);
      if (this.#mark >= 0) this.#mark = 0;
      return true;
    }
    if (this.#buf.length >= this.#maxBytes) return false;
    const grown = new Uint8Array(Math.min(this.#maxBytes, this.#buf.length * 2));
    grown.set(this.#buf.subarray(0, this.#end));
    this.#buf = grown;
    return true;
  }
}
