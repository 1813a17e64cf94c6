/**
 * The chunked transfer coding (RFC 9112 §7.1): an incremental decoder over a `BufferedReader`,
 * and the byte strings a response writer needs to encode. The grammar of one chunk-size line
 * lives in `chunk_size_line.ts`; this decoder owns the framing state, the limits and trailers.
 *
 * This module must not know about sockets, clocks or handlers: the caller owns timeouts and maps
 * each `HttpError` kind to its response.
 * @module
 */

import { type BufferedReader, LINE_TOO_LONG, NEED_MORE } from "./buffered_reader.ts";
import { parseChunkSizeLine } from "./chunk_size_line.ts";
import { type ErrorKind, HttpError } from "./errors.ts";
import { HeaderFields } from "./header_fields.ts";
import { CLASS, COLON, CR, HTAB, latin1, SP, TCHAR, VALUE } from "./head_syntax.ts";
import type { Limits } from "./limits.ts";
import type { ChunkInfo } from "./types.ts";

const LF = 0x0a;
const HEX_RADIX = 16;
/** `tryReadLine` counts the CR before the LF but not the LF itself. */
const LF_LENGTH = 1;
const CRLF_LENGTH = 2;
/** Framing bytes every data chunk may carry for free (a size line and two CRLFs, roughly). */
const CHUNK_OVERHEAD_ALLOWANCE = 16;
/** The empty line that ends the trailer section is just "\r" to `tryReadLine`. */
const EMPTY_LINE_LENGTH = 1;

/** The CRLF that follows each chunk's data. */
export const CHUNK_END: Uint8Array = Uint8Array.of(CR, LF);

/** The last-chunk with an empty trailer section: "0" CRLF CRLF. */
export const LAST_CHUNK: Uint8Array = new TextEncoder().encode("0\r\n\r\n");

/** Returned by a step that cannot go on until more bytes are buffered. */
const MORE = undefined;

type State = "size" | "data" | "dataCr" | "dataLf" | "trailers" | "done";

/**
 * Decodes a chunked request body read from a `BufferedReader`, enforcing the chunk-line and
 * trailer limits. Throws `HttpError` (`badChunk`, `trailersTooLarge`, `clientGone`); an error
 * from the byte source itself (a reset socket) passes through unchanged. After a failure every
 * later `read` throws the same error.
 */
export class ChunkedDecoder {
  #reader: BufferedReader;
  #limits: Limits;
  #state: State = "size";
  /** Data bytes left in the current chunk. */
  #remaining = 0;
  #bytesDecoded = 0;
  /** The most data bytes the body's reader takes (`limitTo`). */
  #maxBytes = Infinity;
  /** Framing bytes not yet paid for by data (see `#chargeOverhead`). */
  #overhead = 0;
  #chunks: ChunkInfo[] = [];
  #chunkCount = 0;
  #trailers = new HeaderFields();
  #trailerBytes = 0;
  /** The trailer section's lines as sent (each with its LF), once `keepRawTrailers` asked. */
  #rawTrailerLines: Uint8Array[] | null = null;
  #rawTrailers: Uint8Array | null = null;
  /** The first error `read` threw (wrapped so that any thrown value counts), or null. */
  #failure: { error: unknown } | null = null;

  /** A decoder that reads the body starting at the reader's current position. */
  constructor(reader: BufferedReader, limits: Limits) {
    this.#reader = reader;
    this.#limits = limits;
  }

  /** Trailer fields once the body is done, else null. */
  get trailers(): HeaderFields | null {
    return this.#state === "done" ? this.#trailers : null;
  }

  /**
   * Keeps the trailer section's bytes as sent from now on (`rawTrailers`). The copy is made only
   * on request: the trailer limits bound it, but most readers never look.
   */
  keepRawTrailers(): void {
    this.#rawTrailerLines ??= [];
  }

