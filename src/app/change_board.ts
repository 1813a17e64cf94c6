/**
 * The change board: how a write on one worker reaches the read caches of every other at once.
 * A table of counters in shared memory, one per hash bucket of file-system paths. A write bumps
 * the counter of the changed path and of its folder (whose listing changed) before it answers;
 * a cache entry remembers the counter it saw before it read the disk, and a lookup that finds the
 * counter moved reads the disk again. One atomic load per cache hit; no message, no wait, so no
 * stale second after a write. Buckets are shared by many paths: a collision only costs an extra
 * check of the disk, never a stale answer.
 *
 * Keys: one file has as many lexical paths as there are links on the way to it (`share/big/a`,
 * `share/biglink/a`), and a request names one of them. So a write bumps both the path it named
 * and its real spelling (`real_spelling.ts`: its folder's real path and its name), and a reader
 * whose path differs from the real path it found also checks that path's counter — one more
 * atomic load, only on entries reached through a link. Either spelling then sees a write made
 * under the other at once.
 *
 * A link on the way can itself be removed, moved or replaced (`DELETE /files/biglink`): no path
 * below it is named by that write, so every write also moves one more counter, the board's write
 * count, and an entry reached through a link inside the share checks it too (rare entries, rare
 * writes: at worst such an entry is read from the disk again after any write).
 *
 * Race: the reader takes the stamp before it stats, the writer bumps after its rename. A reader
 * that stats the old file therefore holds a stamp older than the bump, and the next lookup
 * looks again.
 *
 * This module must not know HTTP.
 * @module
 */

import { dirname } from "node:path";
import { realSpellingSync } from "./real_spelling.ts";

/** Buckets on the board (a power of two): 256 KiB of shared memory. */
export const CHANGE_BUCKETS = 65_536;
/** Cells on the board: the buckets, then the write count. */
export const CHANGE_CELLS = CHANGE_BUCKETS + 1;
const WRITES_CELL = CHANGE_BUCKETS;
const BUCKET_MASK = CHANGE_BUCKETS - 1;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Counters of changes per bucket of paths. */
export class ChangeBoard {
  #cells: Int32Array;

  /** A board over `cells` (a view of a SharedArrayBuffer to share it across isolates). */
  constructor(cells: Int32Array = new Int32Array(CHANGE_CELLS)) {
    if (cells.length !== CHANGE_CELLS) {
      throw new RangeError(`A change board needs ${CHANGE_CELLS} cells`);
    }
    this.#cells = cells;
  }

  /** The bucket of `fsPath`. */
  bucketOf(fsPath: string): number {
    // FNV-1a over the UTF-16 code units: cheap, and spreads the paths of one folder well.
    let h = FNV_OFFSET;
    for (let i = 0; i < fsPath.length; i++) h = Math.imul(h ^ fsPath.charCodeAt(i), FNV_PRIME);
    return h & BUCKET_MASK;
  }

  /** The counter of `bucket` now. */
  stamp(bucket: number): number {
    return Atomics.load(this.#cells, bucket);
  }

  /** How many writes were recorded so far (any path). */
  writes(): number {
    return Atomics.load(this.#cells, WRITES_CELL);
  }

  /**
   * Records that `fsPath` changed (and so did its folder's listing), under the path as named and
   * under its real spelling when that differs (a link on the way), and counts the write.
   */
  changed(fsPath: string): void {
    Atomics.add(this.#cells, WRITES_CELL, 1);
    this.#bump(fsPath);
    const real = realSpellingSync(fsPath);
    if (real !== fsPath) this.#bump(real);
  }

  #bump(fsPath: string): void {
    Atomics.add(this.#cells, this.bucketOf(fsPath), 1);
    Atomics.add(this.#cells, this.bucketOf(dirname(fsPath)), 1);
  }
}
