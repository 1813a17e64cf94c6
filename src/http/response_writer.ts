/**
 * Serializes response descriptions onto a connection: status line with the standard reason,
 * validated header fields, Date, framing (Content-Length or chunked), and the body — no body for
 * HEAD, 1xx, 204 and 304 (RFC 9110 §6.4.1, RFC 9112 §6.3). Small responses leave in one write,
 * and pipelined ones are gathered until the connection flushes.
 *
 * This module must not know routes or how requests are read.
 * @module
 */

import { CHUNK_END, chunkHeader, LAST_CHUNK } from "./chunked.ts";
import { dateHeaderLine } from "./http_date.ts";
import { sendFileBody } from "./file_sender.ts";
import { largeBuffers } from "./buffer_budget.ts";
import { encodeFieldValue, fieldNamePrefix, statusLine } from "./response_head.ts";
import type { Limits } from "./limits.ts";
import type { FileBody, HttpResponse, StreamBody } from "./types.ts";

/** Where response bytes go: `Deno.Conn` fits. */
export interface ByteSink {
  /** Writes some of `p`, returning how many bytes were taken. */
  write(p: Uint8Array): Promise<number>;
}

/** Told around every write, so that a connection can put a deadline on it. */
export interface WriteClock {
  /** A write is about to wait on the client. */
  beforeWrite(): void;
  /** The write finished or failed. */
  afterWrite(): void;
}

/** How the request shapes its response. */
export interface ResponseContext {
  /** Whether the request was HEAD (headers only). */
  head: boolean;
  /** Whether the client speaks HTTP/1.0 (no chunked: unknown lengths end by closing). */
  http10: boolean;
  /** Whether the connection stays open after this response. */
  keepAlive: boolean;
  /**
   * When the response originates (ms since epoch) for its Date, if the caller already knows
   * (a connection answering a pipelined batch reads the clock once for all of it); else now.
   */
  now?: number;
}

/** What the writer did, for the connection's persistence decision and the access log. */
export interface WriteOutcome {
  /** Body bytes sent (0 for HEAD). */
  bodyBytes: number;
  /** The response could only be delimited by closing the connection (HTTP/1.0, unknown length). */
  mustClose: boolean;
}

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);
const DONE: Promise<void> = Promise.resolve();
/** File piece size when the shared budget for large buffers is spent. */
const SMALL_FILE_CHUNK_BYTES = 64 * 1024;
/** String bodies up to this many characters are checked for ASCII and written inline. */
const ASCII_INLINE_MAX = 4096;
const ASCII_MAX = 0x7f;

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > ASCII_MAX) return false;
  return true;
}
const ascii = (s: string) => encoder.encode(s);
const SERVER_LINE = ascii("Server: wireserve\r\n");
const CLOSE_LINE = ascii("Connection: close\r\n");
const KEEP_ALIVE_LINE = ascii("Connection: keep-alive\r\n");
const CHUNKED_LINE = ascii("Transfer-Encoding: chunked\r\n");
const CONTINUE_BYTES = ascii("HTTP/1.1 100 Continue\r\n\r\n");
const CRLF = ascii("\r\n");
const CRLF_BYTES = 2;
const SHORT_APPEND_BYTES = 48;
const CONTENT_LENGTH_PREFIX = ascii("Content-Length: ");
/** Digits of the largest safe integer: room enough for any length. */
const MAX_LENGTH_DIGITS = 16;
const DECIMAL_BASE = 10;
const DIGIT_0 = 0x30;

let dateLine: Uint8Array | null = null;
let serverAndDate = SERVER_LINE;

/** `Server` and `Date` as one piece of bytes, rebuilt when the date line changes (each second). */
function serverAndDateLines(now: number): Uint8Array {
  const date = dateHeaderLine(now);
  if (date !== dateLine) {
    dateLine = date;
    serverAndDate = new Uint8Array(SERVER_LINE.length + date.length);
    serverAndDate.set(SERVER_LINE);
    serverAndDate.set(date, SERVER_LINE.length);
  }
  return serverAndDate;
}

/**
 * Free output buffers. A connection holds one only while it has a response in hand, so a
 * thousand idle keep-alive connections hold none.
 */
const freeBuffers: Uint8Array[] = [];
const MAX_FREE_BUFFERS = 256;