  /**
   * The trailer section as sent (field lines with their CRLF, then the final CRLF) once the body
   * is done, if `keepRawTrailers` asked for it; else null.
   */
  get rawTrailers(): Uint8Array | null {
    const lines = this.#rawTrailerLines;
    if (this.#state !== "done" || lines === null) return null;
    if (this.#rawTrailers === null) {
      const out = new Uint8Array(lines.reduce((n, l) => n + l.length, 0));
      let at = 0;
      for (const l of lines) {
        out.set(l, at);
        at += l.length;
      }
      this.#rawTrailers = out;
    }
    return this.#rawTrailers;
  }

  /** The first `maxChunkRecords` chunk-size lines, as sent. */
  get chunks(): readonly ChunkInfo[] {
    return this.#chunks;
  }

  /** Chunks seen so far, the last (zero-size) chunk included. */
  get chunkCount(): number {
    return this.#chunkCount;
  }

  /** Whether the last chunk and the trailer section have been consumed. */
  get done(): boolean {
    return this.#state === "done";
  }

  /**
   * Refuses (`contentTooLarge`) any chunk whose size line would carry the data past `maxBytes`,
   * as soon as that line is parsed.
   */
  limitTo(maxBytes: number): void {
    this.#maxBytes = maxBytes;
  }

  /** Data bytes returned so far. */
  get bytesDecoded(): number {
    return this.#bytesDecoded;
  }

  /**
   * The next piece of body data, or null once the body and its trailers are consumed. The view
   * points into the reader's buffer and is valid only until the next call: copy it to keep it.
   */
  async read(): Promise<Uint8Array | null> {
    if (this.#failure !== null) throw this.#failure.error;
    try {
      for (;;) {
        const piece = this.#advance();
        if (piece !== MORE) return piece;
        await this.#fill();
      }
    } catch (e) {
      // Sticky: the reader is mid-frame, so nothing after a failure can be trusted.
      this.#failure = { error: e };
      throw e;
    }
  }

  /** Runs the state machine on buffered bytes only, until data, the end, or a need for more. */
  #advance(): Uint8Array | null | typeof MORE {
    const reader = this.#reader;
    for (;;) {
      switch (this.#state) {
        case "size": {
          // + LF_LENGTH: the limit is on the line without CRLF, tryReadLine counts the CR.
          const line = reader.tryReadLine(this.#limits.maxChunkLineBytes + LF_LENGTH);
          if (line === NEED_MORE) return MORE;
          if (line === LINE_TOO_LONG) {
            throw new HttpError("badChunk", "Chunk-size line longer than maxChunkLineBytes");
          }
          this.#startChunk(line);
          break;
        }
        case "data": {
          const piece = reader.take(this.#remaining);
          if (piece === null) return MORE;
          this.#remaining -= piece.length;
          this.#bytesDecoded += piece.length;
          if (this.#remaining === 0) this.#state = "dataCr";
          return piece;
        }
        case "dataCr":
        case "dataLf": {
          // RFC 9112 §7.1: chunk-data is followed by exactly CRLF. Anything else means the
          // sender's framing and ours disagree (the classic smuggling vector), so refuse.
          const b = reader.peekByte();
          if (b < 0) return MORE;
          if (b !== (this.#state === "dataCr" ? CR : LF)) {
            throw new HttpError("badChunk", "Chunk data not followed by CRLF");
          }
          reader.skip(1);
          this.#state = this.#state === "dataCr" ? "dataLf" : "size";
          break;
        }
        case "trailers": {
          // A field line costs its bytes plus CRLF and tryReadLine counts all but the LF, so
          // asking for `left - 1` enforces the budget. The floor lets the empty line through
          // when the budget is spent; any other one-byte line is malformed and refused below.
          const left = this.#limits.maxTrailerBytes - this.#trailerBytes;
          const line = reader.tryReadLine(Math.max(left - LF_LENGTH, EMPTY_LINE_LENGTH));
          if (line === NEED_MORE) return MORE;
          if (line === LINE_TOO_LONG) {
            throw new HttpError("trailersTooLarge", "Trailer section longer than maxTrailerBytes");
          }
          if (this.#rawTrailerLines !== null) this.#rawTrailerLines.push(withLf(line));
          // RFC 9112 §7.1.2: the trailer section ends with an empty line.
          if (line.length === EMPTY_LINE_LENGTH && line[0] === CR) {
            this.#state = "done";
            return null;
          }
          this.#trailerBytes += line.length + LF_LENGTH;
          if (this.#trailers.size >= this.#limits.maxTrailerCount) {
            throw new HttpError("trailersTooLarge", "More trailer fields than maxTrailerCount");
          }
          this.#addTrailer(line);
          break;
        }
        case "done":
          return null;
      }
    }
  }

  /** Awaits more bytes; end of stream before the end of the body means the client left. */
  async #fill(): Promise<void> {
    const reader = this.#reader;
    // A plain socket read (see `fillKeeping`): at end of stream the socket stays open for the 400.
    if (await reader.fillKeeping()) return;
    if (reader.eof) throw new HttpError("clientGone", "End of stream inside a chunked body");
    // Not EOF: the reader's buffer is full at its maximum with one unfinished line.
    const kind: ErrorKind = this.#state === "trailers" ? "trailersTooLarge" : "badChunk";
    throw new HttpError(kind, "Line does not fit in the read buffer");
  }

  /** Takes one chunk-size line (RFC 9112 §7.1) and moves to its data or to the trailers. */
  #startChunk(line: Uint8Array): void {
    const size = parseChunkSizeLine(line);
    // The parser has checked that the line ends in CR; the record keeps the line without it.
    const end = line.length - 1;
    if (this.#chunks.length < this.#limits.maxChunkRecords) {
      this.#chunks.push({ size, line: latin1(line, 0, end) });
    }
    this.#chunkCount++;
    // Every earlier chunk's data has been returned by now, so this is the body's running sum.
    if (size > this.#maxBytes - this.#bytesDecoded) {
      throw new HttpError("contentTooLarge", `a chunk of ${size} bytes passes the body limit`);
    }
    if (size !== 0) this.#chargeOverhead(line.length + LF_LENGTH + CRLF_LENGTH, size);
    this.#remaining = size;
    this.#state = size === 0 ? "trailers" : "data";
  }

  /**
   * Charges a chunk's framing (`framingBytes`: its size line and CRLFs) against the data it
   * carries. Each line is bounded, but their number is not: a body of 1-byte chunks with long
   * extensions would make us parse kilobytes of framing per byte of data. Every chunk earns an
   * allowance (a small constant plus twice its size), and framing beyond it may pile up to
   * `maxChunkOverheadBytes` before the body is refused (the rule Go adopted for CVE-2023-39326).
   */
  #chargeOverhead(framingBytes: number, size: number): void {
    const allowance = CHUNK_OVERHEAD_ALLOWANCE + 2 * size;
    this.#overhead = Math.max(0, this.#overhead + framingBytes - allowance);
    if (this.#overhead > this.#limits.maxChunkOverheadBytes) {
      throw new HttpError("badChunk", "Too much chunk framing for the data it carries");
    }
  }

  /** Parses one trailer field line (RFC 9112 §5, §7.1.2) into the trailer fields. */
  #addTrailer(line: Uint8Array): void {
    const end = line.length - 1;
    if (line[end] !== CR) throw new HttpError("badChunk", "Trailer line not ended by CRLF");
    let colon = 0;
    while (colon < end && (CLASS[line[colon]] & TCHAR) !== 0) colon++;
    // The name must be a token followed at once by ":". This refuses obs-fold (a line starting
    // with SP/HTAB, RFC 9112 §5.2) and whitespace before the colon (RFC 9112 §5.1).
    if (colon === 0 || colon === end || line[colon] !== COLON) {
      throw new HttpError("badChunk", "Malformed trailer field name");
    }
    let start = colon + 1;
    let stop = end;
    while (start < stop && (line[start] === SP || line[start] === HTAB)) start++;
    while (stop > start && (line[stop - 1] === SP || line[stop - 1] === HTAB)) stop--;
    for (let i = start; i < stop; i++) {
      if ((CLASS[line[i]] & VALUE) === 0) {
        throw new HttpError("badChunk", "Control byte in a trailer field value");
      }
    }
    this.#trailers.add(latin1(line, 0, colon), latin1(line, start, stop));
  }
}

/** A copy of `line` (a view into the reader's buffer, its LF left off) with its LF. */
function withLf(line: Uint8Array): Uint8Array {
  const copy = new Uint8Array(line.length + LF_LENGTH);
  copy.set(line);
  copy[line.length] = LF;
  return copy;
}

/**
 * The chunk-size line for a chunk of `size` bytes: lower-case hex and CRLF, in ASCII. Throws a
 * `RangeError` for a size that is not a positive safe integer: a zero-size chunk is the
 * last-chunk and would end the body early (RFC 9112 §7.1).
 */
export function chunkHeader(size: number): Uint8Array {
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new RangeError(`Cannot frame a chunk of size "${size}": not a positive safe integer`);
  }
  const hex = size.toString(HEX_RADIX);
  const out = new Uint8Array(hex.length + CHUNK_END.length);
  for (let i = 0; i < hex.length; i++) out[i] = hex.charCodeAt(i);
  out.set(CHUNK_END, hex.length);
  return out;
}
