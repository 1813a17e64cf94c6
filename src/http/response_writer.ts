/**
 * Serializes response descriptions onto a connection: status line with the standard reason,
 * validated header fields, Date, framing (Content-Length or chunked), and the body — no body for
 * HEAD, 1xx, 204, 205 and 304 (RFC 9110 §6.4.1, §15.3.6, RFC 9112 §6.3). Small responses leave in
 * one write, and pipelined ones are gathered until the connection flushes; a body too large for
 * that, a file or a stream goes out after its head through `BodySender` (`body_sender.ts`), and
 * interim heads are built by `interim_head.ts`.
 *
 * This module must not know routes or how requests are read.
 * @module
 */

import { BodySender } from "./body_sender.ts";
import { discardBody } from "./discard_body.ts";
import { readFileBodySync } from "./file_sender.ts";
import { HttpError } from "./errors.ts";
import { appendInterimHead, appendSwitchHead, CONTINUE_HEAD } from "./interim_head.ts";
import { OutputBuffer } from "./output_buffer.ts";
import type { ResponseContext, WriteOutcome } from "./response_context.ts";
import {
  CHUNKED_LINE,
  CLOSE_LINE,
  CLOSE_UPGRADE_LINE,
  CRLF,
  KEEP_ALIVE_LINE,
  KEEP_ALIVE_UPGRADE_LINE,
  serverAndDateLines,
  statusLine,
  UPGRADE_LINE,
} from "./response_head.ts";
import { type ByteSink, SinkWriter, type WriteClock } from "./sink_writer.ts";
import type { Limits } from "./limits.ts";
import type { FileBody, HttpResponse, StreamBody } from "./types.ts";

export type { ResponseContext, WriteOutcome } from "./response_context.ts";
export type { ByteSink, WriteClock } from "./sink_writer.ts";

const encoder = new TextEncoder();
const DONE: Promise<void> = Promise.resolve();
/** String bodies up to this many characters are checked for ASCII and written inline. */
const ASCII_INLINE_MAX = 4096;
const ASCII_MAX = 0x7f;

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > ASCII_MAX) return false;
  return true;
}

const RESET_CONTENT = 205;

/**
 * Whether `status` forbids content: 1xx, 204, 304 (RFC 9110 §15), and 205, which "MUST NOT
 * generate content" (§15.3.6) but, unlike those, is framed like any response: it goes out with
 * `Content-Length: 0`.
 */
function bodyless(status: number): boolean {
  return status < 200 || status === 204 || status === RESET_CONTENT || status === 304;
}

/** Writes responses to one connection, owning its output buffer. */
export class ResponseWriter {
  #sink: SinkWriter;
  #limits: Limits;
  #out: OutputBuffer;
  #syncOutcome: WriteOutcome = { bodyBytes: 0, mustClose: false };
  /** Made on the first body sent after its head: a connection that sends none never has one. */
  #apart: BodySender | null = null;
  /** Whether the response being written sends its body through `#apart`. */
  #bodyApart = false;

  /** @param clock told before and after each write, to time it (see `WriteClock`) */
  constructor(sink: ByteSink, limits: Limits, clock?: WriteClock) {
    this.#sink = new SinkWriter(sink, clock);
    this.#limits = limits;
    this.#out = new OutputBuffer(limits.writeBufferBytes);
  }

  /** Gives the output buffers back while the connection is idle (nothing may be pending). */
  release(): void {
    if (this.#out.length !== 0) return;
    this.#out.release();
    this.#apart?.release();
  }

  /** Lets go of every buffer, pending output included: the connection is gone. */
  dispose(): void {
    // Every write has been awaited by now: the output buffer can go back to the pool.
    this.#out.truncate(0);
    this.#out.release();
    this.#out.dispose();
    this.#apart?.release();
  }

  /**
   * Body bytes of the response being written that have gone out so far, for the access log of a
   * response cut short (a client gone mid-download). Exact for a file or a large byte body; for a
   * stream, the content of the pieces whose flush completed (chunk framing is not counted). 0
   * for a body gathered with its head.
   */
  get bodySent(): number {
    return this.#bodyApart ? this.#apart!.sent : 0;
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

  /** Sends `100 Continue` now (after anything gathered before it). */
  writeContinue(): Promise<void> {
    this.#out.append(CONTINUE_HEAD);
    return this.flush();
  }

  /**
   * Sends an interim response now (after anything gathered before it): status line, `fields`,
   * the empty line — no Date, Server or framing (RFC 9110 §15.2: a 1xx has no content). Throws
   * `HttpError("internal")` with nothing gathered for a field that is not a valid line.
   */
  writeInterim(status: number, fields: Array<[string, string]>): Promise<void> {
    appendInterimHead(this.#out, status, fields);
    return this.flush();
  }

  /**
   * Sends `101 Switching Protocols` (RFC 9110 §15.2.2) with `fields`, `Connection: Upgrade` and
   * the Date: the last HTTP bytes of the connection. Throws `HttpError("internal")` with nothing
   * gathered for a field that is not a valid line.
   */
  writeSwitch(fields: Array<[string, string]>, now: number): Promise<void> {
    this.#bodyApart = false;
    appendSwitchHead(this.#out, fields, now);
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
    this.#bodyApart = false;
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
    if (status === RESET_CONTENT) length = 0;

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
      else if (upgrade) out.append(UPGRADE_LINE);
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
      this.#bodyApart = true;
      this.#apart ??= new BodySender(this, this.#sink, out, this.#limits);
      return this.#apart.sendBytes(bytes, mustClose);
    }
    // A short file range that fits the output joins its head too, read synchronously (as
    // `sendFileBody` reads one): one write for both, none apart.
    if ((body as FileBody).kind === "file" && out.fits(length!)) {
      const file = body as FileBody;
      try {
        out.appendFilled(file.length, (view) => readFileBodySync(file, view));
      } catch (err) {
        out.truncate(start); // no head without its body: the caller answers 500 instead
        throw new HttpError("internal", `The file could not be read: ${err}`);
      } finally {
        file.file.close();
      }
      return this.#outcome(file.length, mustClose);
    }
    this.#bodyApart = true;
    this.#apart ??= new BodySender(this, this.#sink, out, this.#limits);
    return this.#apart.send(body as FileBody | StreamBody, chunked, mustClose);
  }

  /** The outcome of a write done at once: one object per writer, valid until the next write. */
  #outcome(bodyBytes: number, mustClose: boolean): WriteOutcome {
    const outcome = this.#syncOutcome;
    outcome.bodyBytes = bodyBytes;
    outcome.mustClose = mustClose;
    return outcome;
  }
}
