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
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  #decoder = new TextDecoder("utf-8", { fatal: true });
  /** Whether the last payload read is a view into the reader's buffer (copy it to keep it). */
  #lentPayload = false;

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
      const header = await this.#readHeader();
      if (header === null) return null;
      if ("code" in header) return await this.#fail(header);
      if (isControl(header.opcode)) {
        const payload = await this.#readPayload(header);
        if (payload === null) return null;
        if (header.opcode === OPCODE.ping && this.#state === "open") {
          await this.#write(encodeFrame(OPCODE.pong, payload)).catch(() => {});
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
      const payload = await this.#readPayload(header);
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
      } else parts.push(this.#lentPayload ? payload.slice() : payload);
      if (!header.fin) continue;
      if (opcode === OPCODE.text) {
        return { type: "text", data: texts.length === 1 ? texts[0] : texts.join("") };
      }
      return { type: "binary", data: join(parts, total) };
    }
    return null;
  }

  async send(data: string | Uint8Array): Promise<void> {
    if (this.#state !== "open") throw new Error("The WebSocket is closing");
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    const first = typeof data === "string" ? OPCODE.text : OPCODE.binary;
    const max = this.#maxFragmentBytes;
    if (bytes.length <= max) return await this.#write(encodeFrame(first, bytes));
    for (let at = 0; at < bytes.length; at += max) {
      const end = Math.min(at + max, bytes.length);
      const opcode = at === 0 ? first : OPCODE.continuation;
      await this.#write(encodeFrame(opcode, bytes.subarray(at, end), end === bytes.length));
    }
  }

  async close(code: number = CLOSE.normal, reason = ""): Promise<void> {
    if (this.#state !== "open") return;
    this.#state = "closing";
    // The client answers with its close frame, which the receiving side reads; one that does not
    // answer is cut off.
    this.#closeTimer = setTimeout(() => this.#shut(), WEBSOCKET_CLOSE_TIMEOUT_MS);
    await this.#write(encodeFrame(OPCODE.close, closePayload(code, reason))).catch(() => {});
  }

  /**
   * Ends the session once its handler is done: a close frame if none went out, then the socket.
   * The engine calls it; safe to call more than once.
   */
  async finish(): Promise<void> {
    if (this.#state === "open") {
      this.#state = "closing";
      await this.#write(encodeFrame(OPCODE.close, closePayload(CLOSE.normal))).catch(() => {});
    }
    await this.#writes.catch(() => {});
    this.#shut();
  }

  /** Closes the socket and stops the clocks. */
  #shut(): void {
    clearTimeout(this.#idleTimer);
    clearTimeout(this.#closeTimer);
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#t.close();
  }

  #armIdle(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      this.close(CLOSE.goingAway, "idle timeout").catch(() => {});
    }, this.#idleMs);
  }

  /** Fails the connection (§7.1.7): a close frame with the fault's code, then the socket. */
  async #fail(error: FrameError): Promise<null> {
    if (this.#state === "open") {
      this.#state = "closing";
      await this.#write(encodeFrame(OPCODE.close, closePayload(error.code, error.reason)))
        .catch(() => {});
    }
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
      await this.#write(encodeFrame(OPCODE.close, closePayload(code))).catch(() => {});
    }
    // §7.1.1: the server closes the TCP connection first.
    this.#shut();
  }

  /** Writes after every earlier write. */
  #write(bytes: Uint8Array): Promise<void> {
    const next = this.#writes.then(() => this.#t.write(bytes));
    this.#writes = next.catch(() => {});
    return next;
  }

  /** Whether at least `n` bytes are buffered, reading as needed; false when the client left. */
  async #need(n: number): Promise<boolean> {
    const reader = this.#t.reader;
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

  /** The next frame header, a violation, or null when the client left. */
  async #readHeader(): Promise<FrameHeader | FrameError | null> {
    if (!await this.#need(FRAME_HEADER_MIN_BYTES)) return null;
    this.#armIdle();
    const reader = this.#t.reader;
    const two = reader.take(FRAME_HEADER_MIN_BYTES)!;
    const start = parseFrameStart(two[0], two[1]);
    if ("code" in start) return start;
    if (!await this.#need(start.restBytes)) return null;
    return parseFrameRest(start, reader.take(start.restBytes)!);
  }

  /**
   * The frame's payload, unmasked, or null when the client left. A payload already buffered is
   * a view into the reader (valid until the next read: use it at once); a larger one is read
   * into an array of its own.
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
    this.#lentPayload = false;
    let out = new Uint8Array(length);
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
          out = new Uint8Array(got.buffer as ArrayBuffer, 0, length);
          at += got.length;
          continue;
        }
        if (!await this.#need(1)) return null;
      }
      const piece = reader.take(length - at)!;
      out.set(piece, at);
      at += piece.length;
    }
    unmask(out, header.maskKey);
    return out;
  }
}

function join(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
