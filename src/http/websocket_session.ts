/**
 * A WebSocket session (RFC 6455) over a connection that has switched protocols: the loop that
 * turns client frames into messages, answers pings, and runs the close handshake, and the
 * public API a handler sees (`WebSocketSession`). Frames are read by `WebSocketFrameReader`,
 * joined into messages by `WebSocketMessageAssembler` and written by `WebSocketFrameWriter`;
 * this module owns the session's state (open → closing → closed) and the close timeout.
 *
 * Failing the connection (§7.1.7) sends a close frame with the code the fault earns, then stops
 * reading frames and lingers (discarding input for a bounded time) before it closes the socket:
 * 1002 for a protocol violation, 1007 for invalid UTF-8, 1009 for a message past the limit. A
 * session with no client frame for `WEBSOCKET_IDLE_TIMEOUT_MS` is closed with 1001.
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
  closeReplyCode,
  type FrameError,
  isControl,
  OPCODE,
} from "./websocket_frame.ts";
import {
  HEADER_NEED_MORE,
  HEADER_READ,
  PAYLOAD_BUSY,
  WebSocketFrameReader,
} from "./websocket_frame_reader.ts";
import { WebSocketFrameWriter } from "./websocket_frame_writer.ts";
import { BUSY, WebSocketMessageAssembler } from "./websocket_message_assembler.ts";

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
  /**
   * Half-closes the socket, reads and discards what the client still sends for a bounded time
   * and number of bytes, then closes it (`lingerThenClose`). Optional: without it, `close`.
   */
  linger?(): Promise<void>;
}

/**
 * Text up to this many characters is tried as ASCII first when sent: a string of such
 * characters is written straight into the cork buffer — no encoder call for a short message.
 */
const SMALL_TEXT_CHARS = 1024;
const encoder = new TextEncoder();

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

