/**
 * The bytes a connection gathers before a write: one pooled buffer, appended to by the response
 * writer and handed to the socket whole. Only a connection with output in hand holds one, so a
 * thousand idle keep-alive connections hold none.
 *
 * This module must not know about sockets or HTTP semantics beyond encoding a field line.
 * @module
 */

import { encodeFieldValue, fieldNamePrefix } from "./response_head.ts";

const EMPTY = new Uint8Array(0);
const CR = 0x0d, LF = 0x0a, DIGIT_0 = 0x30;
const CRLF_BYTES = 2;
const DECIMAL_BASE = 10;
/** Pieces up to this long are copied by a loop: cheaper than the fixed cost of `set`. */
const SHORT_APPEND_BYTES = 48;
const CONTENT_LENGTH_PREFIX = new TextEncoder().encode("Content-Length: ");
const UPGRADE_NAME = "upgrade";
/** Digits of the largest safe integer: room enough for any length. */
const MAX_LENGTH_DIGITS = 16;

/** Free buffers of the standard size, shared by every connection. */
const freeBuffers: Uint8Array[] = [];
const MAX_FREE_BUFFERS = 256;

/** A growable byte buffer taken from (and given back to) a shared pool. */
export class OutputBuffer {
  #out: Uint8Array = EMPTY;
  #len = 0;
  #sizeBytes: number;

  /** @param sizeBytes the standard buffer size (pooled); larger output grows a private one */
  constructor(sizeBytes: number) {
    this.#sizeBytes = sizeBytes;
  }

  /** Bytes gathered. */
  get length(): number {
    return this.#len;
  }

  /** Whether `n` more bytes fit without growing. */
  fits(n: number): boolean {
    return this.#len + n <= this.#out.length;
  }

  /**
   * The bytes gathered, as a view, and the buffer emptied. The view stays valid until the next
   * append: write it out before gathering more.
   */
  take(): Uint8Array {
    const n = this.#len;
    this.#len = 0;
    return this.#out.subarray(0, n);
  }

  /** Drops what was gathered past `length` (a head that failed half-way). */
  truncate(length: number): void {
    this.#len = Math.min(this.#len, length);
  }

  /** Gives the buffer back to the pool; only when nothing is gathered. */
  release(): void {
    if (this.#len !== 0) return;
    const out = this.#out;
    if (out.length === this.#sizeBytes && freeBuffers.length < MAX_FREE_BUFFERS) {
      freeBuffers.push(out);
    }
    this.#out = EMPTY;
  }

  /** Lets go of the buffer, gathered bytes included (the connection is gone). */
  dispose(): void {
    this.#len = 0;
    this.#out = EMPTY;
  }

  append(bytes: Uint8Array): void {
    const n = bytes.length;
    this.#reserve(n);
    const out = this.#out;
    const at = this.#len;
    if (n <= SHORT_APPEND_BYTES) {
      for (let i = 0; i < n; i++) out[at + i] = bytes[i];
    } else out.set(bytes, at);
    this.#len = at + n;
  }

  /**
   * Appends `n` bytes that `fill` writes into the view of them it is given (a file piece read
   * straight into the output); when `fill` throws, nothing is appended.
   */
  appendFilled(n: number, fill: (view: Uint8Array) => void): void {
    this.#reserve(n);
    const at = this.#len;
    fill(this.#out.subarray(at, at + n));
    this.#len = at + n;
  }

  /** Appends a string known to be ASCII, one char code per byte. */
  appendAscii(s: string): void {
    this.#reserve(s.length);
    const out = this.#out;
    let p = this.#len;
    for (let i = 0; i < s.length; i++) out[p++] = s.charCodeAt(i);
    this.#len = p;
  }

  /** Appends `Content-Length: n\r\n` without building a string for it. */
  appendContentLength(n: number): void {
    this.#reserve(CONTENT_LENGTH_PREFIX.length + MAX_LENGTH_DIGITS + CRLF_BYTES);
    const out = this.#out;
    out.set(CONTENT_LENGTH_PREFIX, this.#len);
    let p = this.#len + CONTENT_LENGTH_PREFIX.length;
    if (n < DECIMAL_BASE) out[p++] = DIGIT_0 + n;
    else {
      const digits = String(n);
      for (let i = 0; i < digits.length; i++) out[p++] = digits.charCodeAt(i);
    }
    out[p++] = CR;
    out[p++] = LF;
    this.#len = p;
  }

  /**
   * Appends handler fields, dropping those the writer owns (see `fieldNamePrefix`); returns
   * whether one was `Upgrade` (its connection option is the writer's to add). Throws
   * `HttpError("internal")` for an invalid name or value (`truncate` drops the partial head).
   */
  appendFields(fields: Array<[string, string]>): boolean {
    let upgrade = false;
    for (let f = 0; f < fields.length; f++) {
      const field = fields[f];
      const name = field[0];
      const prefix = fieldNamePrefix(name);
      if (prefix === null) continue;
      if (name.length === UPGRADE_NAME.length && name.toLowerCase() === UPGRADE_NAME) {
        upgrade = true;
      }
      const value = field[1];
      this.#reserve(prefix.length + value.length + CRLF_BYTES);
      const out = this.#out;
      const at = this.#len;
      for (let i = 0; i < prefix.length; i++) out[at + i] = prefix[i];
      this.#len = encodeFieldValue(out, at + prefix.length, value);
    }
    return upgrade;
  }

  #reserve(n: number): void {
    const need = this.#len + n;
    if (need <= this.#out.length) return;
    if (this.#out === EMPTY && need <= this.#sizeBytes) {
      const free = freeBuffers.pop();
      this.#out = free !== undefined && free.length === this.#sizeBytes
        ? free
        : new Uint8Array(this.#sizeBytes);
      return;
    }
    let size = Math.max(this.#out.length * 2, this.#sizeBytes);
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#out.subarray(0, this.#len));
    this.#out = grown;
  }
}
