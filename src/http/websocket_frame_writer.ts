/**
 * The outgoing side of a WebSocket session: server frames queued in order and written in
 * batches, one write after the other. Small frames are written straight into a reused cork
 * buffer, so an echo of many small messages costs one write per batch, not one per message;
 * a sender is held back only while too much of what it sent is still unwritten (backpressure
 * from a client that stops reading).
 *
 * This module decides when queued frames go out and which memory they reuse. It must not know
 * messages, session state or the close handshake: whether a frame may still be sent is the
 * session's call.
 * @module
 */

import type { BufferedReader } from "./buffered_reader.ts";
import { encodeFrame, frameHeaderBytes, OPCODE, writeFrameHeader } from "./websocket_frame.ts";

/** What the writer needs of the connection. */
export interface FrameOutput {
  /** The connection's reader: input waiting there means a flush will come soon anyway. */
  readonly reader: Pick<BufferedReader, "buffered">;
  /** Writes bytes whole; the writer never calls it twice at once. */
  write(bytes: Uint8Array): Promise<void>;
}

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
/** Written large frames kept for reuse. */
const SPARE_FRAMES = 4;
/** A sender waits while this much of what it sent is not yet written. */
const MAX_UNWRITTEN_BYTES = 1024 * 1024;
const RESOLVED: Promise<void> = Promise.resolve();
const ignore = () => {};

/** Server frames on their way to one connection; see the module doc. */
export class WebSocketFrameWriter {
  #out: FrameOutput;
  /** The last write, so writes go out one after the other. */
  #writes: Promise<void> = RESOLVED;
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
  #flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(out: FrameOutput) {
    this.#out = out;
  }

  /** An array for a frame of `size` bytes: a spare one of that size, or a new one. */
  #frameBuffer = (size: number): Uint8Array => {
    if (size < REUSED_FRAME_BYTES) return new Uint8Array(size);
    const spare = this.#spareFrames;
    for (let i = spare.length - 1; i >= 0; i--) {
      if (spare[i].length === size) return spare.splice(i, 1)[0];
    }
    return new Uint8Array(size);
  };

  /**
   * Queues a frame. Queued frames go out together — when the session is about to wait for the
   * client, when they pass `CORK_BYTES`, or as `sendSoon` decides. A frame that fits is written
   * straight into the cork buffer (no array of its own, no copy to join them).
   */
  append(opcode: number, payload: Uint8Array, fin: boolean): void {
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
   * character codes, written straight into the cork: no encoder call); false, with nothing
   * queued, otherwise. `text` fits in a cork with its header.
   */
  appendAscii(text: string): boolean {
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
  sendSoon(): void {
    if (this.#out.reader.buffered === 0) {
      this.#flush().catch(ignore);
      return;
    }
    this.#flushTimer ??= setTimeout(this.#flushLater, 0);
  }

  #flushLater = (): void => {
    this.#flushTimer = undefined;
    this.#flush().catch(ignore);
  };

  /** Starts writing what is queued, if anything, without waiting for it (before a read). */
  sendQueued(): void {
    if (this.#queued !== 0) this.#flush().catch(ignore);
  }

  /** Writes everything queued, after every earlier write; resolves when it is out, never fails. */
  flush(): Promise<void> {
    return this.#flush().catch(ignore);
  }

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
    const out = this.#out;
    // With nothing on its way the write starts now (a ping-pong's every message), else in turn.
    const idle = this.#unwritten === bytes;
    const start = q.length === 1
      ? (idle ? out.write(q[0]) : this.#writes.then(() => out.write(q[0])))
      : (idle ? writeEach(out, q) : this.#writes.then(() => writeEach(out, q)));
    const next = start.then(() => {
      this.#unwritten -= bytes;
      // The memory written goes back: corks for the next batch, a large frame for its size.
      for (const cork of corks) {
        if (this.#spareCorks.length < SPARE_CORKS) this.#spareCorks.push(cork);
      }
      if (corks.length === 0 && q.length === 1 && bytes >= REUSED_FRAME_BYTES) {
        if (this.#spareFrames.length < SPARE_FRAMES) this.#spareFrames.push(q[0]);
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
   * way — the backpressure from a client that stops reading. Rejects when that write fails.
   */
  pace(): Promise<void> {
    if (this.#queued >= CORK_BYTES) this.#flush().catch(ignore);
    if (this.#queued + this.#unwritten >= MAX_UNWRITTEN_BYTES) return this.#flush();
    return RESOLVED;
  }

  /** Drops the pending flush timer (the session has closed its socket). */
  stop(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
  }
}

/** Writes `pieces` one after the other. */
async function writeEach(out: FrameOutput, pieces: readonly Uint8Array[]): Promise<void> {
  for (const piece of pieces) await out.write(piece);
}
