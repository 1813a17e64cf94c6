/**
 * The incoming side of a WebSocket session: client frames read off the connection's buffered
 * reader (RFC 6455 §5.2). A header is parsed only once it is buffered whole, into fields
 * (nothing allocated per frame); a payload comes back unmasked and lent — a view into the
 * reader, or into a buffer reused frame after frame, or, when large and not yet here, read
 * straight into an array of its own. Before it waits for the client, what the session has queued
 * goes out. It also keeps the idle clock, since it sees every frame arrive.
 *
 * This module decides how frame bytes are read. It must not know messages (fragments, text,
 * limits), the close handshake or sockets: the client leaving, or going quiet, is reported to
 * the session.
 * @module
 */

import type { BufferedReader } from "./buffered_reader.ts";
import type { WebSocketFrameWriter } from "./websocket_frame_writer.ts";
import {
  clientHeaderBytes,
  type FrameError,
  frameStartError,
  payloadLength,
  unmask,
} from "./websocket_frame.ts";

/** `header()`: a complete header is read (its fields are in the reader). */
export const HEADER_READ = 1;
/** `header()`: the header is not all buffered yet (nothing was consumed). */
export const HEADER_NEED_MORE = 0;

/** Payloads at least this large that are not buffered yet are read straight into their array. */
const DIRECT_READ_BYTES = 16 * 1024;
/** Payloads up to this size are read into one buffer the reader keeps and reuses. */
const RETAINED_PAYLOAD_BYTES = 256 * 1024;
/** The first buffer of a payload past RETAINED_PAYLOAD_BYTES (or what is here, if more). */
const FIRST_OWN_BYTES = 512 * 1024;
/** `readPayload`'s answer when its charge is refused (the budget for bodies is spent). */
export const PAYLOAD_BUSY = Symbol("payload busy");
const CHARGE_NOTHING = (_bytes: number): boolean => true;
const EMPTY = new Uint8Array(0);

/** A plain read into `view` that leaves its memory in place: the bytes read, or null at the end. */
export type PlainRead = (view: Uint8Array) => Promise<number | null>;

/** Client frames of one session, header then payload; see the module doc. */
export class WebSocketFrameReader {
  /** The last header read by `header()`: whether it ends its message. */
  fin = false;
  /** The last header's opcode. */
  opcode = 0;
  /** The last header's payload length. */
  length = 0;
  #reader: BufferedReader;
  #read: PlainRead | undefined;
  #writer: WebSocketFrameWriter;
  /** Called once the client is gone (end of stream or a failed read). */
  #gone: () => void;
  #idleMs: number;
  /** Called when no frame came for `#idleMs`. */
  #idle: () => void;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #lastFrameAt = 0;
  #maskKey = new Uint8Array(4);
  #payloadBuf: Uint8Array = EMPTY;
  /** The byte `offset` bytes ahead in the reader (one function for the session's life). */
  #peek = (offset: number): number => this.#reader.peekByteAt(offset);

  /**
   * Reads from `input.reader`, refilling it with `input.read` when given (else the reader reads
   * its own source); `writer` is flushed before each wait; `gone` is told when the client left,
   * `idle` when it sent no frame for `idleMs` (the clock starts now).
   */
  constructor(
    input: { readonly reader: BufferedReader; readonly read?: PlainRead },
    writer: WebSocketFrameWriter,
    gone: () => void,
    idleMs: number,
    idle: () => void,
  ) {
    this.#reader = input.reader;
    this.#read = input.read;
    this.#writer = writer;
    this.#gone = gone;
    this.#idleMs = idleMs;
    this.#idle = idle;
    this.#armIdle();
  }

  /** Stops the idle clock (the session has closed its socket). */
  stop(): void {
    clearTimeout(this.#idleTimer);
  }

  /**
   * Notes a frame from the client. The idle clock is one timer for the whole session that, when
   * it rings, looks at when the last frame came (no timer churn per message). The bytes of a
   * large frame's payload count as they come too (`readPayload`): a 4 MiB message over a slow
   * link takes minutes, and the clock must not cut it midway.
   */
  #armIdle(): void {
    this.#lastFrameAt = Date.now();
    this.#idleTimer ??= setTimeout(this.#idleCheck, this.#idleMs);
  }

