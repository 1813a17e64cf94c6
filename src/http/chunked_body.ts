/**
 * A chunked request body (RFC 9112 §7.1) as a read-once stream: the `ChunkedDecoder` does the
 * framing, this body adds the connection's part — `100 Continue` before the first read, the
 * body-idle clock around each read, and a failed read told apart as a timeout or a client gone.
 *
 * This module must not know routes, sockets or clocks: the connection passes in `BodyHooks`.
 * @module
 */

import type { BodyHooks } from "./body_hooks.ts";
import { heldBodies } from "./buffer_budget.ts";
import type { BufferedReader } from "./buffered_reader.ts";
import { ChunkedDecoder } from "./chunked.ts";
import { HttpError } from "./errors.ts";
import type { HeaderFields } from "./header_fields.ts";
import type { Limits } from "./limits.ts";
import type { ChunkInfo, RequestBody } from "./types.ts";

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
    if (this.#held > 0) heldBodies.release(this.#held);
    this.#held = 0;
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

  /** See `RequestBody.keepRawTrailers`. */
  keepRawTrailers(): void {
    this.#decoder.keepRawTrailers();
  }

  /** See `RequestBody.rawTrailers`. */
  get rawTrailers(): Uint8Array | null {
    return this.#decoder.rawTrailers;
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
