/**
 * Serializes response descriptions onto a connection: status line with the standard reason,
 * validated header fields, Date, framing (Content-Length or chunked), and the body — no body for
 * HEAD, 1xx, 204 and 304 (RFC 9110 §6.4.1, RFC 9112 §6.3). Small responses leave in one write,
 * and pipelined ones are gathered until the connection flushes.
 *
 * This module must not know routes or how requests are read.
 * @module
 */

import { discardBody } from "./discard_body.ts";
import { FileBuffers } from "./file_buffers.ts";
import { sendFileBody } from "./file_sender.ts";
import { sendStreamBody } from "./stream_sender.ts";
import { OutputBuffer } from "./output_buffer.ts";
import { serverAndDateLines, statusLine } from "./response_head.ts";
import { type ByteSink, SinkWriter, type WriteClock } from "./sink_writer.ts";
import type { Limits } from "./limits.ts";
import type { FileBody, HttpResponse, StreamBody } from "./types.ts";

export type { ByteSink, WriteClock } from "./sink_writer.ts";

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
const DONE: Promise<void> = Promise.resolve();
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
const CONNECTION_UPGRADE = ascii("Connection: Upgrade\r\n");
/**
 * The same options with `Upgrade` added, for an answer that carries an Upgrade field (a 426, or
 * an offer): RFC 9110 §7.8, "a sender of Upgrade MUST also send an upgrade connection option".
 */
const CLOSE_UPGRADE_LINE = ascii("Connection: close, Upgrade\r\n");
const KEEP_ALIVE_UPGRADE_LINE = ascii("Connection: keep-alive, Upgrade\r\n");

