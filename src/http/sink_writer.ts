/**
 * Gets bytes out to a connection's sink, completing partial writes, under the write clock (so a
 * client that stops reading runs into a deadline).
 *
 * This module must not know HTTP or where the bytes come from: it writes what it is given.
 * @module
 */

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

/** Writes to one sink. */
export class SinkWriter {
  #sink: ByteSink;
  #clock: WriteClock | undefined;
  /** One addition per socket write: the only cost of knowing how much went out. */
  #bytesWritten = 0;

  /** @param clock told before and after each write (see `WriteClock`) */
  constructor(sink: ByteSink, clock: WriteClock | undefined) {
    this.#sink = sink;
    this.#clock = clock;
  }

  /** Writes all of `bytes`, telling the clock around it. */
  async writeAll(bytes: Uint8Array): Promise<void> {
    const clock = this.#clock;
    clock?.beforeWrite();
    try {
      let at = await this.#sink.write(bytes);
      this.#bytesWritten += at;
      while (at < bytes.length) {
        const n = await this.#sink.write(bytes.subarray(at));
        this.#bytesWritten += n;
        at += n;
      }
    } finally {
      clock?.afterWrite();
    }
  }

  /**
   * Bytes the sink has taken so far, over every write: a response cut short can tell how much
   * of its body went out.
   */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }
}
