/**
 * A WebSocket session (RFC 6455) over a connection that has switched protocols: reads client
 * frames from the connection's buffered reader, joins fragments into messages, answers pings,
 * checks text as UTF-8, runs the close handshake, and writes server frames one at a time.
 *
 * Failing the connection (§7.1.7) sends a close frame with the code the fault earns and closes
 * the socket: 1002 for a protocol violation, 1007 for invalid UTF-8, 1009 for a message past the
 * limit. A session with no client frame for `WEBSOCKET_IDLE_TIMEOUT_MS` is closed with 1001.
 *
 * This module must not know routes: handlers see only `WebSocketSession`.
 * @module
 */

import type { BufferedReader } from "./buffered_reader.ts";
import { WEBSOCKET_CLOSE_TIMEOUT_MS, WEBSOCKET_IDLE_TIMEOUT_MS } from "./limits.ts";
import type { WebSocketMessage, WebSocketSession, WebSocketUpgrade } from "./types.ts";
import { ByteCollector } from "./byte_collector.ts";
import { heldBodies } from "./buffer_budget.ts";
import {
  clientHeaderBytes,
  CLOSE,
  closePayload,
  encodeFrame,
  type FrameError,
  frameHeaderBytes,
  frameStartError,
  isControl,
  isSendableCloseCode,
  OPCODE,
  payloadLength,
  unmask,
  writeFrameHeader,
} from "./websocket_frame.ts";

/** What a session needs of its connection. */
export interface WebSocketTransport {
  /** The connection's reader (it may already hold frames sent right after the handshake). */
  readonly reader: BufferedReader;
  /**
   * A plain read into `view` that leaves its memory in place (`Deno.Conn.read`): the bytes
   * read, or null at the end. Optional: without it, the reader reads its own source.
   */
  readonly read?: (view: Uint8Array) => Promise<number | null>;
  /** Writes bytes whole; the session never calls it twice at once. */
  write(bytes: Uint8Array): Promise<void>;
  /** Closes the socket now. */
  close(): void;
}

/** Payloads at least this large that are not buffered yet are read straight into their array. */
const DIRECT_READ_BYTES = 16 * 1024;
const EMPTY = new Uint8Array(0);
/**
 * Outgoing frames up to this size are written into a cork buffer of this size, one after the
 * other, and go out together (one write per batch); past it the batch is written at once and
 * `send` waits for it. Larger frames get an array of their own.
 */
const CORK_BYTES = 64 * 1024;
/** Cork buffers kept for reuse once written (one filling while one is written). */
const SPARE_CORKS = 2;
/** Frames at least this large are reused once written. */
const REUSED_FRAME_BYTES = 16 * 1024;
/** A sender waits while this much of what it sent is not yet written. */
const MAX_UNWRITTEN_BYTES = 1024 * 1024;
/** Payloads up to this size are read into one buffer the session keeps and reuses. */
const RETAINED_PAYLOAD_BYTES = 256 * 1024;
/**
 * Text up to this many characters is tried as ASCII first, both ways: received bytes all below
 * 0x80 are valid UTF-8 and become the string directly, and a string of such characters is
 * written straight into the cork buffer — no decoder or encoder call for a short message.
 */
const SMALL_TEXT_CHARS = 1024;
/** `#header`: a complete header is read (its fields are in the session). */
const HEADER_READ = 1;
/** `#header`: the header is not all buffered yet (nothing was consumed). */
const HEADER_NEED_MORE = 0;
const encoder = new TextEncoder();
/** Decodes a gathered text message already checked piece by piece. */
const utf8 = new TextDecoder();
/**
 * Most frames in one message: a limit of its own, since empty continuation frames add nothing to
 * its size. Far past what a client cuts a message into; a sender that needs more gets 1009.
 */
export const MAX_FRAGMENTS = 65_536;
const RESOLVED: Promise<void> = Promise.resolve();

/**
 * What `send` rejects with once the session is closing: a close frame has gone out (the server's
 * shutdown, the idle clock, a protocol error, the client's own close), after which no data frame
 * may follow (RFC 6455 §5.5.1). A message cut by it was not sent whole. It is the expected end of
 * a session that was sending, not a failure to report.
 */
export class WebSocketClosingError extends Error {
  constructor() {
    super("The WebSocket is closing");
    this.name = "WebSocketClosingError";
  }
}
const ignore = () => {};

