/**
 * Gives memory back when a busy server goes quiet.
 *
 * Under load V8 grows an isolate's young generation to its ceiling (8 MiB → 26 MiB here) and
 * its old generation with whatever got promoted, and it only shrinks them at a garbage collection
 * that sees a low allocation rate. An idle server allocates nothing, so no collection comes and
 * every worker keeps its peak heap for as long as it stays idle: about 20 MiB each after one burst
 * of load. So each isolate watches its server's request count, and once it has not moved for
 * `QUIET_MS` after work that grew the heap, runs one full collection, which releases both.
 *
 * Why wait that long: the young generation then starts small again, and the first seconds of the
 * next burst run a few percent slower while it regrows (measured: 3–8% over 5 s of `wrk` on a 1 KiB
 * file when the collection ran after half a second of quiet between runs). Ten seconds is about
 * where V8's own memory reducer acts in a browser; a burst that follows a shorter pause finds the
 * heap as it left it.
 *
 * The collection needs V8's `gc()`. `node:v8`'s `setFlagsFromString("--expose-gc")` turns it on
 * for contexts made afterwards, and `node:vm` makes one: the same route Node programs use. Where
 * that fails, nothing is reclaimed and nothing else changes.
 * @module
 */

import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { dropSpareFileBuffers } from "../http/file_buffers.ts";

/** How often the request count is read. */
export const IDLE_TICK_MS = 1_000;
/** How long without a request before the heap is given back. */
export const QUIET_MS = 10_000;
/** Ticks in a row the count must stay still. */
export const QUIET_TICKS = Math.ceil(QUIET_MS / IDLE_TICK_MS);
/** Heap growth since the last collection that makes one worth running. */
export const GROWTH_BYTES = 4 * 1024 * 1024;
/**
 * Growth of the process's resident memory since the last collection that makes one (and the trim
 * after it) worth running though the heap did not grow: buffers the young generation's own
 * collections freed leave their pages with the C allocator until a trim. 200 `Want-Repr-Digest`
 * HEADs of a 20 MB file, twice, left a worker at 210 MB resident against 76 idle, the heap back
 * where it was, so no collection came (an attack probe).
 */
export const RSS_GROWTH_BYTES = 16 * 1024 * 1024;

/**
 * The heap's size plus the memory of its ArrayBuffers (V8's external memory): a finished
 * WebSocket session or upload leaves its buffers as garbage outside the heap, megabytes that only
 * a collection frees, while the heap itself may not have grown at all (50 sessions that stopped
 * reading: 53 MiB of buffers, the heap 2 MiB over its start).
 */
export function heapAndBufferBytes(): number {
  const stats = getHeapStatistics();
  return stats.total_heap_size + stats.external_memory;
}

/** V8's full collection, or null where it cannot be reached. */
export function fullCollection(): (() => void) | null {
  try {
    setFlagsFromString("--expose-gc");
    const gc: unknown = runInNewContext("gc");
    return typeof gc === "function" ? () => gc() : null;
  } catch {
    return null;
  }
}

/** What `reclaimWhenIdle` reads and calls (tests replace them). */
export interface ReclaimDeps {
  /** A count that moves while the server works (its request count). */
  activity: () => number;
  /** The heap's size in bytes, with what its ArrayBuffers hold outside it (`heapAndBufferBytes`). */
  heapBytes: () => number;
  /** The process's resident memory in bytes (`Deno.memoryUsage().rss`); none: not looked at. */
  rssBytes?: () => number;
  /** Runs a full collection. */
  collect: () => void;
  /**
   * Lets go of what the server keeps for its next burst (the spare file buffers); true when it
   * held something, which a collection then frees. Called on each quiet tick after work.
   */
  release?: () => boolean;
}

/**
 * One step of the watch, kept apart from its timer: collects when `activity` has not moved for
 * `quietTicks` steps in a row, it moved at some point since the last collection, and the heap has
 * grown by `GROWTH_BYTES` since then, or the process's resident memory by `RSS_GROWTH_BYTES`, or
 * `release` let go of something (a trickle of requests that leaves all as they were costs nothing). The start is the first work: compiling the app's modules leaves garbage that no
 * collection would otherwise reach in a server that then sits idle (measured, 4 workers: 86 → 61
 * MiB anonymous RSS once the first quiet spell's collection and trim ran), so the first quiet
 * spell collects whatever the heap did.
 */
export class IdleReclaimer {
  #deps: ReclaimDeps;
  #lastActivity: number;
  #worked = true;
  #heapAfterCollect: number;
  #rssAfterCollect = Infinity; // nothing collected yet: the heap's rule decides the first one
  #quietTicks: number;
  #quiet = 0;

  constructor(deps: ReclaimDeps, quietTicks = QUIET_TICKS) {
    this.#deps = deps;
    this.#quietTicks = quietTicks;
    this.#lastActivity = deps.activity();
    this.#heapAfterCollect = -Infinity; // nothing collected yet: the start counts whatever it grew
  }

  /** Looks once; returns whether it collected. */
  tick(): boolean {
    const now = this.#deps.activity();
    if (now !== this.#lastActivity) {
      this.#lastActivity = now;
      this.#worked = true;
      this.#quiet = 0;
      return false;
    }
    if (++this.#quiet < this.#quietTicks || !this.#worked) return false;
    const released = this.#deps.release?.() ?? false;
    const heapGrew = this.#deps.heapBytes() >= this.#heapAfterCollect + GROWTH_BYTES;
    const rss = this.#deps.rssBytes;
    if (
      !released && !heapGrew &&
      (rss === undefined || rss() < this.#rssAfterCollect + RSS_GROWTH_BYTES)
    ) {
      return false;
    }
    this.#deps.collect();
    this.#worked = false;
    this.#heapAfterCollect = this.#deps.heapBytes();
    if (rss !== undefined) this.#rssAfterCollect = rss();
    return true;
  }
}

/**
 * Watches `activity` every `IDLE_TICK_MS` (an unref'd timer: it never keeps the process alive)
 * and collects when the server has been quiet for `QUIET_MS`, then calls `afterCollect` (which
 * hands the C allocator's freed memory back: malloc_trim.ts). Returns the function that stops it;
 * does nothing where V8's collection cannot be reached.
 */
export function reclaimWhenIdle(
  activity: () => number,
  afterCollect: () => void = () => {},
): () => void {
  const collect = fullCollection();
  if (collect === null) return () => {};
  const reclaimer = new IdleReclaimer({
    activity,
    heapBytes: heapAndBufferBytes,
    rssBytes: () => Deno.memoryUsage().rss,
    collect: () => {
      collect();
      afterCollect();
    },
    // Up to 2 MiB of spare file buffers: dropped, then collected, whatever the heap's growth.
    release: dropSpareFileBuffers,
  });
  const timer = setInterval(() => reclaimer.tick(), IDLE_TICK_MS);
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}