/** Whether `status` forbids a body: 1xx, 204, 304 (RFC 9110 §15). */
function bodyless(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

/** Writes responses to one connection, owning its output buffer. */
export class ResponseWriter {
  #sink: ByteSink;
  #limits: Limits;
  #out: Uint8Array = EMPTY;
  #len = 0;
  #fileBufs: [Uint8Array, Uint8Array] | null = null;
  /** What the file buffers took from the shared budget (0 for small ones). */
  #fileBudgetBytes = 0;
  #clock: WriteClock | undefined;
  /** A flush started by `flushInBackground`, until it ends. */
  #background: Promise<void> | null = null;
  #backgroundBytes: Uint8Array = EMPTY;
  #backgroundError: { cause: unknown } | null = null;
  #syncOutcome: WriteOutcome = { bodyBytes: 0, mustClose: false };

  /** @param clock told before and after each write, to time it (see `WriteClock`) */
  constructor(sink: ByteSink, limits: Limits, clock?: WriteClock) {
    this.#sink = sink;
    this.#limits = limits;
    this.#clock = clock;
  }

  /** Gives the output buffers back while the connection is idle (nothing may be pending). */
  release(): void {
    if (this.#len !== 0) return;
    const out = this.#out;
    if (out.length === this.#limits.writeBufferBytes && freeBuffers.length < MAX_FREE_BUFFERS) {
      freeBuffers.push(out);
    }
    this.#out = EMPTY;
    this.#dropFileBuffers();
  }

  /** Lets go of every buffer, pending output included: the connection is gone. */
  dispose(): void {
    this.#len = 0;
    this.#out = EMPTY;
    this.#dropFileBuffers();
  }

  /** Bytes gathered and not yet written. */
  get pending(): number {
    return this.#len;
  }

  /** Writes everything gathered so far. */
  flush(): Promise<void> {
    if (this.#len === 0) return DONE;
    const n = this.#len;
    this.#len = 0;
    return this.#writeAll(this.#out.subarray(0, n));
  }

  /**
   * Starts writing everything gathered, without the write clock (the caller's idle clock covers
   * a client that stops reading), and gives the output buffer back once it is out. `writing`
   * says whether it is still going; `settle` waits for it and reports its failure.
   */
  flushInBackground(): void {
    const n = this.#len;
    if (n === 0) {
      this.release();
      return;
    }
    this.#len = 0;
    const bytes = this.#out.subarray(0, n);
    this.#backgroundBytes = bytes;
    this.#background = this.#sink.write(bytes).then(this.#backgroundWrote, this.#backgroundFailed);
  }

  // Bound once: a background flush per request allocates no closure.
  #backgroundWrote = (written: number): Promise<void> | void => {
    const bytes = this.#backgroundBytes;
    if (written >= bytes.length) return this.#backgroundDone();
    return this.#writeAll(bytes.subarray(written), false).then(
      this.#backgroundDone,
      this.#backgroundFailed,
    );
  };

  /** Whether a background flush is still going, or ended in a failure not yet reported. */
  get writing(): boolean {
    return this.#background !== null || this.#backgroundError !== null;
  }

  /** Waits for the background flush; throws what made it fail. */
  async settle(): Promise<void> {
    if (this.#background !== null) await this.#background;
    const error = this.#backgroundError;
    if (error !== null) {
      this.#backgroundError = null;
      throw error.cause;
    }
  }

  #backgroundDone = (): void => {
    this.#background = null;
    this.#backgroundBytes = EMPTY;
    this.release();
  };

  // Handled here, so that a flush nobody waits for (the connection died reading) never becomes
  // an unhandled rejection; `settle` rethrows it for whoever does wait.
  #backgroundFailed = (cause: unknown): void => {
    this.#background = null;
    this.#backgroundError = { cause };
  };

  /** Sends `100 Continue` now (after anything gathered before it). */
  writeContinue(): Promise<void> {
    this.#append(CONTINUE_BYTES);
    return this.flush();
  }

  /** Gathers raw bytes (a canned error response) and flushes them. */
  writeRaw(bytes: Uint8Array): Promise<void> {
    this.#append(bytes);
    return this.flush();
  }

  /**
   * Serializes `res`. A small known-length body is gathered with its head and nothing is awaited
   * (the caller flushes; the outcome returned then is reused by the next write, so read it
   * first); files and streams flush the head and go straight to the sink. Throws
   * `HttpError("internal")` (synchronously, with nothing gathered) when the head is invalid.
   */
  write(res: HttpResponse, ctx: ResponseContext): WriteOutcome | Promise<WriteOutcome> {
    const status = res.status;
    const body = res.body ?? null;
    const noBody = bodyless(status);
    let bytes: Uint8Array | null = null;
    let length: number | undefined;
    // A short ASCII string is copied straight into the output after the head: encoding it
    // apart would allocate an array per response.
    const ascii = typeof body === "string" && body.length <= ASCII_INLINE_MAX && isAscii(body);
    if (ascii) length = (body as string).length;
    else if (typeof body === "string") bytes = encoder.encode(body);
    else if (body instanceof Uint8Array) bytes = body;
    if (bytes !== null) length = bytes.length;
    else if (body !== null) length = body.length;
    else if (!noBody) length = res.contentLength ?? 0;

    const chunked = !noBody && length === undefined && !ctx.http10 && !ctx.head;
    const mustClose = !noBody && length === undefined && !chunked && !ctx.head;
    const keepAlive = ctx.keepAlive && !mustClose;

    const start = this.#len;
    try {
      this.#append(statusLine(status));
      if (res.headers !== undefined) this.#appendFields(res.headers);
      this.#append(serverAndDateLines(ctx.now ?? Date.now()));
      if (status >= 200 && status !== 204) {
        if (length !== undefined && (status !== 304 || res.contentLength !== undefined)) {
          this.#appendContentLength(length);
        } else if (chunked) this.#append(CHUNKED_LINE);
      }
      if (!keepAlive) this.#append(CLOSE_LINE);
      else if (ctx.http10) this.#append(KEEP_ALIVE_LINE);
      this.#append(CRLF);
    } catch (err) {
      this.#len = start; // drop the half-built head; the caller answers 500 instead
      discard(body).catch(() => {});
      throw err;
    }

    if (noBody || ctx.head || body === null) {
      if (bytes !== null || body === null || ascii) return this.#outcome(0, mustClose);
      return discard(body).then(() => ({ bodyBytes: 0, mustClose }));
    }
    if (ascii) {
      this.#appendAscii(body as string);
      return this.#outcome(length!, mustClose);
    }
    if (bytes !== null) {
      if (this.#len + bytes.length <= this.#out.length) {
        this.#append(bytes);
        return this.#outcome(bytes.length, mustClose);
      }
      const outcome = { bodyBytes: bytes.length, mustClose };
      const large = bytes;
      return this.flush().then(() => this.#writeAll(large)).then(() => outcome);
    }
    return this.#writePiecewise(body as FileBody | StreamBody, chunked, mustClose);
  }

  /** The outcome of a write done at once: one object per writer, valid until the next write. */
  #outcome(bodyBytes: number, mustClose: boolean): WriteOutcome {
    const outcome = this.#syncOutcome;
    outcome.bodyBytes = bodyBytes;
    outcome.mustClose = mustClose;
    return outcome;
  }

  async #writePiecewise(
    body: FileBody | StreamBody,
    chunked: boolean,
    mustClose: boolean,
  ): Promise<WriteOutcome> {
    try {
      await this.flush();
    } catch (err) {
      // The head never got out: the file or stream will not be read, release it now.
      await discard(body).catch(() => {});
      throw err;
    }
    const sent = body.kind === "file"
      ? await this.#sendFile(body)
      : await this.#sendStream(body, chunked);
    return { bodyBytes: sent, mustClose };
  }

  #dropFileBuffers(): void {
    largeBuffers.release(this.#fileBudgetBytes);
    this.#fileBudgetBytes = 0;
    this.#fileBufs = null;
  }

  async #sendFile(body: FileBody): Promise<number> {
    const size = Math.min(this.#limits.fileChunkBytes, body.length);
    if (this.#fileBufs === null || this.#fileBufs[0].length < size) {
      this.#dropFileBuffers();
      // Big buffers only while the shared budget lasts; past it, small ones still stream.
      const big = largeBuffers.acquire(2 * size);
      const bytes = big ? size : Math.min(size, SMALL_FILE_CHUNK_BYTES);
      this.#fileBufs = [new Uint8Array(bytes), new Uint8Array(bytes)];
      this.#fileBudgetBytes = big ? 2 * size : 0;
    }
    return await sendFileBody(body, this.#fileBufs, (bytes) => this.#writeAll(bytes));
  }

  async #sendStream(body: StreamBody, chunked: boolean): Promise<number> {
    let sent = 0;
    const limit = body.length;
    for await (const piece of body.stream) {
      if (piece.length === 0) continue;
      if (limit !== undefined && sent + piece.length > limit) {
        throw new Error("stream longer than its announced length");
      }
      sent += piece.length;
      if (chunked) {
        this.#append(chunkHeader(piece.length));
        this.#append(piece);
        this.#append(CHUNK_END);
      } else this.#append(piece);
      if (body.flush || this.#len >= this.#limits.maxCoalesceBytes) await this.flush();
    }
    if (limit !== undefined && sent !== limit) {
      throw new Error("stream shorter than its announced length");
    }
    if (chunked) this.#append(LAST_CHUNK);
    await this.flush();
    return sent;
  }

  /** Appends handler fields, dropping those the writer owns (see `fieldNamePrefix`). */
  #appendFields(fields: Array<[string, string]>): void {
    for (let f = 0; f < fields.length; f++) {
      const field = fields[f];
      const prefix = fieldNamePrefix(field[0]);
      if (prefix === null) continue;
      const value = field[1];
      this.#reserve(prefix.length + value.length + CRLF_BYTES);
      const out = this.#out;
      const at = this.#len;
      for (let i = 0; i < prefix.length; i++) out[at + i] = prefix[i];
      this.#len = encodeFieldValue(out, at + prefix.length, value);
    }
  }

  /** Appends `Content-Length: n\r\n` without building a string for it. */
  #appendContentLength(n: number): void {
    this.#reserve(CONTENT_LENGTH_PREFIX.length + MAX_LENGTH_DIGITS + CRLF_BYTES);
    const out = this.#out;
    out.set(CONTENT_LENGTH_PREFIX, this.#len);
    let p = this.#len + CONTENT_LENGTH_PREFIX.length;
    if (n < DECIMAL_BASE) out[p++] = DIGIT_0 + n;
    else {
      const digits = String(n);
      for (let i = 0; i < digits.length; i++) out[p++] = digits.charCodeAt(i);
    }
    out[p++] = 0x0d;
    out[p++] = 0x0a;
    this.#len = p;
  }

  #appendAscii(s: string): void {
    this.#reserve(s.length);
    const out = this.#out;
    let p = this.#len;
    for (let i = 0; i < s.length; i++) out[p++] = s.charCodeAt(i);
    this.#len = p;
  }

  #append(bytes: Uint8Array): void {
    const n = bytes.length;
    this.#reserve(n);
    const out = this.#out;
    const at = this.#len;
    // The pieces of a head are short: a loop beats the fixed cost of `set` for them.
    if (n <= SHORT_APPEND_BYTES) { for (let i = 0; i < n; i++) out[at + i] = bytes[i]; }
    else out.set(bytes, at);
    this.#len = at + n;
  }

  #reserve(n: number): void {
    const need = this.#len + n;
    if (need <= this.#out.length) return;
    if (this.#out === EMPTY && need <= this.#limits.writeBufferBytes) {
      const free = freeBuffers.pop();
      this.#out = free !== undefined && free.length === this.#limits.writeBufferBytes
        ? free
        : new Uint8Array(this.#limits.writeBufferBytes);
      return;
    }
    let size = Math.max(this.#out.length * 2, this.#limits.writeBufferBytes);
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#out.subarray(0, this.#len));
    this.#out = grown;
  }

  async #writeAll(bytes: Uint8Array, timed = true): Promise<void> {
    const clock = timed ? this.#clock : undefined;
    clock?.beforeWrite();
    try {
      let at = await this.#sink.write(bytes);
      while (at < bytes.length) at += await this.#sink.write(bytes.subarray(at));
    } finally {
      clock?.afterWrite();
    }
  }
}

/** Releases a body that will not be sent (HEAD, 304, an error before it). */
async function discard(body: HttpResponse["body"]): Promise<void> {
  if (body === null || body === undefined || typeof body === "string") return;
  if (body instanceof Uint8Array) return;
  if (body.kind === "file") {
    body.file.close();
    return;
  }
  const stream = body.stream as AsyncIterable<Uint8Array> & { cancel?: () => Promise<void> };
  if (typeof stream.cancel === "function") await stream.cancel().catch(() => {});
  else await stream[Symbol.asyncIterator]().return?.();
}
