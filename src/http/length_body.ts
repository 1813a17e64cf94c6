/**
 * A request body of exactly its Content-Length (RFC 9112 §6.2), read once over the connection's
 * reader: buffered bytes first, then plain socket reads, a large remainder straight into a big
 * buffer charged to the process-wide budget. Each read arms the body-idle clock; a stream that
 * ends before the declared length is a failure, not an end.
 *
 * This module must not know routes, sockets or clocks: the connection passes in `BodyHooks`.
 * @module
 */

import type { BodyHooks } from "./body_hooks.ts";
import { type BufferBudget, heldBodies, largeBuffers } from "./buffer_budget.ts";
import type { BufferedReader } from "./buffered_reader.ts";
import { HttpError } from "./errors.ts";
import type { RequestBody } from "./types.ts";

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
    if (this.#held > 0) heldBodies.release(this.#held);
    this.#held = 0;
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
