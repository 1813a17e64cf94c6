/**
 * Request bodies as read-once streams over the connection's reader: none, Content-Length, or
 * chunked (RFC 9112 §6.3). Each read arms the body-idle clock and the first read sends
 * `100 Continue` when the client asked for it (RFC 9110 §10.1.1).
 *
 * This module must not know routes or sockets: the connection passes in a small `BodyHooks`.
 * @module
 */

import type { BodyFraming } from "./body_framing.ts";
import { type BufferBudget, heldBodies, largeBuffers } from "./buffer_budget.ts";
import { ByteCollector } from "./byte_collector.ts";
import type { BufferedReader } from "./buffered_reader.ts";
import { ChunkedDecoder } from "./chunked.ts";
import { HttpError } from "./errors.ts";
import type { HeaderFields } from "./header_fields.ts";
import type { Limits } from "./limits.ts";
import type { ChunkInfo, RequestBody } from "./types.ts";

/** What a body needs from its connection. */
export interface BodyHooks {
  /** Called once before the first byte is read (sends `100 Continue` when expected). */
  beforeFirstRead(): Promise<void>;
  /** Arms the body-idle clock before a read may wait on the network. */
  armBodyTimeout(): void;
  /** Disarms it after the read. */
  disarmBodyTimeout(): void;
  /** Whether the body-idle clock fired (a failed read then reports a timeout). */
  timedOut(): boolean;
}

/** The body of a request that has none. */
export class EmptyBody implements RequestBody {
  readonly length = 0;
  readonly chunked = false;
  readonly bytesRead = 0;
  readonly done = true;
  readonly started = false;
  readonly trailers = null;
  readonly chunks = null;
  readonly chunkCount = 0;
  /** Always the end. */
  read(): Promise<Uint8Array | null> {
    return Promise.resolve(null);
  }
}

/** A shared empty body: it has no state to keep per request. */
export const EMPTY_BODY: RequestBody = new EmptyBody();

/** A body of exactly `length` bytes (Content-Length, RFC 9112 §6.2). */
export class LengthBody implements RequestBody {
  readonly length: number;
  readonly chunked = false;
  readonly trailers = null;
  readonly chunks = null;
  readonly chunkCount = 0;
  #reader: BufferedReader;
  #hooks: BodyHooks;
  #remaining: number;
  #started = false;
  #big: Uint8Array | null = null;
  #bigBytes: number;
  #budget: BufferBudget;
  /** Whether the big buffer is charged to the budget (given back by `release`). */
  #charged = false;
  /** Bytes the handler holds, charged to `heldBodies` (given back by `release`). */
  #held = 0;

  /**
   * @param bigReadBytes bodies with more than this left are read straight from the socket into a
   *   buffer of this size (fewer, larger reads for uploads), while `budget` can cover it
   */
  constructor(
    reader: BufferedReader,
    length: number,
    hooks: BodyHooks,
    bigReadBytes: number,
    budget: BufferBudget = largeBuffers,
  ) {
    this.#reader = reader;
    this.length = length;
    this.#remaining = length;
    this.#hooks = hooks;
    this.#bigBytes = bigReadBytes;
    this.#budget = budget;
  }

