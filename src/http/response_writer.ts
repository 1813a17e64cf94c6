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
import { sendFileBody } from "./file_sender.ts";
import { largeBuffers } from "./buffer_budget.ts";
import { OutputBuffer } from "./output_buffer.ts";
import { serverAndDateLines, statusLine } from "./response_head.ts";
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
const CLOSE_LINE = ascii("Connection: close\r\n");
const KEEP_ALIVE_LINE = ascii("Connection: keep-alive\r\n");
const CHUNKED_LINE = ascii("Transfer-Encoding: chunked\r\n");
const CONTINUE_BYTES = ascii("HTTP/1.1 100 Continue\r\n\r\n");
const CRLF = ascii("\r\n");

/** Whether `status` forbids a body: 1xx, 204, 304 (RFC 9110 §15). */
function bodyless(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

/** Writes responses to one connection, owning its output buffer. */
export class ResponseWriter {
  #sink: ByteSink;
  #limits: Limits;
  #out: OutputBuffer;
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
    this.#out = new OutputBuffer(limits.writeBufferBytes);
  }

  /** Gives the output buffers back while the connection is idle (nothing may be pending). */
  release(): void {
    if (this.#out.length !== 0) return;
    this.#out.release();
    this.#dropFileBuffers();
  }

  /** Lets go of every buffer, pending output included: the connection is gone. */
  dispose(): void {
    // The output buffer goes back to the pool unless a write may still be reading it.
    if (this.#background === null) {
      this.#out.truncate(0);
      this.#out.release();
    }
    this.#out.dispose();
    this.#dropFileBuffers();
  }

  /** Bytes gathered and not yet written. */
  get pending(): number {
    return this.#out.length;
  }

  /** Writes everything gathered so far. */
  flush(): Promise<void> {
    if (this.#out.length === 0) return DONE;
    return this.#writeAll(this.#out.take());
  }

  /**
   * Starts writing everything gathered, without the write clock (the caller's idle clock covers
   * a client that stops reading), and gives the output buffer back once it is out. `writing`
   * says whether it is still going; `settle` waits for it and reports its failure.
   */
  flushInBackground(): void {
    if (this.#out.length === 0) {
      this.release();
      return;
    }
    const bytes = this.#out.take();
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
    this.#out.append(CONTINUE_BYTES);
    return this.flush();
  }

  /** Gathers raw bytes (a canned error response) and flushes them. */
  writeRaw(bytes: Uint8Array): Promise<void> {
    this.#out.append(bytes);
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

    const out = this.#out;
    const start = out.length;
    try {
      out.append(statusLine(status));
      if (res.headers !== undefined) out.appendFields(res.headers);
      out.append(serverAndDateLines(ctx.now ?? Date.now()));
      if (status >= 200 && status !== 204) {
        if (length !== undefined && (status !== 304 || res.contentLength !== undefined)) {
          out.appendContentLength(length);
        } else if (chunked) out.append(CHUNKED_LINE);
      }
      if (!keepAlive) out.append(CLOSE_LINE);
      else if (ctx.http10) out.append(KEEP_ALIVE_LINE);
      out.append(CRLF);
    } catch (err) {
      out.truncate(start); // drop the half-built head; the caller answers 500 instead
      discard(body).catch(() => {});
      throw err;
    }

    if (noBody || ctx.head || body === null) {
      if (bytes !== null || body === null || ascii) return this.#outcome(0, mustClose);
      return discard(body).then(() => ({ bodyBytes: 0, mustClose }));
    }
    if (ascii) {
      out.appendAscii(body as string);
      return this.#outcome(length!, mustClose);
    }
    if (bytes !== null) {
      if (out.fits(bytes.length)) {
        out.append(bytes);
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
      const out = this.#out;
      if (chunked) {
        out.append(chunkHeader(piece.length));
        out.append(piece);
        out.append(CHUNK_END);
      } else out.append(piece);
      if (body.flush || out.length >= this.#limits.maxCoalesceBytes) await this.flush();
    }
    if (limit !== undefined && sent !== limit) {
      throw new Error("stream shorter than its announced length");
    }
    if (chunked) this.#out.append(LAST_CHUNK);
    await this.flush();
    return sent;
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
