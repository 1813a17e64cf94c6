/**
 * Files past the in-memory size kept open between requests for short reads: a small range of a
 * large file (a video player seeking, a download manager's pieces, a zip reader's directory) is
 * read from a descriptor opened once, instead of an open, an fstat and a close per request. The
 * open is the costly part: it stays asynchronous (`openRegularFileQuick`: a FIFO swapped in would
 * otherwise hold the event loop), a round trip to a runtime thread each time, which held a 1 KiB
 * range of a 300 KiB file at 0.38× nginx while a 304 of it, with no open, ran at 0.80×.
 *
 * A held file is never trusted past the facts it is read for: each read first fstats the held
 * descriptor and compares size, modification time, change time and inode with the facts the
 * cache holds now; any difference closes it and the caller opens afresh (`served_root.ts`), which
 * updates the cache. So an edit in place is seen at once, and a replacement (an upload renames a
 * new file over the name; another worker's write invalidates the facts at once through the change
 * board) as soon as the cache sees it, as for a file held in memory.
 *
 * Bounds: at most {@link MAX_HELD_FILES} per root and isolate (the least recently used goes
 * first), each closed after {@link HELD_FILE_IDLE_MS} unused, all at once when the process runs
 * out of descriptors. Off on Windows, where an open file's name cannot be reused until every
 * handle on it is closed (an upload renaming over it would fail).
 *
 * Reads are synchronous and short (at most `SYNC_READ_MAX_BYTES`), so a held descriptor is never
 * read by two requests at once: each read seeks before it reads, in one synchronous stretch.
 *
 * This module must not know HTTP.
 * @module
 */

import type { FileFacts } from "./file_facts.ts";
import { openRegularFileQuick } from "./open_regular.ts";
import { isOutOfDescriptors } from "../app/out_of_descriptors.ts";

/** Most files one root keeps open in one isolate. */
export const MAX_HELD_FILES = 32;
/** How long a held file stays open unused, in ms. */
export const HELD_FILE_IDLE_MS = 5_000;

interface Held {
  readonly file: Deno.FsFile;
  usedAt: number;
}

/** Open files of one root, by real path (see the module's documentation). */
export class HeldFiles {
  readonly #held = new Map<string, Held>();
  readonly #idleMs: number;
  #sweep: ReturnType<typeof setInterval> | null = null;
  #closed = false;

  constructor(idleMs = HELD_FILE_IDLE_MS) {
    this.#idleMs = idleMs;
  }

  /** Whether files are held on this system (not on Windows). */
  static get supported(): boolean {
    return Deno.build.os !== "windows";
  }

  /** How many files are held open now. */
  get size(): number {
    return this.#held.size;
  }

  /**
   * `length` bytes from `start` of the file `facts` describes, read through its held descriptor
   * (opened first if none is held). Null when the file cannot be opened, or as opened no longer
   * matches `facts` (changed, replaced, shorter): the caller then opens it as for any body.
   */
  read(
    facts: FileFacts,
    start: number,
    length: number,
  ): Uint8Array | null | Promise<Uint8Array | null> {
    const held = this.#held.get(facts.realPath);
    if (held !== undefined) return this.#readHeld(facts.realPath, held, facts, start, length);
    return this.#open(facts).then((opened) =>
      opened === null ? null : this.#readHeld(facts.realPath, opened, facts, start, length)
    );
  }

  /** Closes every held file, and holds none from now on (at shutdown). */
  close(): void {
    this.#closed = true;
    this.closeAll();
  }

  /** Closes every held file. */
  closeAll(): void {
    for (const held of this.#held.values()) held.file.close();
    this.#held.clear();
    this.#stopSweep();
  }

  async #open(facts: FileFacts): Promise<Held | null> {
    let file: Deno.FsFile;
    try {
      file = await openRegularFileQuick(facts.realPath);
    } catch (err) {
      if (isOutOfDescriptors(err)) this.closeAll();
      return null;
    }
    // Closed meanwhile (the server shut down): hold nothing; the caller opens as for any body.
    if (this.#closed) {
      file.close();
      return null;
    }
    // Another request may have opened it meanwhile: keep one.
    const other = this.#held.get(facts.realPath);
    if (other !== undefined) {
      file.close();
      return other;
    }
    const held: Held = { file, usedAt: Date.now() };
    this.#held.set(facts.realPath, held);
    if (this.#held.size > MAX_HELD_FILES) this.#drop(this.#held.keys().next().value!);
    this.#startSweep();
    return held;
  }

  #readHeld(
    path: string,
    held: Held,
    facts: FileFacts,
    start: number,
    length: number,
  ): Uint8Array | null {
    const bytes = new Uint8Array(length);
    try {
      const st = held.file.statSync();
      if (
        !st.isFile || st.size !== facts.size || (st.mtime?.getTime() ?? 0) !== facts.mtimeMs ||
        (st.ctime?.getTime() ?? 0) !== facts.ctimeMs || (st.ino ?? null) !== facts.ino
      ) {
        this.#drop(path);
        return null;
      }
      held.file.seekSync(start, Deno.SeekMode.Start);
      for (let got = 0; got < length;) {
        const n = held.file.readSync(bytes.subarray(got));
        if (n === null || n === 0) {
          this.#drop(path);
          return null;
        }
        got += n;
      }
    } catch {
      this.#drop(path);
      return null;
    }
    held.usedAt = Date.now();
    // Least recently used first: a read moves its file to the end.
    this.#held.delete(path);
    this.#held.set(path, held);
    return bytes;
  }

  #drop(path: string): void {
    const held = this.#held.get(path);
    if (held === undefined) return;
    this.#held.delete(path);
    held.file.close();
    if (this.#held.size === 0) this.#stopSweep();
  }

  #startSweep(): void {
    if (this.#sweep !== null) return;
    const sweep = setInterval(() => {
      const before = Date.now() - this.#idleMs;
      for (const [path, held] of this.#held) {
        if (held.usedAt > before) break; // the rest were used later
        this.#drop(path);
      }
    }, this.#idleMs);
    // An idle server's held files never keep the process alive.
    Deno.unrefTimer(sweep);
    this.#sweep = sweep;
  }

  #stopSweep(): void {
    if (this.#sweep === null) return;
    clearInterval(this.#sweep);
    this.#sweep = null;
  }
}
