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
import { concatBytes } from "./concat_bytes.ts";
import { WEBSOCKET_CLOSE_TIMEOUT_MS, WEBSOCKET_IDLE_TIMEOUT_MS } from "./limits.ts";
import type { WebSocketMessage, WebSocketSession, WebSocketUpgrade } from "./types.ts";
import {
  CLOSE,
  closePayload,
  encodeFrame,
  FRAME_HEADER_MIN_BYTES,
  type FrameError,
  type FrameHeader,
  isControl,
  isSendableCloseCode,
  OPCODE,
  parseFrameRest,
  parseFrameStart,
  unmask,
} from "./websocket_frame.ts";

/** What a session needs of its connection. */
export interface WebSocketTransport {
  /** The connection's reader (it may already hold frames sent right after the handshake). */
  readonly reader: BufferedReader;
  /** Writes bytes whole; the session never calls it twice at once. */
  write(bytes: Uint8Array): Promise<void>;
  /** Closes the socket now. */
  close(): void;
}

/** Payloads at least this large that are not buffered yet are read straight into their array. */
const DIRECT_READ_BYTES = 16 * 1024;
const EMPTY = new Uint8Array(0);
/** Queued outgoing frames past this size are written at once, and `send` waits for them. */
const CORK_BYTES = 64 * 1024;
/** Frames at least this large are reused once written. */
const REUSED_FRAME_BYTES = 16 * 1024;
/** A sender waits while this much of what it sent is not yet written. */
const MAX_UNWRITTEN_BYTES = 1024 * 1024;
/** Payloads up to this size are read into one buffer the session keeps and reuses. */
const RETAINED_PAYLOAD_BYTES = 256 * 1024;
const encoder = new TextEncoder();

