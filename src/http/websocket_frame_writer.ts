/**
 * The outgoing side of a WebSocket session: server frames queued in order and written in
 * batches, one write after the other. Small frames are written straight into a reused cork
 * buffer, so an echo of many small messages costs one write per batch, not one per message;
 * a sender is held back only while too much of what it sent is still unwritten (backpressure
 * from a client that stops reading). One write is on its way at a time: what is flushed meanwhile
 * waits and goes out in the next write, all of it together.
 *
 * The unwritten output is counted as the memory it holds, not as frame bytes: a cork sealed with
 * a few frames in it is held whole until it is written. Counted as frame bytes, a client that
 * stopped reading made every flush (one per read of the echo) pin a 64 KiB cork for ~8 KiB of
 * frames: ~8 MiB per session under a 1 MiB limit (docs/memory.md).
 *
 * This module decides when queued frames go out and which memory they reuse. It must not know
 * messages, session state or the close handshake: whether a frame may still be sent is the
 * session's call.
 * @module
 */

import type { BufferedReader } from "./buffered_reader.ts";
import { WEBSOCKET_MAX_FRAGMENT_BYTES } from "./limits.ts";
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
/**
 * Largest frame kept for reuse: a default fragment with its header. Frames of a larger
 * `max_fragment_size` (up to 16 MiB) are left to the collector, so spares hold at most ~256 KiB.
 */
const MAX_SPARE_FRAME_BYTES = WEBSOCKET_MAX_FRAGMENT_BYTES +
  frameHeaderBytes(WEBSOCKET_MAX_FRAGMENT_BYTES);
/** A sender waits while unwritten output holds this much memory. */
export const MAX_UNWRITTEN_BYTES = 1024 * 1024;
const RESOLVED: Promise<void> = Promise.resolve();
const ignore = () => {};

/** Server frames on their way to one connection; see the module doc. */
export class WebSocketFrameWriter {
  #out: FrameOutput;
  /** The write on its way (it settles once its pieces are out), or null. */
  #writing: Promise<void> | null = null;
  /** A write asked for while one is on its way: it takes everything queued once that one ends. */
  #next: PromiseWithResolvers<void> | null = null;
  /** The cork buffer being filled with frames, and how far. */
  #cork: Uint8Array | null = null;
  #corkAt = 0;
  /** Cork buffers written and free again. */
  #spareCorks: Uint8Array[] = [];
  /** Sealed pieces waiting to go out (filled corks, large frames), and the corks among them. */
  #queue: Uint8Array[] = [];
  #queuedCorks: Uint8Array[] = [];
  /** Memory waiting to go out: the queue's (a sealed cork counts whole) and the cork's frames. */
  #queued = 0;
  /** Memory of the write on its way (its pieces, sealed corks counted whole). */
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

  /**
   * Moves what the cork holds to the queue. The cork is the queue's until it is written, all of
   * it, so its unused room is counted too.
   */
  #seal(): void {
    const cork = this.#cork;
    if (cork === null || this.#corkAt === 0) return;
    this.#queue.push(cork.subarray(0, this.#corkAt));
    this.#queuedCorks.push(cork);
    this.#queued += cork.length - this.#corkAt;
    this.#cork = null;
    this.#corkAt = 0;
  }

  /**
   * Memory the unwritten output holds: what waits in the queue and the cork, and the write on its
   * way. A sender waits once it reaches `MAX_UNWRITTEN_BYTES`.
   */
  get unwrittenBytes(): number {
    return this.#queued + this.#unwritten;
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

  /**
   * Writes everything queued, after every earlier write; resolves when it is out. With a write on
   * its way, the queue waits for it and then goes out whole in one write: a write per flush would
   * pin a cork per flush while the client does not read.
   */
  #flush(): Promise<void> {
    const writing = this.#writing;
    if (writing !== null) {
      // The cork keeps filling (sealed now, it would go out a few frames in a 64 KiB cork).
      if (this.#queued === 0) return writing;
      return (this.#next ??= Promise.withResolvers<void>()).promise;
    }
    this.#seal();
    if (this.#queue.length === 0) return RESOLVED;
    return this.#write();
  }

  /** Starts the write of everything queued (no write is on its way). */
  #write(): Promise<void> {
    const q = this.#queue;
    const corks = this.#queuedCorks;
    this.#queue = [];
    this.#queuedCorks = [];
    this.#unwritten = this.#queued;
    this.#queued = 0;
    const out = this.#out;
    const writing = (q.length === 1 ? out.write(q[0]) : writeEach(out, q)).then(() => {
      this.#reuse(q, corks);
      this.#written();
    }, (err) => {
      this.#written();
      throw err;
    });
    writing.catch(ignore);
    this.#writing = writing;
    return writing;
  }

  /** The memory written goes back: corks for the next batch, large frames for their size. */
  #reuse(pieces: readonly Uint8Array[], corks: readonly Uint8Array[]): void {
    for (const cork of corks) {
      if (this.#spareCorks.length < SPARE_CORKS) this.#spareCorks.push(cork);
    }
    if (pieces.length === corks.length) return;
    for (const piece of pieces) {
      if (this.#spareFrames.length >= SPARE_FRAMES) return;
      const size = piece.length;
      if (size < REUSED_FRAME_BYTES || size > MAX_SPARE_FRAME_BYTES) continue;
      if (corks.some((cork) => cork.buffer === piece.buffer)) continue;
      this.#spareFrames.push(piece);
    }
  }

  /** The write on its way has ended: the write asked for meanwhile starts. */
  #written(): void {
    this.#writing = null;
    this.#unwritten = 0;
    const next = this.#next;
    if (next === null) return;
    this.#next = null;
    this.#seal();
    if (this.#queue.length === 0) next.resolve();
    else this.#write().then(next.resolve, next.reject);
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

  /**
   * Drops the pending flush timer and what is queued, spares included: the session has closed its
   * socket, and a handler may keep the session object long after.
   */
  stop(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#queue = [];
    this.#queuedCorks = [];
    this.#queued = 0;
    this.#cork = null;
    this.#corkAt = 0;
    this.#spareCorks = [];
    this.#spareFrames = [];
  }
}

/** Writes `pieces` one after the other. */
async function writeEach(out: FrameOutput, pieces: readonly Uint8Array[]): Promise<void> {
  for (const piece of pieces) await out.write(piece);
}