/** The session the engine runs for an upgrade; see the module doc. */
export class WebSocketConnection implements WebSocketSession {
  #t: WebSocketTransport;
  #frames: WebSocketFrameReader;
  #messages: WebSocketMessageAssembler;
  #out: WebSocketFrameWriter;
  /** Charges payload bytes read into a buffer of their own to the shared budget. */
  readonly #charge = (bytes: number): boolean => this.#messages.hold(bytes);
  #maxFragmentBytes: number;
  /** open → closing (a close frame went out) → closed (the socket is closed). */
  #state: "open" | "closing" | "closed" = "open";
  #closeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    transport: WebSocketTransport,
    upgrade: Pick<WebSocketUpgrade, "maxMessageBytes" | "maxFragmentBytes">,
    idleMs = WEBSOCKET_IDLE_TIMEOUT_MS,
  ) {
    this.#t = transport;
    this.#out = new WebSocketFrameWriter(transport);
    this.#frames = new WebSocketFrameReader(transport, this.#out, this.#shut, idleMs, this.#idle);
    this.#messages = new WebSocketMessageAssembler(upgrade.maxMessageBytes);
    this.#maxFragmentBytes = upgrade.maxFragmentBytes;
  }

  /** Whether the socket has been closed. */
  get closed(): boolean {
    return this.#state === "closed";
  }

  async receive(): Promise<WebSocketMessage | null> {
    const frames = this.#frames;
    const messages = this.#messages;
    messages.reset(); // the last message is over (it was lent until this call)
    while (this.#state !== "closed") {
      // Frames already buffered are parsed without a wait (many small messages arrive at once).
      const header = frames.header();
      if (header === HEADER_NEED_MORE) {
        // Not all here yet: one read, then parse again (no nested waits on the hot path).
        if (!await frames.more()) return null;
        continue;
      }
      if (header !== HEADER_READ) return await this.#fail(header);
      const { fin, opcode, length } = frames;
      if (isControl(opcode)) {
        // At most 125 bytes: read into the reused buffer, never charged, never busy.
        const payload = frames.bufferedPayload(length) ?? await frames.readPayload(length);
        if (payload === null || payload === PAYLOAD_BUSY) return null;
        // A ping is answered until the client's close came (RFC 6455 §5.5.2), after ours too:
        // a pong is no data frame (§5.5.1).
        if (opcode === OPCODE.ping) {
          this.#out.append(OPCODE.pong, payload, true);
          await this.#out.flush();
        } else if (opcode === OPCODE.close) {
          await this.#closeReceived(payload);
          return null;
        }
        continue;
      }
      const fault = messages.begin(opcode, length);
      if (fault !== null) return await this.#fail(fault);
      // A frame too large for the reused buffer gets one of its own, charged to the shared budget
      // as it grows: past it (many sessions each midway through a large frame) the session ends,
      // 1013. That charge then stands for the payload, and for its copy in a fragmented message.
      const charged = frames.ownsBuffer(length);
      const payload = frames.bufferedPayload(length) ??
        await frames.readPayload(length, this.#charge);
      if (payload === PAYLOAD_BUSY) return await this.#fail(BUSY);
      if (payload === null) return null;
      if (this.#state !== "open") {
        // After our close frame, data is dropped (§7.1.4), message after message.
        if (fin) messages.reset();
        continue;
      }
      const message = messages.add(payload, fin, charged);
      if (message === null) continue;
      if ("code" in message) return await this.#fail(message);
      return message;
    }
    return null;
  }

  send(data: string | Uint8Array): Promise<void> {
    if (this.#state !== "open") return Promise.reject(new WebSocketClosingError());
    const max = this.#maxFragmentBytes;
    const out = this.#out;
    if (typeof data === "string") {
      if (!(data.length <= SMALL_TEXT_CHARS && data.length <= max && out.appendAscii(data))) {
        const bytes = encoder.encode(data);
        if (bytes.length > max) return this.#sendFragments(OPCODE.text, bytes);
        out.append(OPCODE.text, bytes, true);
      }
    } else {
      if (data.length > max) return this.#sendFragments(OPCODE.binary, data);
      out.append(OPCODE.binary, data, true);
    }
    out.sendSoon();
    return out.pace();
  }

  /** Sends a message past the fragment size in frames of that size. */
  async #sendFragments(first: number, bytes: Uint8Array): Promise<void> {
    const max = this.#maxFragmentBytes;
    const out = this.#out;
    for (let at = 0; at < bytes.length; at += max) {
      // A close frame went out while the last fragments were written: nothing more may follow it.
      if (this.#state !== "open") throw new WebSocketClosingError();
      const end = Math.min(at + max, bytes.length);
      const opcode = at === 0 ? first : OPCODE.continuation;
      out.append(opcode, bytes.subarray(at, end), end === bytes.length);
      await out.pace();
    }
    out.sendSoon();
    await out.pace();
  }

  async close(code: number = CLOSE.normal, reason = ""): Promise<void> {
    if (this.#state !== "open") return;
    // The client answers with its close frame, which the receiving side reads; one that does not
    // answer is cut off.
    this.#closeTimer = setTimeout(this.#shut, WEBSOCKET_CLOSE_TIMEOUT_MS);
    this.#startClosing(code, reason);
    await this.#out.flush();
  }

  /**
   * Ends the session once its handler is done: a close frame if none went out, then the socket.
   * The engine calls it; safe to call more than once.
   */
  async finish(): Promise<void> {
    if (this.#state === "open") {
      this.#closeTimer = setTimeout(this.#shut, WEBSOCKET_CLOSE_TIMEOUT_MS);
      this.#startClosing(CLOSE.normal);
    }
    await this.#out.flush();
    // Our close frame is out and the client's is still to come: it is waited for (data before it
    // is dropped) and then the socket closes (§7.1.1), or the close timeout cuts a client that
    // never answers. Closed at once, the client's unread data would make the kernel send a reset,
    // which the client sees as an error instead of a clean close.
    if (this.#state === "closing") await this.receive();
    this.#shut();
  }

  /** Queues our close frame: the session is closing, and no data frame may follow (§5.5.1). */
  #startClosing(code: number, reason?: string): void {
    this.#state = "closing";
    this.#out.append(OPCODE.close, closePayload(code, reason), true);
  }

  /** Closes the socket and stops the clocks (also when the client left). */
  #shut = (): void => {
    this.#messages.reset();
    clearTimeout(this.#closeTimer);
    this.#frames.stop();
    this.#out.stop();
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#t.close();
  };

  /** No client frame for the idle time: the session closes, 1001. */
  #idle = (): void => {
    this.close(CLOSE.goingAway, "idle timeout").catch(() => {});
  };

  /**
   * Fails the connection (§7.1.7): a close frame with the fault's code, then the socket — after a
   * linger. A client is usually still sending when it is failed (the rest of a message past the
   * limit): closed at once with its data unread, the kernel would answer with a reset, which can
   * destroy our close frame before the client reads it (it would see 1006 instead of the code).
   */
  async #fail(error: FrameError): Promise<null> {
    if (this.#state === "open") this.#startClosing(error.code, error.reason);
    await this.#out.flush();
    const linger = this.#t.linger;
    if (linger === undefined || this.#state === "closed") {
      this.#shut();
      return null;
    }
    // No frame is read any more: the clocks stop and the session counts as closed, so a
    // shutdown or `finish` meanwhile has nothing left to do but wait for the linger.
    this.#messages.reset();
    clearTimeout(this.#closeTimer);
    this.#frames.stop();
    this.#out.stop();
    this.#state = "closed";
    await linger.call(this.#t);
    return null;
  }

  /** The client's close frame: checked, answered with its code (§5.5.1), then the socket. */
  async #closeReceived(payload: Uint8Array): Promise<void> {
    const code = closeReplyCode(payload);
    if (typeof code !== "number") {
      await this.#fail(code);
      return;
    }
    if (this.#state === "open") this.#startClosing(code);
    await this.#out.flush();
    // §7.1.1: the server closes the TCP connection first.
    this.#shut();
  }
}
