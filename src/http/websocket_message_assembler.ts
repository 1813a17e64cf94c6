/**
 * Client data frames joined into messages (RFC 6455 §5.4): fragments in order, text checked as
 * UTF-8 as it arrives (a bad byte fails before the message ends, a character may be split
 * between frames), and the limits of one message — its bytes, its number of frames, and what it
 * holds of the isolate's budget for bytes held whole (`heldBodies`, shared with HTTP bodies).
 *
 * Each fault is a `FrameError` with the close code it earns: 1002 for fragments out of order,
 * 1007 for invalid UTF-8, 1009 for a message past its limits, 1013 when the shared budget is
 * spent. This module must not know sockets, control frames or the close handshake: the session
 * feeds it data frames and fails the connection on the errors it returns.
 * @module
 */

import { ByteCollector } from "./byte_collector.ts";
import { heldBodies } from "./buffer_budget.ts";
import type { WebSocketMessage } from "./types.ts";
import { CLOSE, type FrameError, OPCODE } from "./websocket_frame.ts";

/**
 * Most frames in one message: a limit of its own, since empty continuation frames add nothing to
 * its size. Far past what a client cuts a message into; a sender that needs more gets 1009.
 */
export const MAX_FRAGMENTS = 65_536;
/**
 * Text up to this many bytes is tried as ASCII first: bytes all below 0x80 are valid UTF-8 and
 * become the string directly — no decoder call for a short message.
 */
const SMALL_TEXT_BYTES = 1024;
/**
 * Decoder options for message text: a leading U+FEFF is part of the message (RFC 6455 §5.6: the
 * payload is the text), not a byte-order mark to strip, so an echo gives back what was sent.
 */
const KEEP_BOM: TextDecoderOptions = { fatal: true, ignoreBOM: true };
/** Decodes a gathered text message already checked piece by piece. */
const utf8 = new TextDecoder("utf-8", KEEP_BOM);
/** No message yet: the next data frame must start one. */
const NO_MESSAGE = -1;

const CONTINUATION_FIRST: FrameError = {
  code: CLOSE.protocolError,
  reason: "continuation first",
};
const MESSAGE_INSIDE_MESSAGE: FrameError = {
  code: CLOSE.protocolError,
  reason: "message inside message",
};
const TOO_BIG: FrameError = { code: CLOSE.tooBig, reason: "message too big" };
const INVALID_TEXT: FrameError = { code: CLOSE.invalidPayload, reason: "invalid UTF-8" };
/** The shared budget is spent: try again later. */
export const BUSY: FrameError = {
  code: CLOSE.tryAgainLater,
  reason: "server busy, try again later",
};

/** The message being received by one session; see the module doc. */
export class WebSocketMessageAssembler {
  #maxMessageBytes: number;
  /** The message's opcode (text or binary), or `NO_MESSAGE`. */
  #opcode = NO_MESSAGE;
  /** Payload bytes announced so far, and frames. */
  #total = 0;
  #fragments = 0;
  /**
   * A message of several frames is gathered as bytes in one buffer (text is checked as UTF-8
   * piece by piece, decoded whole at the end): a piece kept per frame cost hundreds of bytes for
   * each 1-byte fragment, so a 4 MiB message could take gigabytes (an attack probe).
   */
  #parts: ByteCollector | null = null;
  #decoder = new TextDecoder("utf-8", KEEP_BOM);
  /**
   * Bytes of the message being received charged to `heldBodies`: a large frame's buffer and a
   * fragmented message's. Given back by `reset`.
   */
  #held = 0;

  constructor(maxMessageBytes: number) {
    this.#maxMessageBytes = maxMessageBytes;
  }

  /**
   * Forgets the message being received and gives back what it held. The session calls it when the
   * next message is asked for (the last one was lent until then) and when it ends.
   */
  reset(): void {
    this.#opcode = NO_MESSAGE;
    this.#total = 0;
    this.#fragments = 0;
    this.#parts = null;
    if (this.#held === 0) return;
    heldBodies.release(this.#held);
    this.#held = 0;
  }

  /**
   * Takes the header of a data frame of `opcode` with a payload of `length` bytes, before the
   * payload is read: the violation when it continues nothing, starts a message inside another,
   * or takes the message past its limits (judged from the headers alone); else null.
   */
  begin(opcode: number, length: number): FrameError | null {
    if (opcode === OPCODE.continuation) {
      if (this.#opcode === NO_MESSAGE) return CONTINUATION_FIRST;
    } else if (this.#opcode !== NO_MESSAGE) return MESSAGE_INSIDE_MESSAGE;
    else this.#opcode = opcode;
    this.#total += length;
    // Empty fragments cost nothing against the byte limit: their number has its own.
    if (this.#total > this.#maxMessageBytes || ++this.#fragments > MAX_FRAGMENTS) return TOO_BIG;
    return null;
  }

  /**
   * Adds the payload of the frame `begin` took: the message when `fin` ends it, null when more
   * frames are to come, or the violation (invalid UTF-8, the shared budget spent). A message of
   * one frame hands over `payload` itself (lent, see `WebSocketSession.receive`). `charged`: the
   * payload's bytes were charged to the budget as they were read (a buffer of its own), so its
   * copy into the message is not charged again.
   */
  add(payload: Uint8Array, fin: boolean, charged = false): WebSocketMessage | FrameError | null {
    const parts = this.#parts;
    if (this.#opcode === OPCODE.text) {
      if (fin && parts === null) {
        // A whole message in one frame (the common case): a short ASCII one needs no decoder.
        const text = asciiText(payload) ?? this.#decodeText(payload, false);
        return text === null ? INVALID_TEXT : { type: "text", data: text };
      }
      // Checked piece by piece (a bad byte fails before the message ends), whole at the end.
      if (this.#decodeText(payload, !fin) === null) return INVALID_TEXT;
      if (!charged && !this.hold(payload.length)) return BUSY;
      (this.#parts ??= new ByteCollector()).append(payload);
      return fin ? { type: "text", data: utf8.decode(this.#parts.bytes()) } : null;
    }
    if (fin && parts === null) return { type: "binary", data: payload };
    if (!charged && !this.hold(payload.length)) return BUSY;
    (this.#parts ??= new ByteCollector()).append(payload);
    return fin ? { type: "binary", data: this.#parts.bytes() } : null;
  }

  /** Charges `bytes` of the message being received to the shared budget; false when spent. */
  hold(bytes: number): boolean {
    if (bytes === 0) return true;
    if (!heldBodies.acquire(bytes)) return false;
    this.#held += bytes;
    return true;
  }

  /** UTF-8 `bytes` as a string, or null when they are not valid UTF-8 (the decoder is reset). */
  #decodeText(bytes: Uint8Array, stream: boolean): string | null {
    try {
      return this.#decoder.decode(bytes, { stream });
    } catch {
      this.#decoder = new TextDecoder("utf-8", KEEP_BOM);
      return null;
    }
  }
}

/**
 * `bytes` as a string when they are all ASCII and few (`SMALL_TEXT_BYTES`): valid UTF-8 whose
 * characters are the bytes themselves. Null otherwise (the decoder decides).
 */
function asciiText(bytes: Uint8Array): string | null {
  const n = bytes.length;
  if (n > SMALL_TEXT_BYTES) return null;
  for (let i = 0; i < n; i++) if (bytes[i] >= 0x80) return null;
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}