  #idleCheck = (): void => {
    const quiet = Date.now() - this.#lastFrameAt;
    if (quiet >= this.#idleMs) {
      this.#idleTimer = undefined;
      this.#idle();
    } else this.#idleTimer = setTimeout(this.#idleCheck, this.#idleMs - quiet);
  };

  /**
   * Whether a payload of `length` bytes will get an array of its own (too large for the reused
   * buffer and not all here): memory `readPayload` charges to the budget as it grows.
   */
  ownsBuffer(length: number): boolean {
    return length > RETAINED_PAYLOAD_BYTES && this.#reader.buffered < length;
  }

  /**
   * Reads the next header when it is buffered whole into `fin`, `opcode` and `length`
   * (`HEADER_READ`); `HEADER_NEED_MORE` when it is not all here (nothing consumed); the violation
   * it holds. Allocates nothing: this runs once per frame.
   */
  header(): typeof HEADER_READ | typeof HEADER_NEED_MORE | FrameError {
    const reader = this.#reader;
    const buffered = reader.buffered;
    if (buffered < 2) return HEADER_NEED_MORE;
    const b0 = reader.peekByte();
    const b1 = reader.peekByteAt(1);
    const error = frameStartError(b0, b1);
    if (error !== null) return error;
    const headerBytes = clientHeaderBytes(b1);
    if (buffered < headerBytes) return HEADER_NEED_MORE;
    const length = payloadLength(b1, this.#peek);
    if (typeof length !== "number") return length;
    const at = headerBytes - 4;
    const key = this.#maskKey;
    key[0] = reader.peekByteAt(at);
    key[1] = reader.peekByteAt(at + 1);
    key[2] = reader.peekByteAt(at + 2);
    key[3] = reader.peekByteAt(at + 3);
    reader.skip(headerBytes);
    this.fin = (b0 & 0x80) !== 0;
    this.opcode = b0 & 0x0f;
    this.length = length;
    this.#armIdle();
    return HEADER_READ;
  }

  /** The payload when it is buffered whole (a view: use it at once), else undefined. */
  bufferedPayload(length: number): Uint8Array | undefined {
    const reader = this.#reader;
    if (length === 0) return EMPTY;
    if (reader.buffered < length) return undefined;
    const view = reader.take(length)!;
    unmask(view, this.#maskKey);
    return view;
  }

  /**
   * The frame's payload, unmasked, or null when the client left. It is always lent: a view into
   * the reader, or into the reader's payload buffer (reused for the next frame, so memory stays
   * warm and the collector idle) — use it or copy it before the next read. Payloads past
   * `RETAINED_PAYLOAD_BYTES` get a buffer of their own that is not kept. It grows as the bytes
   * come (from {@link FIRST_OWN_BYTES}, doubling), each step asked of `charge` first:
   * `PAYLOAD_BUSY` when it refuses. A header that announces megabytes and sends nothing so holds
   * next to nothing — charged at once, four such headers held the server's whole budget for
   * bodies until their sessions idled out, refusing everyone else's large messages and bodies.
   */
  async readPayload(
    length: number,
    charge: (bytes: number) => boolean = CHARGE_NOTHING,
  ): Promise<Uint8Array | null | typeof PAYLOAD_BUSY> {
    if (length === 0) return EMPTY;
    const reader = this.#reader;
    if (reader.buffered >= length) return this.bufferedPayload(length)!;
    const keep = length <= RETAINED_PAYLOAD_BYTES;
    let whole: Uint8Array;
    if (keep) {
      whole = this.#payloadBuf.length >= length
        ? this.#payloadBuf
        : new Uint8Array(Math.max(length, this.#payloadBuf.length));
    } else {
      const first = Math.min(length, Math.max(FIRST_OWN_BYTES, reader.buffered));
      if (!charge(first)) return PAYLOAD_BUSY;
      whole = new Uint8Array(first);
    }
    let at = 0;
    while (at < length) {
      if (at === whole.length) {
        // Only an own buffer fills before the payload ends: it doubles, charged first.
        const size = Math.min(length, whole.length * 2);
        if (!charge(size - whole.length)) return PAYLOAD_BUSY;
        const grown = new Uint8Array(size);
        grown.set(whole.subarray(0, at));
        whole = grown;
      }
      const end = Math.min(whole.length, length);
      if (reader.buffered === 0) {
        if (end - at >= DIRECT_READ_BYTES) {
          // What is queued goes out while the payload comes in.
          this.#writer.sendQueued();
          let got: Uint8Array | null = null;
          try {
            got = await reader.readInto(whole.subarray(at, end));
          } catch {
            // the client reset the connection
          }
          if (got === null) {
            this.#gone();
            return null;
          }
          // The read may move the memory into a new buffer: keep the one it returned.
          whole = new Uint8Array(got.buffer as ArrayBuffer);
          at += got.length;
          this.#lastFrameAt = Date.now(); // a frame still arriving is no idle client
          continue;
        }
        if (!await this.#need(1)) return null;
        this.#lastFrameAt = Date.now();
      }
      const piece = reader.take(end - at)!;
      whole.set(piece, at);
      at += piece.length;
    }
    if (keep) this.#payloadBuf = whole;
    const out = whole.subarray(0, length);
    unmask(out, this.#maskKey);
    return out;
  }

  /** Reads once more from the client (what is queued goes out first); false when it left. */
  more(): Promise<boolean> {
    this.#writer.sendQueued();
    const reader = this.#reader;
    const read = this.#read;
    if (read === undefined) return reader.fill().then(this.#afterRead, this.#readFailed);
    const view = reader.fillTarget();
    if (view === null) return this.#readFailed();
    return read(view).then((n) => this.#afterRead(reader.filledCount(n)), this.#readFailed);
  }

  #afterRead = (more: boolean): boolean => {
    if (!more) this.#gone();
    return more;
  };

  #readFailed = (): Promise<boolean> => {
    this.#gone();
    return Promise.resolve(false);
  };

  /** Whether at least `n` bytes are buffered, reading as needed; false when the client left. */
  async #need(n: number): Promise<boolean> {
    while (this.#reader.buffered < n) {
      if (!await this.more()) return false;
    }
    return true;
  }
}
