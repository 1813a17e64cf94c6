/**
 * WebSocket frames (RFC 6455 §5): the header grammar a server reads from clients, the frames it
 * writes, unmasking, and the close codes. Pure byte work.
 *
 * This module must not know sockets or sessions.
 * @module
 */

/** Opcodes (§5.2). */
export const OPCODE = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

/** Close codes the server sends (§7.4.1). */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  unsupportedData: 1003,
  noStatus: 1005,
  invalidPayload: 1007,
  policyViolation: 1008,
  tooBig: 1009,
  internalError: 1011,
  tryAgainLater: 1013,
} as const;

/** Control frames carry at most this much payload (§5.5). */
export const MAX_CONTROL_PAYLOAD_BYTES = 125;
/** A close reason fits beside its 2-byte code in a control frame. */
export const MAX_CLOSE_REASON_BYTES = MAX_CONTROL_PAYLOAD_BYTES - 2;

const FIN = 0x80;
const RSV_BITS = 0x70;
const OPCODE_BITS = 0x0f;
const MASK_BIT = 0x80;
const LENGTH_BITS = 0x7f;
const LENGTH_16 = 126;
const LENGTH_64 = 127;
const MASK_KEY_BYTES = 4;
/** The bytes of a frame header before any extended length: flags/opcode, mask/length. */
const FRAME_HEADER_MIN_BYTES = 2;

/** A violation found in a header: the close code it earns and why. */
export interface FrameError {
  code: number;
  reason: string;
}

