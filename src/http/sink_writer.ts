/**
 * Gets bytes out to a connection's sink, completing partial writes: either awaited under the
 * write clock (so a client that stops reading runs into a deadline), or started in the
 * background, its failure held until someone settles it rather than left unhandled.
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

const EMPTY = new Uint8Array(0);

/** Writes to one sink, at most one background write at a time. */
export class SinkWriter {
  #sink: ByteSink;
  #clock: WriteClock | undefined;
  #onBackgroundDone: () => void;
  /** A write started by `writeInBackground`, until it ends. */
  #background: Promise<void> | null = null;
  #backgroundBytes: Uint8Array = EMPTY;
  #backgroundError: { cause: unknown } | null = null;
  /** One addition per socket write: the only cost of knowing how much went out. */
  #bytesWritten = 0;

  /**
   * @param clock told before and after each timed write (see `WriteClock`)
   * @param onBackgroundDone called once a background write is all out (not when it fails)
   */
  constructor(sink: ByteSink, clock: WriteClock | undefined, onBackgroundDone: () => void) {
    this.#sink = sink;
    this.#clock = clock;
    this.#onBackgroundDone = onBackgroundDone;
  }

  /** Writes all of `bytes`, telling the clock around it unless `timed` is false. */
  async writeAll(bytes: Uint8Array, timed = true): Promise<void> {
    const clock = timed ? this.#clock : undefined;
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
   * Starts writing all of `bytes` without the clock; `bytes` must stay untouched until the write
   * ends (`inFlight`). `writing` says whether it is still going; `settle` waits for it and
   * reports its failure.
   */
  writeInBackground(bytes: Uint8Array): void {
    this.#backgroundBytes = bytes;
    this.#background = this.#sink.write(bytes).then(this.#backgroundWrote, this.#backgroundFailed);
  }

  /**
   * Bytes the sink has taken so far, over every write: a response cut short can tell how much
   * of its body went out.
   */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** Whether a background write may still be reading its bytes. */
  get inFlight(): boolean {
    return this.#background !== null;
  }

  /** Whether a background write is still going, or ended in a failure not yet reported. */
  get writing(): boolean {
    return this.#background !== null || this.#backgroundError !== null;
  }

  /** Waits for the background write; throws what made it fail. */
  async settle(): Promise<void> {
    if (this.#background !== null) await this.#background;
    const error = this.#backgroundError;
    if (error !== null) {
      this.#backgroundError = null;
      throw error.cause;
    }
  }

  // Bound once: a background write per request allocates no closure.
  #backgroundWrote = (written: number): Promise<void> | void => {
    this.#bytesWritten += written;
    const bytes = this.#backgroundBytes;
    if (written >= bytes.length) return this.#backgroundDone();
    return this.writeAll(bytes.subarray(written), false).then(
      this.#backgroundDone,
      this.#backgroundFailed,
    );
  };

  #backgroundDone = (): void => {
    this.#background = null;
    this.#backgroundBytes = EMPTY;
    this.#onBackgroundDone();
  };

  // Handled here, so that a write nobody waits for (the connection died reading) never becomes
  // an unhandled rejection; `settle` rethrows it for whoever does wait.
  #backgroundFailed = (cause: unknown): void => {
    this.#background = null;
    this.#backgroundError = { cause };
  };
}
