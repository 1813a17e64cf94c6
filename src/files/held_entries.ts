/**
 * The server-wide count of listing entries held by answers (large listings, `PROPFIND Depth: 1`
 * of large folders), and its cap. Its own module because both the listing answer and the shared
 * folder reads (`shared_listings.ts`) count against it.
 *
 * This module must not know HTTP.
 * @module
 */

import { localCount, type SharedCount } from "../http/shared_count.ts";

/**
 * Most listing entries held in memory at once, in the whole server, by large listings being read
 * or sent and large `PROPFIND Depth: 1` answers; past it such a request gets 503. Measured
 * (Deno 2.9, 20 concurrent reads and sorts of a 20,000-file folder, `docs/memory.md`): a listing
 * entry costs ~240 B of heap once read and sorted, but ~700 B of heap and ~860 B of RSS at
 * the peak of its reading (the stat results and directory entries it makes on the way); a
 * `PROPFIND`'s raw directory entry ~400 B. Counted at ~900 B, 300,000 places bound them to about
 * 270 MB however many clients read slowly — and three folders of `--max-listing`'s default
 * (100,000) can still be listed at once. A listing counts its entries from the moment it reads
 * them, once per read however many requests share it (`shared_listings.ts`).
 */
export const MAX_HELD_ENTRIES = 300_000;

/** The server-wide count of entries held by answers being sent, and its cap. */
export interface HeldEntries {
  /** Shared by every worker (`LISTED_ENTRIES`); a local count in one isolate. */
  count: SharedCount;
  /** The cap (MAX_HELD_ENTRIES; tests pass a smaller one). */
  max: number;
}

/** A count of held entries of its own, capped at `max` (a handler made without the app's). */
export function heldEntries(
  count: SharedCount = localCount(),
  max: number = MAX_HELD_ENTRIES,
): HeldEntries {
  return { count, max };
}

/**
 * The places one answer holds of `held`, taken a step at a time as it reads (`hold`, the shape
 * `ServedRoot.list` calls) and all given back at once (`release`).
 */
export class HeldPlaces {
  readonly #held: HeldEntries;
  #places = 0;

  constructor(held: HeldEntries) {
    this.#held = held;
  }

  /** Takes `entries` more places; false, taking none, past the cap. */
  readonly hold = (entries: number): boolean => {
    if (!this.#held.count.tryAdd(entries, this.#held.max)) return false;
    this.#places += entries;
    return true;
  };

  /** The places held now. */
  get places(): number {
    return this.#places;
  }

  /** Gives every place back (safe to call again). */
  release(): void {
    this.#held.count.add(-this.#places);
    this.#places = 0;
  }
}
