/**
 * A line writer that never makes its caller wait: lines are queued and written in batches by a
 * single write in flight at a time, so a request never awaits the terminal or a pipe. When the
 * output is slower than the lines arrive (a paused terminal, a slow log shipper), the queue is
 * bounded: lines past `maxPendingBytes` are dropped and counted, and one line saying how many
 * were lost is written once the output catches up. Losing log lines is better than stalling
 * every request or growing memory without bound.
 *
 * This module must not know what the lines are.
 * @module
 */

/** Where bytes go: `Deno.stdout`, `Deno.stderr`, or a test's collector. */
export interface ByteWriter {
  /** Writes some of `p`; resolves to how many bytes were taken. */
  write(p: Uint8Array): Promise<number>;
}

/** Default bound on queued, unwritten output (1 MiB: some thousands of access log lines). */
export const DEFAULT_MAX_PENDING_BYTES = 1024 * 1024;

const encoder = new TextEncoder();
/** How long the first queued line waits for others to share its write. */
const BATCH_DELAY_MS = 10;

/** Queued, batched, bounded line output. */
export class LineSink {
  #writer: ByteWriter;
  #maxPending: number;
  #pending: string[] = [];
  #pendingBytes = 0;
  /** Lines in `#pending` (an entry of `lines()` holds several). */
  #pendingLines = 0;
  #writing: Promise<void> | null = null;
  #dropped = 0;
  #unreported = 0;
  #broken = false;
  /**
   * Where the "lines dropped" notice goes, when not into this output: stdout is the access log
   * alone, whose parsers (GoAccess, AWStats) refuse a line of another shape.
   */
  #notices: ((line: string) => void) | null;

  /**
   * Lines are expected to be ASCII (the log formats escape everything else), so a string's
   * length is its size in bytes for the bound.
   */
  constructor(
    writer: ByteWriter,
    maxPendingBytes = DEFAULT_MAX_PENDING_BYTES,
    notices?: (line: string) => void,
  ) {
    this.#writer = writer;
    this.#maxPending = maxPendingBytes;
    this.#notices = notices ?? null;
  }

  /** Lines dropped so far because the output was too slow or broken. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Queues `text` plus a newline; returns at once. */
  line(text: string): void {
    this.#queue(text, 1);
  }

  /**
   * Queues `block`, several whole lines joined by newlines (without the last one), as one entry
   * that stays together and in order (a worker's batch); returns at once. Dropped, it counts as
   * each of its lines: the "dropped" line tells lines lost, not batches.
   */
  lines(block: string): void {
    let count = 1;
    for (let at = block.indexOf("\n"); at !== -1; at = block.indexOf("\n", at + 1)) count++;
    this.#queue(block, count);
  }

  #queue(text: string, lineCount: number): void {
    const size = text.length + 1;
    if (this.#broken || this.#pendingBytes + size > this.#maxPending) {
      this.#dropped += lineCount;
      this.#unreported += lineCount;
      // the drop is told even when nothing else is queued (an entry larger than the bound)
      if (!this.#broken) this.#writing ??= this.#drain();
      return;
    }
    this.#pending.push(text);
    this.#pendingBytes += size;
    this.#pendingLines += lineCount;
    this.#writing ??= this.#drain();
  }

  /** Resolves once every line queued so far has been written (or dropped). */
  async flush(): Promise<void> {
    while (this.#writing !== null) await this.#writing;
  }

  async #drain(): Promise<void> {
    // Let the lines of the next few milliseconds join the first batch: waiting only for this
    // turn's microtasks made one write per request under keep-alive load (each request ends in
    // its own turn), which cost ~5 µs of CPU per request (measured); a short timer costs none.
    await new Promise((resolve) => setTimeout(resolve, BATCH_DELAY_MS));
    let inFlight = 0;
    try {
      while (this.#pending.length > 0 || (this.#unreported > 0 && !this.#broken)) {
        if (this.#unreported > 0) {
          const n = this.#unreported;
          const notice = `wireserve: ${n} log ${
            n === 1 ? "line" : "lines"
          } dropped (output too slow)`;
          this.#unreported = 0;
          if (this.#notices !== null) this.#notices(notice);
          else {
            this.#pending.push(notice);
            this.#pendingLines++;
          }
        }
        const batch = this.#pending.join("\n") + "\n";
        inFlight = this.#pendingLines;
        this.#pending = [];
        this.#pendingBytes = 0;
        this.#pendingLines = 0;
        await this.#writeAll(encoder.encode(batch));
      }
    } catch {
      // A closed stdout (`wireserve | head`) must not take the server down: stop logging.
      this.#broken = true;
      this.#dropped += inFlight + this.#pendingLines;
      this.#pending = [];
      this.#pendingBytes = 0;
      this.#pendingLines = 0;
    } finally {
      this.#writing = null;
    }
  }

  async #writeAll(bytes: Uint8Array): Promise<void> {
    let at = 0;
    while (at < bytes.length) at += await this.#writer.write(bytes.subarray(at));
  }
}
