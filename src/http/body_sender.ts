/**
 * Sends the body of a response that does not go out with its head: a byte body too large for the
 * output buffer, a file range (`sendFileBody`, through two buffers kept from one file response to
 * the next) or a stream (`sendStreamBody`). The head is flushed first; a file or stream whose head
 * never got out is released unread. Counts what of the body went out, for the access log of a
 * response cut short.
 *
 * This module must not know heads or how a response is framed: its writer says whether the body
 * is chunked, and flushes what it gathered.
 * @module
 */

import { discardBody } from "./discard_body.ts";
import { FileBuffers } from "./file_buffers.ts";
import { sendFileBody } from "./file_sender.ts";
import type { Limits } from "./limits.ts";
import type { OutputBuffer } from "./output_buffer.ts";
import type { WriteOutcome } from "./response_context.ts";
import type { SinkWriter } from "./sink_writer.ts";
import { sendStreamBody } from "./stream_sender.ts";
import type { FileBody, StreamBody } from "./types.ts";

/** What the sender needs of its writer: the bytes gathered so far (the head) written out. */
export interface GatheredOutput {
  /** Writes everything gathered so far. */
  flush(): Promise<void>;
}

/** Sends one connection's bodies that leave after their head; made on the first of them. */
export class BodySender {
  /** Content bytes of the stream being sent whose flush completed (kept by `sendStreamBody`). */
  flushedBytes = 0;
  #writer: GatheredOutput;
  #sink: SinkWriter;
  #out: OutputBuffer;
  #limits: Limits;
  /** Made on the first file response: a connection that sends none never allocates it. */
  #fileBufs: FileBuffers | null = null;
  /** `#sink.bytesWritten` when the body being sent began; -1 until its head is out. */
  #from = -1;
  /** Whether that body is a stream, whose progress is `flushedBytes`. */
  #streaming = false;

  /** @param out the writer's output buffer, which a stream's pieces are gathered into */
  constructor(writer: GatheredOutput, sink: SinkWriter, out: OutputBuffer, limits: Limits) {
    this.#writer = writer;
    this.#sink = sink;
    this.#out = out;
    this.#limits = limits;
  }

  /**
   * Body bytes of the body being sent that have gone out so far: exact for a file or bytes; for a
   * stream, the content of the pieces whose flush completed (chunk framing is not counted).
   */
  get sent(): number {
    if (this.#from < 0) return 0;
    if (this.#streaming) return this.flushedBytes;
    return this.#sink.bytesWritten - this.#from;
  }

  /** Gives the file buffers back (the connection is idle or gone). */
  release(): void {
    this.#fileBufs?.release();
  }

  /** Flushes the head, then writes `bytes` straight to the sink (no copy into the output). */
  sendBytes(bytes: Uint8Array, mustClose: boolean): Promise<WriteOutcome> {
    this.#from = -1;
    const outcome = { bodyBytes: bytes.length, mustClose };
    return this.#writer.flush().then(() => {
      this.#start(false);
      return this.#sink.writeAll(bytes);
    }).then(() => outcome);
  }

  /** Flushes the head, then sends the file range or the stream (chunk-framed when `chunked`). */
  async send(
    body: FileBody | StreamBody,
    chunked: boolean,
    mustClose: boolean,
  ): Promise<WriteOutcome> {
    this.#from = -1;
    try {
      await this.#writer.flush();
    } catch (err) {
      // The head never got out: the file or stream will not be read, release it now.
      await discardBody(body).catch(() => {});
      throw err;
    }
    this.#start(body.kind === "stream");
    const sent = body.kind === "file"
      ? await this.#sendFile(body)
      : await this.#sendStream(body, chunked);
    return { bodyBytes: sent, mustClose };
  }

  /** Marks where the body begins, for {@link sent}; the head is out. */
  #start(streaming: boolean): void {
    this.#from = this.#sink.bytesWritten;
    this.#streaming = streaming;
    this.flushedBytes = 0;
  }

  #sendFile(body: FileBody): Promise<number> {
    this.#fileBufs ??= new FileBuffers();
    const buffers = this.#fileBufs.pair(Math.min(this.#limits.fileChunkBytes, body.length));
    return sendFileBody(body, buffers, (bytes) => this.#sink.writeAll(bytes));
  }

  #sendStream(body: StreamBody, chunked: boolean): Promise<number> {
    const flushAt = this.#limits.maxCoalesceBytes;
    return sendStreamBody(body, chunked, this.#out, flushAt, () => this.#writer.flush(), this);
  }
}