/** Whether `opcode` is a control frame's (close, ping, pong). */
export function isControl(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

/**
 * The violation in a client frame's first two bytes (§5.2), or null when they are acceptable
 * (nothing is allocated then: this runs once per frame). A server takes only masked frames
 * (§5.1), no reserved bits (no extension was negotiated), known opcodes, and control frames whole
 * and small (§5.5).
 */
export function frameStartError(b0: number, b1: number): FrameError | null {
  if ((b0 & RSV_BITS) !== 0) return { code: CLOSE.protocolError, reason: "reserved bits set" };
  const opcode = b0 & OPCODE_BITS;
  const known = opcode <= OPCODE.binary || (opcode >= OPCODE.close && opcode <= OPCODE.pong);
  if (!known) return { code: CLOSE.protocolError, reason: `unknown opcode ${opcode}` };
  if ((b1 & MASK_BIT) === 0) return { code: CLOSE.protocolError, reason: "unmasked client frame" };
  if (isControl(opcode)) {
    if ((b0 & FIN) === 0) return { code: CLOSE.protocolError, reason: "fragmented control frame" };
    if ((b1 & LENGTH_BITS) > MAX_CONTROL_PAYLOAD_BYTES) {
      return { code: CLOSE.protocolError, reason: "control frame over 125 bytes" };
    }
  }
  return null;
}

/** The whole header size of a client frame whose second byte is `b1` (mask key included). */
export function clientHeaderBytes(b1: number): number {
  const length7 = b1 & LENGTH_BITS;
  return FRAME_HEADER_MIN_BYTES + (length7 === LENGTH_16 ? 2 : length7 === LENGTH_64 ? 8 : 0) +
    MASK_KEY_BYTES;
}

/** The error a 64-bit length with its most significant bit set earns (§5.2). */
const LENGTH_MSB_ERROR: FrameError = {
  code: CLOSE.protocolError,
  reason: "64-bit length with MSB set",
};

/**
 * The payload length of a client frame whose second byte is `b1`, reading an extended length
 * (the frame's bytes 2–9) through `byteAt`; a 64-bit length with its most significant bit set is
 * refused (§5.2: it must be 0; past 2^53 no message could be taken anyway). The mask key follows
 * at `clientHeaderBytes(b1) - 4`.
 */
export function payloadLength(b1: number, byteAt: (offset: number) => number): number | FrameError {
  const length7 = b1 & LENGTH_BITS;
  if (length7 === LENGTH_16) return (byteAt(2) << 8) | byteAt(3);
  if (length7 !== LENGTH_64) return length7;
  if (byteAt(2) & 0x80) return LENGTH_MSB_ERROR;
  let value = 0;
  for (let i = 2; i < 10; i++) value = value * 256 + byteAt(i);
  return value;
}

/** Unmasks `payload` in place (§5.3); `offset` is where it starts within its frame's payload. */
export function unmask(payload: Uint8Array, key: Uint8Array, offset = 0): void {
  const n = payload.length;
  let i = 0;
  // Byte by byte up to a 4-byte boundary of the memory, then four bytes at a time (five times
  // faster), with the key turned to line up with those words (little-endian, as every platform
  // Deno runs on).
  while (i < n && ((payload.byteOffset + i) & 3) !== 0) {
    payload[i] ^= key[(offset + i) & 3];
    i++;
  }
  if (n - i >= 16) {
    const s = (offset + i) & 3;
    const k = key[s] | (key[(s + 1) & 3] << 8) | (key[(s + 2) & 3] << 16) |
      (key[(s + 3) & 3] << 24);
    const words = new Int32Array(payload.buffer, payload.byteOffset + i, (n - i) >> 2);
    const count = words.length;
    let w = 0;
    for (const end = count - 3; w < end; w += 4) { // unrolled: the loop itself was half the cost
      words[w] ^= k;
      words[w + 1] ^= k;
      words[w + 2] ^= k;
      words[w + 3] ^= k;
    }
    for (; w < count; w++) words[w] ^= k;
    i += count << 2;
  }
  for (; i < n; i++) payload[i] ^= key[(offset + i) & 3];
}

/**
 * A server frame (unmasked, §5.1) of `opcode` carrying `payload`, in a new array or in the one
 * `into` gives for the frame's size (a reused buffer).
 */
export function encodeFrame(
  opcode: number,
  payload: Uint8Array,
  fin = true,
  into?: (bytes: number) => Uint8Array,
): Uint8Array {
  const n = payload.length;
  const headerBytes = frameHeaderBytes(n);
  const frame = into === undefined ? new Uint8Array(headerBytes + n) : into(headerBytes + n);
  writeFrameHeader(frame, 0, opcode, n, fin);
  frame.set(payload, headerBytes);
  return frame;
}

/**
 * Writes a server frame's header for `payloadBytes` at `at` in `out`; returns its size
 * (`frameHeaderBytes(payloadBytes)`).
 */
export function writeFrameHeader(
  out: Uint8Array,
  at: number,
  opcode: number,
  payloadBytes: number,
  fin = true,
): number {
  const n = payloadBytes;
  out[at] = (fin ? FIN : 0) | opcode;
  if (n < LENGTH_16) {
    out[at + 1] = n;
    return 2;
  }
  if (n <= 0xffff) {
    out[at + 1] = LENGTH_16;
    out[at + 2] = n >> 8;
    out[at + 3] = n & 0xff;
    return 4;
  }
  out[at + 1] = LENGTH_64;
  const high = Math.floor(n / 2 ** 32);
  const low = n >>> 0;
  out[at + 2] = high >>> 24;
  out[at + 3] = (high >>> 16) & 0xff;
  out[at + 4] = (high >>> 8) & 0xff;
  out[at + 5] = high & 0xff;
  out[at + 6] = low >>> 24;
  out[at + 7] = (low >>> 16) & 0xff;
  out[at + 8] = (low >>> 8) & 0xff;
  out[at + 9] = low & 0xff;
  return 10;
}

/** The header size of a server frame carrying `payloadBytes`. */
export function frameHeaderBytes(payloadBytes: number): number {
  return payloadBytes < LENGTH_16 ? 2 : payloadBytes <= 0xffff ? 4 : 10;
}

/** The payload of a close frame: the code, then the reason cut to fit (on a UTF-8 boundary). */
export function closePayload(code: number, reason = ""): Uint8Array {
  let text = new TextEncoder().encode(reason);
  if (text.length > MAX_CLOSE_REASON_BYTES) {
    let end = MAX_CLOSE_REASON_BYTES;
    while (end > 0 && (text[end] & 0xc0) === 0x80) end--; // not inside a character
    text = text.subarray(0, end);
  }
  const out = new Uint8Array(2 + text.length);
  out[0] = code >> 8;
  out[1] = code & 0xff;
  out.set(text, 2);
  return out;
}

/**
 * Whether a peer may send `code` in a close frame (§7.4.1, §7.4.2): the defined codes that are
 * not reserved for local use (1005, 1006, 1015), and the registered and private ranges.
 */
export function isSendableCloseCode(code: number): boolean {
  if (code >= 3000 && code <= 4999) return true;
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014);
}

/**
 * The code to answer a client's close frame with (§5.5.1: its own code, 1000 when it carries
 * none), or the violation its payload holds: one byte, or a code a peer may not send → 1002; a
 * reason that is not UTF-8 → 1007.
 */
export function closeReplyCode(payload: Uint8Array): number | FrameError {
  if (payload.length === 0) return CLOSE.normal;
  if (payload.length === 1) return { code: CLOSE.protocolError, reason: "one-byte close payload" };
  const code = (payload[0] << 8) | payload[1];
  if (!isSendableCloseCode(code)) {
    return { code: CLOSE.protocolError, reason: "invalid close code" };
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(payload.subarray(2));
  } catch {
    return { code: CLOSE.invalidPayload, reason: "invalid UTF-8 in reason" };
  }
  return code;
}