/** The session the engine runs for an upgrade; see the module doc. */
export class WebSocketConnection implements WebSocketSession {
  #t: WebSocketTransport;
  #maxMessageBytes: number;
  #maxFragmentBytes: number;
  #idleMs: number;
  /** open → closing (a close frame went out) → closed (the socket is closed). */
  #state: "open" | "closing" | "closed" = "open";
  /** The last write, so writes go out one after the other. */
  #writes: Promise<void> = RESOLVED;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #lastFrameAt = 0;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  #decoder = new TextDecoder("utf-8", { fatal: true });
  /** Whether the last payload read is a view into the reader's buffer (copy it to keep it). */
  #lentPayload = false;
  /**
   * Bytes of the message being received charged to `heldBodies`, the isolate's budget for what
   * is held whole (shared with HTTP bodies): a large frame's buffer and a fragmented message's.
   * Given back when the next message is asked for, or the session ends.
   */
  #held = 0;
  #payloadBuf: Uint8Array = EMPTY;
  /** The last header read (`#header`): kept in fields, so reading one allocates nothing. */
  #fin = false;
  #opcode = 0;
  #length = 0;
  #maskKey = new Uint8Array(4);
  /** The byte `offset` bytes ahead in the reader (one function for the session's life). */
  #peek = (offset: number): number => this.#t.reader.peekByteAt(offset);
  /** The cork buffer being filled with frames, and how far. */
  #cork: Uint8Array | null = null;
  #corkAt = 0;
  /** Cork buffers written and free again. */
  #spareCorks: Uint8Array[] = [];
  /** Sealed pieces waiting to go out (filled corks, large frames), and the corks among them. */
  #queue: Uint8Array[] = [];
  #queuedCorks: Uint8Array[] = [];
  /** Bytes waiting to go out: the queue's and the cork's. */
  #queued = 0;
  /** Bytes handed to the connection and not yet written. */
  #unwritten = 0;
  /** Written large frames kept for reuse (a busy echo would otherwise allocate one a message). */
  #spareFrames: Uint8Array[] = [];

