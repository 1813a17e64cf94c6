/**
 * The byte source a connection's reader pulls from: the socket's BYOB stream reader, and plain
 * `read`s on the socket for bodies, each made only once the connection's pending output is out.
 *
 * A class rather than an object of closures: one is made per connection, and with
 * `Connection: close` every request pays for that making.
 *
 * This module must not know HTTP: it moves bytes.
 * @module
 */

import type { ByteSource } from "./byte_source.ts";

/** Output gathered by the connection that must go out before any read waits. */
export interface PendingOutput {
  /** Bytes gathered and not yet written. */
  readonly pending: number;
  /** Writes everything gathered. */
  flush(): Promise<void>;
}

/** Reads from a socket, never waiting for input with output pending. */
export class SocketSource implements ByteSource {
  #conn: Deno.Conn;
  #byob: ReadableStreamBYOBReader;
  #output: PendingOutput;

  constructor(conn: Deno.Conn, byob: ReadableStreamBYOBReader, output: PendingOutput) {
    this.#conn = conn;
    this.#byob = byob;
    this.#output = output;
  }

  /** A read through the BYOB stream reader (see `ByteSource.read`). */
  read<T extends ArrayBufferView>(view: T): Promise<ReadableStreamReadResult<T>> {
    // Pipelined responses go out before any read blocks.
    if (this.#output.pending > 0) return this.#output.flush().then(() => this.#byob.read(view));
    return this.#byob.read(view);
  }

  /** Gives up the stream. */
  cancel(reason?: unknown): Promise<void> {
    return this.#byob.cancel(reason);
  }

  /** Releases the lock on the stream. */
  releaseLock(): void {
    this.#byob.releaseLock();
  }

  /**
   * A plain socket read. The stream reads only when asked (BYOB, nothing queued), so between its
   * reads the socket may be read directly; a clock that runs out closes the connection, which
   * ends this read.
   */
  readKeeping(view: Uint8Array): Promise<number | null> {
    if (this.#output.pending > 0) return this.#output.flush().then(() => this.#conn.read(view));
    return this.#conn.read(view);
  }
}