  /**
   * Lets go of the big read buffer and gives it back to the budget; the connection calls it when
   * the exchange ends, whether or not the body was read to its end. Safe to call more than once.
   */
  release(): void {
    this.#big = null;
    if (this.#charged) this.#budget.release(this.#bigBytes);
    this.#charged = false;
    this.#held = releaseHeld(this.#held);
  }

  /** See `RequestBody.hold`. */
  hold(bytes: number): boolean {
    if (!heldBodies.acquire(bytes)) return false;
    this.#held += bytes;
    return true;
  }

  /** Bytes delivered so far. */
  get bytesRead(): number {
    return this.length - this.#remaining;
  }

  /** Whether every declared byte has been delivered. */
  get done(): boolean {
    return this.#remaining === 0;
  }

  /** Whether reading started. */
  get started(): boolean {
    return this.#started;
  }

  /** The next piece (a view valid until the next call), or null at the end. */
  async read(): Promise<Uint8Array | null> {
    if (this.#remaining === 0) return null;
    if (!this.#started) {
      this.#started = true;
      await this.#hooks.beforeFirstRead();
    }
    const reader = this.#reader;
    let piece = reader.take(this.#remaining);
    if (piece === null) {
      this.#hooks.armBodyTimeout();
      try {
        // Plain socket reads (see `fillKeeping`): at end of stream the socket stays open for
        // the 400 that says the body ended early.
        if (this.#remaining > this.#bigBytes && this.#bigBuffer() !== null) {
          // Large remainder: read straight into a big buffer, skipping the small head buffer.
          piece = await reader.readInto(this.#big!, true);
          // A source without plain reads transferred the buffer: adopt its new memory.
          if (piece !== null && piece.buffer !== this.#big!.buffer) {
            this.#big = new Uint8Array(piece.buffer as ArrayBuffer);
          }
        } else if (await reader.fillKeeping()) {
          piece = reader.take(this.#remaining);
        }
      } catch (err) {
        throw this.#failure(err);
      } finally {
        this.#hooks.disarmBodyTimeout();
      }
      if (piece === null) throw this.#failure(null);
    }
    this.#remaining -= piece.length;
    return piece;
  }

  /**
   * The next bytes into the caller's `view` (see `RequestBody.readInto`): buffered bytes are
   * copied, otherwise the socket reads straight into `view` with no copy at all. The read is a
   * plain one whenever the connection offers it, so `keep` is always met (and the socket stays
   * open at end of stream for the 400, see `BufferedReader.fillKeeping`).
   */
  async readInto(view: Uint8Array, _keep = false): Promise<Uint8Array | null> {
    if (this.#remaining === 0) return null;
    if (view.length === 0) throw new RangeError("Cannot read a body into an empty view");
    if (!this.#started) {
      this.#started = true;
      await this.#hooks.beforeFirstRead();
    }
    const target = view.length > this.#remaining ? view.subarray(0, this.#remaining) : view;
    let piece: Uint8Array | null;
    this.#hooks.armBodyTimeout();
    try {
      piece = await this.#reader.readInto(target, true);
    } catch (err) {
      throw this.#failure(err);
    } finally {
      this.#hooks.disarmBodyTimeout();
    }
    if (piece === null) throw this.#failure(null);
    this.#remaining -= piece.length;
    return piece;
  }

  /**
   * The big read buffer, made once per body while the process-wide budget covers it; null past
   * the budget, and the body is read through the connection's small buffer instead. Without the
   * charge, every connection sending a large body to a handler that reads pieces (`/anything`,
   * WebDAV XML, multipart) held 256 KiB of its own: 4,096 of them, a gigabyte.
   */
  #bigBuffer(): Uint8Array | null {
    if (this.#big === null && this.#budget.acquire(this.#bigBytes)) {
      this.#charged = true;
      this.#big = new Uint8Array(this.#bigBytes);
    }
    return this.#big;
  }

  #failure(err: unknown): HttpError {
    if (err instanceof HttpError) return err;
    return new HttpError(this.#hooks.timedOut() ? "bodyTimeout" : "clientGone");
  }
}

/** A chunked body (RFC 9112 §7.1), decoded as it is read. */
export class ChunkedBody implements RequestBody {
  readonly length = null;
  readonly chunked = true;
  #decoder: ChunkedDecoder;
  #hooks: BodyHooks;
  #started = false;

  /** Bytes the handler holds, charged to `heldBodies` (given back by `release`). */
  #held = 0;

  constructor(reader: BufferedReader, limits: Limits, hooks: BodyHooks) {
    this.#decoder = new ChunkedDecoder(reader, limits);
    this.#hooks = hooks;
  }

  /** See `RequestBody.hold`. */
  hold(bytes: number): boolean {
    if (!heldBodies.acquire(bytes)) return false;
    this.#held += bytes;
    return true;
  }

  /** Gives back what the handler held; the connection calls it when the exchange ends. */
  release(): void {
    this.#held = releaseHeld(this.#held);
  }

  /** Decoded bytes delivered so far. */
  get bytesRead(): number {
    return this.#decoder.bytesDecoded;
  }

  /** Whether the last chunk and the trailers have been read. */
  get done(): boolean {
    return this.#decoder.done;
  }

  /** Whether reading started. */
  get started(): boolean {
    return this.#started;
  }

  /** Trailer fields, once done. */
  get trailers(): HeaderFields | null {
    return this.#decoder.trailers;
  }

  /** Chunk-size lines seen so far (bounded by `maxChunkRecords`). */
  get chunks(): readonly ChunkInfo[] {
    return this.#decoder.chunks;
  }

  /** Every chunk seen so far, recorded or not. */
  get chunkCount(): number {
    return this.#decoder.chunkCount;
  }

  /** See `RequestBody.limitTo`. */
  limitTo(maxBytes: number): void {
    this.#decoder.limitTo(maxBytes);
  }

  /** The next decoded piece (a view valid until the next call), or null at the end. */
  async read(): Promise<Uint8Array | null> {
    if (!this.#started) {
      this.#started = true;
      await this.#hooks.beforeFirstRead();
    }
    if (this.#decoder.done) return null;
    this.#hooks.armBodyTimeout();
    try {
      return await this.#decoder.read();
    } catch (err) {
      if (err instanceof HttpError && err.kind !== "clientGone") throw err;
      throw new HttpError(this.#hooks.timedOut() ? "bodyTimeout" : "clientGone");
    } finally {
      this.#hooks.disarmBodyTimeout();
    }
  }
}

/**
 * The body `framing` describes, read from `reader` under `limits` (no body: the shared empty one).
 */
export function requestBody(
  framing: BodyFraming,
  reader: BufferedReader,
  limits: Limits,
  hooks: BodyHooks,
): RequestBody {
  if (framing.kind === "none") return EMPTY_BODY;
  if (framing.kind === "length") {
    return new LengthBody(reader, framing.length, hooks, limits.bodyReadBufferBytes);
  }
  return new ChunkedBody(reader, limits, hooks);
}

/**
 * Reads a whole body into one array, refusing more than `maxBytes` with `contentTooLarge`.
 * For handlers that need the body at once (JSON, forms); everything else should stream.
 */
export async function readBodyBytes(body: RequestBody, maxBytes: number): Promise<Uint8Array> {
  if (body.length !== null && body.length > maxBytes) throw new HttpError("contentTooLarge");
  body.limitTo?.(maxBytes);
  // One buffer however the body is cut: a piece kept apart per chunk cost hundreds of bytes for
  // each 1-byte chunk (see byte_collector.ts).
  const collected = new ByteCollector();
  for (let piece = await body.read(); piece !== null; piece = await body.read()) {
    if (collected.length + piece.length > maxBytes) throw new HttpError("contentTooLarge");
    // Past the process-wide budget for bodies held whole: 503, try again (RFC 9110 §15.6.4).
    if (body.hold !== undefined && !body.hold(piece.length)) throw new HttpError("bodiesBusy");
    collected.append(piece);
  }
  return collected.bytes();
}

/** Reads and discards up to `maxBytes` of what is left of `body`; true when it reached the end. */
export async function drainBody(body: RequestBody, maxBytes: number): Promise<boolean> {
  let left = maxBytes;
  if (body.length !== null && body.length - body.bytesRead > maxBytes) return false;
  while (!body.done) {
    const piece = await body.read();
    if (piece === null) return true;
    left -= piece.length;
    if (left < 0) return false;
  }
  return true;
}

/** Gives `held` bytes back to `heldBodies`; returns 0 (what is held afterwards). */
function releaseHeld(held: number): number {
  if (held > 0) heldBodies.release(held);
  return 0;
}