  /** An array for a frame of `size` bytes: a spare one of that size, or a new one. */
  #frameBuffer = (size: number): Uint8Array => {
    if (size < REUSED_FRAME_BYTES) return new Uint8Array(size);
    const spare = this.#spareFrames;
    for (let i = spare.length - 1; i >= 0; i--) {
      if (spare[i].length === size) return spare.splice(i, 1)[0];
    }
    return new Uint8Array(size);
  };
  #flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    transport: WebSocketTransport,
    upgrade: Pick<WebSocketUpgrade, "maxMessageBytes" | "maxFragmentBytes">,
    idleMs = WEBSOCKET_IDLE_TIMEOUT_MS,
  ) {
    this.#t = transport;
    this.#maxMessageBytes = upgrade.maxMessageBytes;
    this.#maxFragmentBytes = upgrade.maxFragmentBytes;
    this.#idleMs = idleMs;
    this.#armIdle();
  }

  /** Whether the socket has been closed. */
  get closed(): boolean {
    return this.#state === "closed";
  }

  async receive(): Promise<WebSocketMessage | null> {
    this.#releaseHeld(); // the last message is over (it was lent until this call)
    let opcode = -1;
    let total = 0;
    let fragments = 0;
    // A message of several frames is gathered as bytes in one buffer (text is checked as UTF-8
    // piece by piece, decoded whole at the end): a piece kept per frame cost hundreds of bytes
    // for each 1-byte fragment, so a 4 MiB message could take gigabytes (an attack probe).
    let parts: ByteCollector | null = null;
    while (this.#state !== "closed") {
      // Frames already buffered are parsed without a wait (many small messages arrive at once).
      const header = this.#header();
      if (header === HEADER_NEED_MORE) {
        // Not all here yet: one read, then parse again (no nested waits on the hot path).
        if (!await this.#more()) return null;
        continue;
      }
      if (header !== HEADER_READ) return await this.#fail(header);
      const fin = this.#fin;
      const length = this.#length;
      if (isControl(this.#opcode)) {
        const control = this.#opcode;
        const payload = this.#bufferedPayload(length) ?? await this.#readPayload(length);
        if (payload === null) return null;
        if (control === OPCODE.ping && this.#state === "open") {
          this.#appendFrame(OPCODE.pong, payload, true);
          await this.#flush().catch(ignore);
        } else if (control === OPCODE.close) {
          await this.#closeReceived(payload);
          return null;
        }
        continue;
      }
      if (this.#opcode === OPCODE.continuation) {
        if (opcode === -1) {
          return await this.#fail({ code: CLOSE.protocolError, reason: "continuation first" });
        }
      } else if (opcode !== -1) {
        return await this.#fail({ code: CLOSE.protocolError, reason: "message inside message" });
      } else opcode = this.#opcode;
      total += length;
      // Empty fragments cost nothing against the byte limit: their number has its own.
      if (total > this.#maxMessageBytes || ++fragments > MAX_FRAGMENTS) {
        return await this.#fail({ code: CLOSE.tooBig, reason: "message too big" });
      }
      // A frame too large for the reused buffer gets one of its own as soon as it starts: past the
      // shared budget (many sessions each midway through a large frame) the session ends, 1013.
      const own = length > RETAINED_PAYLOAD_BYTES && this.#t.reader.buffered < length;
      if (own && !this.#hold(length)) return await this.#busy();
      const payload = this.#bufferedPayload(length) ?? await this.#readPayload(length);
      if (payload === null) return null;
      if (this.#state !== "open") {
        // After our close frame, data is dropped (§7.1.4), message after message.
        if (fin) {
          opcode = -1;
          parts = null;
          total = 0;
          fragments = 0;
          this.#releaseHeld();
        }
        continue;
      }
      if (opcode === OPCODE.text) {
        if (fin && parts === null) {
          // A whole message in one frame (the common case): a short ASCII one needs no decoder.
          const text = asciiText(payload) ?? this.#decodeText(payload, false);
          if (text === null) return await this.#invalidText();
          return { type: "text", data: text };
        }
        // Checked piece by piece (a bad byte fails before the message ends), whole at the end.
        if (this.#decodeText(payload, !fin) === null) return await this.#invalidText();
        if (!this.#hold(payload.length)) return await this.#busy();
        (parts ??= new ByteCollector()).append(payload);
        if (!fin) continue;
        return { type: "text", data: utf8.decode(parts.bytes()) };
      }
      if (fin && parts === null) {
        // A whole message in one frame is handed over as lent (see `WebSocketSession.receive`).
        return { type: "binary", data: payload };
      }
      if (!this.#hold(payload.length)) return await this.#busy();
      (parts ??= new ByteCollector()).append(payload);
      if (fin) return { type: "binary", data: parts.bytes() };
    }
    return null;
  }

  /** UTF-8 `bytes` as a string, or null when they are not valid UTF-8 (the decoder is reset). */
  #decodeText(bytes: Uint8Array, stream: boolean): string | null {
    try {
      return this.#decoder.decode(bytes, { stream });
    } catch {
      this.#decoder = new TextDecoder("utf-8", { fatal: true });
      return null;
    }
  }

  /** Charges `bytes` of the message being received to the shared budget; false when spent. */
  #hold(bytes: number): boolean {
    if (bytes === 0) return true;
    if (!heldBodies.acquire(bytes)) return false;
    this.#held += bytes;
    return true;
  }

  #releaseHeld(): void {
    if (this.#held === 0) return;
    heldBodies.release(this.#held);
    this.#held = 0;
  }

  /** The shared budget is spent: end the session, 1013 (try again later). */
  #busy(): Promise<null> {
    return this.#fail({ code: CLOSE.tryAgainLater, reason: "server busy, try again later" });
  }

  #invalidText(): Promise<null> {
    return this.#fail({ code: CLOSE.invalidPayload, reason: "invalid UTF-8" });
  }

  send(data: string | Uint8Array): Promise<void> {
    if (this.#state !== "open") return Promise.reject(new WebSocketClosingError());
    const max = this.#maxFragmentBytes;
    if (typeof data === "string") {
      if (!(data.length <= SMALL_TEXT_CHARS && data.length <= max && this.#appendAscii(data))) {
        const bytes = encoder.encode(data);
        if (bytes.length > max) return this.#sendFragments(OPCODE.text, bytes);
        this.#appendFrame(OPCODE.text, bytes, true);
      }
    } else {
      if (data.length > max) return this.#sendFragments(OPCODE.binary, data);
      this.#appendFrame(OPCODE.binary, data, true);
    }
    this.#sendSoon();
    return this.#pace();
  }

  /** Sends a message past the fragment size in frames of that size. */
  async #sendFragments(first: number, bytes: Uint8Array): Promise<void> {
    const max = this.#maxFragmentBytes;
    for (let at = 0; at < bytes.length; at += max) {
      // A close frame went out while the last fragments were written: nothing more may follow it.
      if (this.#state !== "open") throw new WebSocketClosingError();
      const end = Math.min(at + max, bytes.length);
      const opcode = at === 0 ? first : OPCODE.continuation;
      this.#appendFrame(opcode, bytes.subarray(at, end), end === bytes.length);
      await this.#pace();
    }
    this.#sendSoon();
    await this.#pace();
  }

  async close(code: number = CLOSE.normal, reason = ""): Promise<void> {
    if (this.#state !== "open") return;
    this.#state = "closing";
    // The client answers with its close frame, which the receiving side reads; one that does not
    // answer is cut off.
    this.#closeTimer = setTimeout(() => this.#shut(), WEBSOCKET_CLOSE_TIMEOUT_MS);
    this.#appendFrame(OPCODE.close, closePayload(code, reason), true);
    await this.#flush().catch(ignore);
  }

  /**
   * Ends the session once its handler is done: a close frame if none went out, then the socket.
   * The engine calls it; safe to call more than once.
   */
  async finish(): Promise<void> {
    if (this.#state === "open") {
      this.#state = "closing";
      this.#closeTimer = setTimeout(() => this.#shut(), WEBSOCKET_CLOSE_TIMEOUT_MS);
      this.#appendFrame(OPCODE.close, closePayload(CLOSE.normal), true);
    }
    await this.#flush().catch(ignore);
    // Our close frame is out and the client's is still to come: it is waited for (data before it
    // is dropped) and then the socket closes (§7.1.1), or the close timeout cuts a client that
    // never answers. Closed at once, the client's unread data would make the kernel send a reset,
    // which the client sees as an error instead of a clean close.
    if (this.#state === "closing") await this.receive();
    this.#shut();
  }

  /** Closes the socket and stops the clocks. */
  #shut(): void {
    this.#releaseHeld();
    clearTimeout(this.#idleTimer);
    clearTimeout(this.#closeTimer);
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#t.close();
  }

  /**
   * Notes a frame from the client. The idle clock is one timer for the whole session that, when
   * it rings, looks at when the last frame came (no timer churn per message).
   */
  #armIdle(): void {
    this.#lastFrameAt = Date.now();
    this.#idleTimer ??= setTimeout(this.#idleCheck, this.#idleMs);
  }

  #idleCheck = (): void => {
    const quiet = Date.now() - this.#lastFrameAt;
    if (quiet >= this.#idleMs) {
      this.#idleTimer = undefined;
      this.close(CLOSE.goingAway, "idle timeout").catch(() => {});
    } else this.#idleTimer = setTimeout(this.#idleCheck, this.#idleMs - quiet);
  };

  /** Fails the connection (§7.1.7): a close frame with the fault's code, then the socket. */
  async #fail(error: FrameError): Promise<null> {
    if (this.#state === "open") {
      this.#state = "closing";
      this.#appendFrame(OPCODE.close, closePayload(error.code, error.reason), true);
    }
    await this.#flush().catch(ignore);
    this.#shut();
    return null;
  }

  /** The client's close frame: checked, answered with its code (§5.5.1), then the socket. */
  async #closeReceived(payload: Uint8Array): Promise<void> {
    let code: number = CLOSE.normal;
    if (payload.length === 1) {
      await this.#fail({ code: CLOSE.protocolError, reason: "one-byte close payload" });
      return;
    }
    if (payload.length >= 2) {
      code = (payload[0] << 8) | payload[1];
      if (!isSendableCloseCode(code)) {
        await this.#fail({ code: CLOSE.protocolError, reason: "invalid close code" });
        return;
      }
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(payload.subarray(2));
      } catch {
        await this.#fail({ code: CLOSE.invalidPayload, reason: "invalid UTF-8 in reason" });
        return;
      }
    }
    if (this.#state === "open") {
      this.#state = "closing";
      this.#appendFrame(OPCODE.close, closePayload(code), true);
    }
    await this.#flush().catch(ignore);
    // §7.1.1: the server closes the TCP connection first.
    this.#shut();
  }

  /**
   * Queues a frame. Queued frames go out together — when the session is about to wait for the
   * client, when they pass `CORK_BYTES`, or as `#sendSoon` decides — so an echo of many small
   * messages costs one write per batch, not one per message. A frame that fits is written
   * straight into the cork buffer (no array of its own, no copy to join them).
   */
  #appendFrame(opcode: number, payload: Uint8Array, fin: boolean): void {
    const n = payload.length;
    const size = frameHeaderBytes(n) + n;
    if (size <= CORK_BYTES) {
      const at = this.#corkRoom(size);
      const cork = this.#cork!;
      const headerBytes = writeFrameHeader(cork, at, opcode, n, fin);
      cork.set(payload, at + headerBytes);
      this.#corkAt = at + size;
    } else {
      this.#seal();
      this.#queue.push(encodeFrame(opcode, payload, fin, this.#frameBuffer));
    }
    this.#queued += size;
  }

  /**
   * Queues `text` as one text frame when every character is ASCII (its UTF-8 bytes are its
   * character codes, written straight into the cork); false, with nothing queued, otherwise.
   * `text` is at most `SMALL_TEXT_CHARS` long.
   */
  #appendAscii(text: string): boolean {
    const n = text.length;
    const headerBytes = frameHeaderBytes(n);
    const at = this.#corkRoom(headerBytes + n);
    const cork = this.#cork!;
    const base = at + headerBytes;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) return false;
      cork[base + i] = c;
    }
    writeFrameHeader(cork, at, OPCODE.text, n, true);
    this.#corkAt = base + n;
    this.#queued += headerBytes + n;
    return true;
  }

  /** Where the next `size` bytes (at most `CORK_BYTES`) go in the cork, sealing a full one. */
  #corkRoom(size: number): number {
    if (this.#cork !== null && this.#corkAt + size > CORK_BYTES) this.#seal();
    if (this.#cork === null) {
      this.#cork = this.#spareCorks.pop() ?? new Uint8Array(CORK_BYTES);
      this.#corkAt = 0;
    }
    return this.#corkAt;
  }

  /** Moves what the cork holds to the queue (the cork is the queue's until it is written). */
  #seal(): void {
    const cork = this.#cork;
    if (cork === null || this.#corkAt === 0) return;
    this.#queue.push(cork.subarray(0, this.#corkAt));
    this.#queuedCorks.push(cork);
    this.#cork = null;
    this.#corkAt = 0;
  }

  /**
   * After a message is queued: when no client input waits to be processed, nothing would come to
   * flush it soon, so it goes now (a ping-pong pays no timer). With input buffered, the handler is
   * most likely still working through a burst: the frames wait for the session's next wait for
   * input, or the next turn of the event loop at the latest.
   */
  #sendSoon(): void {
    if (this.#t.reader.buffered === 0) {
      this.#flush().catch(ignore);
      return;
    }
    this.#flushTimer ??= setTimeout(this.#flushLater, 0);
  }

  #flushLater = (): void => {
    this.#flushTimer = undefined;
    this.#flush().catch(ignore);
  };

  /** Writes everything queued, after every earlier write; resolves when it is out. */
  #flush(): Promise<void> {
    this.#seal();
    const q = this.#queue;
    if (q.length === 0) return this.#writes;
    const corks = this.#queuedCorks;
    const bytes = this.#queued;
    this.#queue = [];
    this.#queuedCorks = [];
    this.#queued = 0;
    this.#unwritten += bytes;
    // With nothing on its way the write starts now (a ping-pong's every message), else in turn.
    const idle = this.#unwritten === bytes;
    const start = q.length === 1
      ? (idle ? this.#t.write(q[0]) : this.#writes.then(() => this.#t.write(q[0])))
      : (idle ? writeEach(this.#t, q) : this.#writes.then(() => writeEach(this.#t, q)));
    const next = start.then(() => {
      this.#unwritten -= bytes;
      // The memory written goes back: corks for the next batch, a large frame for its size.
      for (const cork of corks) {
        if (this.#spareCorks.length < SPARE_CORKS) this.#spareCorks.push(cork);
      }
      if (corks.length === 0 && q.length === 1 && bytes >= REUSED_FRAME_BYTES) {
        if (this.#spareFrames.length < 4) this.#spareFrames.push(q[0]);
      }
    }, (err) => {
      this.#unwritten -= bytes;
      throw err;
    });
    this.#writes = next.catch(ignore);
    return next;
  }

  /**
   * Past the cork, what is queued starts out without being waited for (the next message is read
   * while this one is written); a sender waits only while `MAX_UNWRITTEN_BYTES` are still on their
   * way — the backpressure from a client that stops reading.
   */
  #pace(): Promise<void> {
    if (this.#queued >= CORK_BYTES) this.#flush().catch(ignore);
    if (this.#queued + this.#unwritten >= MAX_UNWRITTEN_BYTES) return this.#flush();
    return RESOLVED;
  }

  /** Reads once more from the client (what is queued goes out first); false when it left. */
  #more(): Promise<boolean> {
    if (this.#queued !== 0) this.#flush().catch(ignore);
    const reader = this.#t.reader;
    const read = this.#t.read;
    if (read === undefined) return reader.fill().then(this.#afterRead, this.#readFailed);
    const view = reader.fillTarget();
    if (view === null) return this.#readFailed();
    return read(view).then((n) => this.#afterRead(reader.filledCount(n)), this.#readFailed);
  }

  #afterRead = (more: boolean): boolean => {
    if (!more) this.#shut();
    return more;
  };

  #readFailed = (): Promise<boolean> => {
    this.#shut();
    return Promise.resolve(false);
  };

  /** Whether at least `n` bytes are buffered, reading as needed; false when the client left. */
  async #need(n: number): Promise<boolean> {
    while (this.#t.reader.buffered < n) {
      if (!await this.#more()) return false;
    }
    return true;
  }

  /**
   * Reads the next header when it is buffered whole into the session's fields (`HEADER_READ`);
   * `HEADER_NEED_MORE` when it is not all here (nothing consumed); the violation it holds.
   * Allocates nothing: this runs once per frame.
   */
  #header(): typeof HEADER_READ | typeof HEADER_NEED_MORE | FrameError {
    const reader = this.#t.reader;
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
    this.#fin = (b0 & 0x80) !== 0;
    this.#opcode = b0 & 0x0f;
    this.#length = length;
    this.#armIdle();
    return HEADER_READ;
  }

  /** The payload when it is buffered whole (a view: use it at once), else undefined. */
  #bufferedPayload(length: number): Uint8Array | undefined {
    const reader = this.#t.reader;
    if (length === 0) return EMPTY;
    if (reader.buffered < length) return undefined;
    const view = reader.take(length)!;
    unmask(view, this.#maskKey);
    this.#lentPayload = true;
    return view;
  }

  /**
   * The frame's payload, unmasked, or null when the client left. It is always lent: a view into
   * the reader, or into the session's payload buffer (reused for the next frame, so memory stays
   * warm and the collector idle) — use it or copy it before the next read. Payloads past
   * `RETAINED_PAYLOAD_BYTES` get a buffer of their own that is not kept.
   */
  async #readPayload(length: number): Promise<Uint8Array | null> {
    if (length === 0) return EMPTY;
    const reader = this.#t.reader;
    if (reader.buffered >= length) return this.#bufferedPayload(length)!;
    this.#lentPayload = true;
    const keep = length <= RETAINED_PAYLOAD_BYTES;
    let whole = keep && this.#payloadBuf.length >= length
      ? this.#payloadBuf
      : new Uint8Array(keep ? Math.max(length, this.#payloadBuf.length) : length);
    let out = whole.subarray(0, length);
    let at = 0;
    while (at < length) {
      if (reader.buffered === 0) {
        if (length - at >= DIRECT_READ_BYTES) {
          // What is queued goes out while the payload comes in.
          if (this.#queued !== 0) this.#flush().catch(ignore);
          let got: Uint8Array | null = null;
          try {
            got = await reader.readInto(out.subarray(at));
          } catch {
            // the client reset the connection
          }
          if (got === null) {
            this.#shut();
            return null;
          }
          // The read may move the memory into a new buffer: keep the one it returned.
          whole = new Uint8Array(got.buffer as ArrayBuffer);
          out = whole.subarray(0, length);
          at += got.length;
          continue;
        }
        if (!await this.#need(1)) return null;
      }
      const piece = reader.take(length - at)!;
      out.set(piece, at);
      at += piece.length;
    }
    if (keep) this.#payloadBuf = whole;
    unmask(out, this.#maskKey);
    return out;
  }
}

/** Writes `pieces` one after the other. */
async function writeEach(t: WebSocketTransport, pieces: readonly Uint8Array[]): Promise<void> {
  for (const piece of pieces) await t.write(piece);
}

/**
 * `bytes` as a string when they are all ASCII and few (`SMALL_TEXT_CHARS`): valid UTF-8 whose
 * characters are the bytes themselves. Null otherwise (the decoder decides).
 */
function asciiText(bytes: Uint8Array): string | null {
  const n = bytes.length;
  if (n > SMALL_TEXT_CHARS) return null;
  for (let i = 0; i < n; i++) if (bytes[i] >= 0x80) return null;
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}