/** Whether `status` forbids a body: 1xx, 204, 304 (RFC 9110 §15). */
function bodyless(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

/** Writes responses to one connection, owning its output buffer. */
export class ResponseWriter {
  #sink: SinkWriter;
  #limits: Limits;
  #out: OutputBuffer;
  /** Made on the first file response: a connection that sends none never allocates it. */
  #fileBufs: FileBuffers | null = null;
  #syncOutcome: WriteOutcome = { bodyBytes: 0, mustClose: false };
  /** `#sink.bytesWritten` when the body being sent on its own began; -1 when there is none. */
  #bodyFrom = -1;
  /** Whether that body is a stream, whose progress `sendStreamBody` keeps in `#streamProgress`. */
  #streaming = false;
  #streamProgress = { flushedBytes: 0 };

  /** @param clock told before and after each write, to time it (see `WriteClock`) */
  constructor(sink: ByteSink, limits: Limits, clock?: WriteClock) {
    // A background flush that got out gives the output buffer back.
    this.#sink = new SinkWriter(sink, clock, () => this.release());
    this.#limits = limits;
    this.#out = new OutputBuffer(limits.writeBufferBytes);
  }

  /** Gives the output buffers back while the connection is idle (nothing may be pending). */
  release(): void {
    if (this.#out.length !== 0) return;
    this.#out.release();
    this.#fileBufs?.release();
  }

  /** Lets go of every buffer, pending output included: the connection is gone. */
  dispose(): void {
    // The output buffer goes back to the pool unless a write may still be reading it.
    if (!this.#sink.inFlight) {
      this.#out.truncate(0);
      this.#out.release();
    }
    this.#out.dispose();
    this.#fileBufs?.release();
  }

  /**
   * Body bytes of the response being written that have gone out so far, for the access log of a
   * response cut short (a client gone mid-download). Exact for a file or a large byte body; for a
   * stream, the content of the pieces whose flush completed (chunk framing is not counted). 0
   * for a body gathered with its head.
   */
  get bodySent(): number {
    if (this.#bodyFrom < 0) return 0;
    if (this.#streaming) return this.#streamProgress.flushedBytes;
    return this.#sink.bytesWritten - this.#bodyFrom;
  }

  /** Bytes gathered and not yet written. */
  get pending(): number {
    return this.#out.length;
  }

  /** Writes everything gathered so far. */
  flush(): Promise<void> {
    if (this.#out.length === 0) return DONE;
    return this.#sink.writeAll(this.#out.take());
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
    this.#sink.writeInBackground(this.#out.take());
  }

  /** Whether a background flush is still going, or ended in a failure not yet reported. */
  get writing(): boolean {
    return this.#sink.writing;
  }

  /** Waits for the background flush; throws what made it fail. */
  settle(): Promise<void> {
    return this.#sink.settle();
  }

  /** Sends `100 Continue` now (after anything gathered before it). */
  writeContinue(): Promise<void> {
    this.#out.append(CONTINUE_BYTES);
    return this.flush();
  }

  /**
   * Sends an interim response now (after anything gathered before it): status line, `fields`,
   * the empty line — no Date, Server or framing (RFC 9110 §15.2: a 1xx has no content). Throws
   * `HttpError("internal")` with nothing gathered for a field that is not a valid line.
   */
  writeInterim(status: number, fields: Array<[string, string]>): Promise<void> {
    const out = this.#out;
    const start = out.length;
    try {
      out.append(statusLine(status));
      out.appendFields(fields);
      out.append(CRLF);
    } catch (err) {
      out.truncate(start);
      throw err;
    }
    return this.flush();
  }

  /**
   * Sends `101 Switching Protocols` (RFC 9110 §15.2.2) with `fields`, `Connection: Upgrade` and
   * the Date: the last HTTP bytes of the connection. Throws `HttpError("internal")` with nothing
   * gathered for a field that is not a valid line.
   */
  writeSwitch(fields: Array<[string, string]>, now: number): Promise<void> {
    this.#bodyFrom = -1;
    const out = this.#out;
    const start = out.length;
    try {
      out.append(statusLine(101));
      out.append(serverAndDateLines(now));
      out.appendFields(fields);
      out.append(CONNECTION_UPGRADE);
      out.append(CRLF);
    } catch (err) {
      out.truncate(start);
      throw err;
    }
    return this.flush();
  }

  /**
   * Writes `bytes` straight to the connection, after anything gathered (no copy into the output
   * buffer: for a protocol that took the connection over, whose frames are already whole).
   */
  writeDirect(bytes: Uint8Array): Promise<void> {
    if (this.#out.length !== 0) return this.flush().then(() => this.#sink.writeAll(bytes));
    return this.#sink.writeAll(bytes);
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
    this.#bodyFrom = -1;
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
    else if (!noBody && !(ctx.head && res.contentLength === null)) {
      length = res.contentLength ?? 0;
    }

    const chunked = !noBody && length === undefined && !ctx.http10 && !ctx.head;
    const mustClose = !noBody && length === undefined && !chunked && !ctx.head;
    const keepAlive = ctx.keepAlive && !mustClose;

    const out = this.#out;
    const start = out.length;
    try {
      out.append(statusLine(status));
      const upgrade = res.headers !== undefined && out.appendFields(res.headers);
      out.append(serverAndDateLines(ctx.now ?? Date.now()));
      if (status >= 200 && status !== 204) {
        if (length !== undefined && (status !== 304 || res.contentLength !== undefined)) {
          out.appendContentLength(length);
        } else if (chunked) out.append(CHUNKED_LINE);
      }
      if (!keepAlive) out.append(upgrade ? CLOSE_UPGRADE_LINE : CLOSE_LINE);
      else if (ctx.http10) out.append(upgrade ? KEEP_ALIVE_UPGRADE_LINE : KEEP_ALIVE_LINE);
      else if (upgrade) out.append(CONNECTION_UPGRADE);
      out.append(CRLF);
    } catch (err) {
      out.truncate(start); // drop the half-built head; the caller answers 500 instead
      discardBody(body).catch(() => {});
      throw err;
    }

    if (noBody || ctx.head || body === null) {
      if (bytes !== null || body === null || ascii) return this.#outcome(0, mustClose);
      return discardBody(body).then(() => ({ bodyBytes: 0, mustClose }));
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
      return this.flush().then(() => {
        this.#startBody(false);
        return this.#sink.writeAll(large);
      }).then(() => outcome);
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
      await discardBody(body).catch(() => {});
      throw err;
    }
    this.#startBody(body.kind === "stream");
    const sent = body.kind === "file"
      ? await this.#sendFile(body)
      : await this.#sendStream(body, chunked);
    return { bodyBytes: sent, mustClose };
  }

  /** Marks where the body sent on its own begins, for {@link bodySent}; the head is out. */
  #startBody(streaming: boolean): void {
    this.#bodyFrom = this.#sink.bytesWritten;
    this.#streaming = streaming;
    this.#streamProgress.flushedBytes = 0;
  }

  async #sendFile(body: FileBody): Promise<number> {
    this.#fileBufs ??= new FileBuffers();
    const buffers = this.#fileBufs.pair(Math.min(this.#limits.fileChunkBytes, body.length));
    return await sendFileBody(body, buffers, (bytes) => this.#sink.writeAll(bytes));
  }

  #sendStream(body: StreamBody, chunked: boolean): Promise<number> {
    const flushAt = this.#limits.maxCoalesceBytes;
    return sendStreamBody(
      body,
      chunked,
      this.#out,
      flushAt,
      () => this.flush(),
      this.#streamProgress,
    );
  }
}