/** The session the engine runs for an upgrade; see the module doc. */
export class WebSocketConnection implements WebSocketSession {
  #t: WebSocketTransport;
  #maxMessageBytes: number;
  #maxFragmentBytes: number;
  #idleMs: number;
  /** open → closing (a close frame went out) → closed (the socket is closed). */
  #state: "open" | "closing" | "closed" = "open";
  /** The last write, so writes go out one after the other. */
  #writes: Promise<void> = Promise.resolve();
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #lastFrameAt = 0;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  #decoder = new TextDecoder("utf-8", { fatal: true });
  /** Whether the last payload read is a view into the reader's buffer (copy it to keep it). */
  #lentPayload = false;
  #payloadBuf: Uint8Array = EMPTY;
  /** Frames waiting to go out, their total, and the timer that sends them at the latest. */
  #queue: Uint8Array[] = [];
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
    let opcode = -1;
    let total = 0;
    const texts: string[] = [];
    const parts: Uint8Array[] = [];
    while (this.#state !== "closed") {
      // Frames already buffered are parsed without a wait (many small messages arrive at once).
      const header = this.#bufferedHeader();
      if (header === undefined) {
        // Not all here yet: one read, then parse again (no nested waits on the hot path).
        if (!await this.#more()) return null;
        continue;
      }
      if ("code" in header) return await this.#fail(header);
      if (isControl(header.opcode)) {
        const payload = this.#bufferedPayload(header) ?? await this.#readPayload(header);
        if (payload === null) return null;
        if (header.opcode === OPCODE.ping && this.#state === "open") {
          this.#enqueue(encodeFrame(OPCODE.pong, payload));
          await this.#flush().catch(() => {});
        } else if (header.opcode === OPCODE.close) {
          await this.#closeReceived(payload);
          return null;
        }
        continue;
      }
      if (header.opcode === OPCODE.continuation) {
        if (opcode === -1) {
          return await this.#fail({ code: CLOSE.protocolError, reason: "continuation first" });
        }
      } else if (opcode !== -1) {
        return await this.#fail({ code: CLOSE.protocolError, reason: "message inside message" });
      } else opcode = header.opcode;
      total += header.length;
      if (total > this.#maxMessageBytes) {
        return await this.#fail({ code: CLOSE.tooBig, reason: "message too big" });
      }
      const payload = this.#bufferedPayload(header) ?? await this.#readPayload(header);
      if (payload === null) return null;
      if (this.#state !== "open") continue; // after our close frame, data is dropped (§7.1.4)
      if (opcode === OPCODE.text) {
        try {
          // Checked piece by piece (a bad byte fails before the message ends), whole at the end.
          texts.push(this.#decoder.decode(payload, { stream: !header.fin }));
        } catch {
          this.#decoder = new TextDecoder("utf-8", { fatal: true });
          return await this.#fail({ code: CLOSE.invalidPayload, reason: "invalid UTF-8" });
        }
      } else if (header.fin && parts.length === 0) {
        // A whole message in one frame is handed over as lent (see `WebSocketSession.receive`).
        return { type: "binary", data: payload };
      } else parts.push(this.#lentPayload ? payload.slice() : payload);
      if (!header.fin) continue;
      if (opcode === OPCODE.text) {
        return { type: "text", data: texts.length === 1 ? texts[0] : texts.join("") };
      }
      return { type: "binary", data: concatBytes(parts, total) };
    }
    return null;
  }

  async send(data: string | Uint8Array): Promise<void> {
    if (this.#state !== "open") throw new Error("The WebSocket is closing");
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    const first = typeof data === "string" ? OPCODE.text : OPCODE.binary;
    const max = this.#maxFragmentBytes;
    if (bytes.length <= max) this.#enqueue(encodeFrame(first, bytes, true, this.#frameBuffer));
    else {
      for (let at = 0; at < bytes.length; at += max) {
        const end = Math.min(at + max, bytes.length);
        const opcode = at === 0 ? first : OPCODE.continuation;
        const last = end === bytes.length;
        this.#enqueue(encodeFrame(opcode, bytes.subarray(at, end), last, this.#frameBuffer));
        await this.#pace();
      }
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
    this.#enqueue(encodeFrame(OPCODE.close, closePayload(code, reason)));
    await this.#flush().catch(() => {});
  }

  /**
   * Ends the session once its handler is done: a close frame if none went out, then the socket.
   * The engine calls it; safe to call more than once.
   */
  async finish(): Promise<void> {
    if (this.#state === "open") {
      this.#state = "closing";
      this.#enqueue(encodeFrame(OPCODE.close, closePayload(CLOSE.normal)));
    }
    await this.#flush().catch(() => {});
    this.#shut();
  }

  /** Closes the socket and stops the clocks. */
  #shut(): void {
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
      this.#enqueue(encodeFrame(OPCODE.close, closePayload(error.code, error.reason)));
    }
    await this.#flush().catch(() => {});
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
      this.#enqueue(encodeFrame(OPCODE.close, closePayload(code)));
    }
    await this.#flush().catch(() => {});
    // §7.1.1: the server closes the TCP connection first.
    this.#shut();
  }

  /**
   * Queues a frame. Queued frames go out together — when the session is about to wait for the
   * client, when they pass `CORK_BYTES`, or as `#sendSoon` decides — so an echo of many small
   * messages costs one write per batch, not one per message.
   */
  #enqueue(frame: Uint8Array): void {
    this.#queue.push(frame);
    this.#queued += frame.length;
  }

  /**
   * After a message is queued: when no client input waits to be processed, nothing would come to
   * flush it soon, so it goes now (a ping-pong pays no timer). With input buffered, the handler is
   * most likely still working through a burst: the frames wait for the session's next wait for
   * input, or the next turn of the event loop at the latest.
   */
  #sendSoon(): void {
    if (this.#t.reader.buffered === 0) {
      this.#flush().catch(() => {});
      return;
    }
    this.#flushTimer ??= setTimeout(() => {
      this.#flushTimer = undefined;
      this.#flush().catch(() => {});
    }, 0);
  }

  /** Writes everything queued, after every earlier write; resolves when it is out. */
  #flush(): Promise<void> {
    if (this.#queue.length === 0) return this.#writes;
    const q = this.#queue;
    const bytes = concatBytes(q, this.#queued);
    this.#queue = [];
    this.#queued = 0;
    this.#unwritten += bytes.length;
    // With nothing on its way the write starts now (a ping-pong's every message), else in turn.
    const start = this.#unwritten === bytes.length
      ? this.#t.write(bytes)
      : this.#writes.then(() => this.#t.write(bytes));
    const next = start.finally(() => {
      this.#unwritten -= bytes.length;
      // A large frame written whole goes back for the next one of its size.
      if (q.length === 1 && bytes.length >= REUSED_FRAME_BYTES && this.#spareFrames.length < 4) {
        this.#spareFrames.push(bytes);
      }
    });
    this.#writes = next.catch(() => {});
    return next;
  }

  /**
   * Past the cork, what is queued starts out without being waited for (the next message is read
   * while this one is written); a sender waits only while `MAX_UNWRITTEN_BYTES` are still on their
   * way — the backpressure from a client that stops reading.
   */
  async #pace(): Promise<void> {
    if (this.#queued >= CORK_BYTES) this.#flush().catch(() => {});
    if (this.#queued + this.#unwritten >= MAX_UNWRITTEN_BYTES) await this.#flush();
  }

  /** Whether at least `n` bytes are buffered, reading as needed; false when the client left. */
  /** Reads once more from the client (what is queued goes out first); false when it left. */
  async #more(): Promise<boolean> {
    if (this.#queue.length !== 0) this.#flush().catch(() => {});
    let more: boolean;
    try {
      more = await this.#t.reader.fill();
    } catch {
      more = false;
    }
    if (!more) this.#shut();
    return more;
  }

  async #need(n: number): Promise<boolean> {
    const reader = this.#t.reader;
    // About to wait for the client: what is queued goes out meanwhile.
    if (reader.buffered < n && this.#queue.length !== 0) this.#flush().catch(() => {});
    while (reader.buffered < n) {
      let more: boolean;
      try {
        more = await reader.fill();
      } catch {
        more = false;
      }
      if (!more) {
        this.#shut();
        return false;
      }
    }
    return true;
  }

  /**
   * The next header when it is buffered whole (else undefined, and nothing is consumed): the
   * path of every frame but the first of a burst.
   */
  #bufferedHeader(): FrameHeader | FrameError | undefined {
    const reader = this.#t.reader;
    if (reader.buffered < FRAME_HEADER_MIN_BYTES) return undefined;
    const start = parseFrameStart(reader.peekByte(), reader.peekByteAt(1));
    if ("code" in start) return start;
    if (reader.buffered < FRAME_HEADER_MIN_BYTES + start.restBytes) return undefined;
    reader.skip(FRAME_HEADER_MIN_BYTES);
    this.#armIdle();
    return parseFrameRest(start, reader.take(start.restBytes)!);
  }

  /** The payload when it is buffered whole (a view: use it at once), else undefined. */
  #bufferedPayload(header: FrameHeader): Uint8Array | undefined {
    const reader = this.#t.reader;
    if (header.length === 0) return EMPTY;
    if (reader.buffered < header.length) return undefined;
    const view = reader.take(header.length)!;
    unmask(view, header.maskKey);
    this.#lentPayload = true;
    return view;
  }

  /**
   * The frame's payload, unmasked, or null when the client left. It is always lent: a view into
   * the reader, or into the session's payload buffer (reused for the next frame, so memory stays
   * warm and the collector idle) — use it or copy it before the next read. Payloads past
   * `RETAINED_PAYLOAD_BYTES` get a buffer of their own that is not kept.
   */
  async #readPayload(header: FrameHeader): Promise<Uint8Array | null> {
    const length = header.length;
    if (length === 0) return EMPTY;
    const reader = this.#t.reader;
    if (reader.buffered >= length) {
      const view = reader.take(length)!;
      unmask(view, header.maskKey);
      this.#lentPayload = true;
      return view;
    }
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
    unmask(out, header.maskKey);
    return out;
  }
}
