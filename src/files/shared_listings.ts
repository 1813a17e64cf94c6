/**
 * One read of a folder shared by the listings that ask for it at once: a flood of requests for a
 * large folder reads, stats and sorts it once (once per sort order), not once each, and holds
 * one copy of its entries, counted once against the held-entries cap. The shared entries are
 * never changed after they are read; each answer renders its own page from them.
 *
 * Freshness: a read is joined only while nothing was written to the folder since it started —
 * the change board's counters for the folder (bumped by every write on any worker before it
 * answers, `app/change_board.ts`) must not have moved — and only while it is in flight or
 * finished less than the stat cache's age ago (`--stat-cache`, how long file facts are trusted
 * anyway). A listing asked for after a write therefore never gets entries read before it, on any
 * worker. Without a change board nothing is shared.
 *
 * Work stops when nobody wants it: the read and its sorts run under their own abort signal,
 * aborted once every request that joined has gone (its `signal` aborted, or its answer ended).
 *
 * This module must not know HTTP responses or rendering: it hands out sorted entries.
 * @module
 */

import type { ChangeBoard } from "../app/change_board.ts";
import {
  type Listing,
  ListingBusy,
  type ListingEntry,
  nextTurn,
  type SortKey,
  sortListingInTurns,
  type SortOrder,
} from "./listing.ts";
import type { HeldEntries } from "./held_entries.ts";

/** A folder to list: its path as requests name it (what writes bump) and its real path. */
export interface ListedFolder {
  fsPath: string;
  realDir: string;
}

/** Reads a folder, asking `hold` for places as it goes and stopping when `signal` aborts. */
export type FolderReader = (
  realDir: string,
  hold: (entries: number) => boolean,
  signal: AbortSignal,
) => Promise<Listing>;

/** Sorted entries lent to one request until it calls `release` (its answer is done with them). */
export interface LentListing {
  entries: readonly ListingEntry[];
  truncated: boolean;
  /** Gives the entries back; safe to call twice. */
  release(): void;
}

/** The listing was not made: its request's connection closed meanwhile. */
export class ListingAbandoned extends Error {
  constructor() {
    super("Cannot finish the listing: its client is gone");
    this.name = "ListingAbandoned";
  }
}

/** One folder read and its sorts, while anyone uses them. */
interface SharedRead {
  key: string;
  stamp: number;
  /** When the read finished (ms), or null while it runs. */
  finishedAt: number | null;
  /** Requests waiting for it or sending answers made from it. */
  users: number;
  work: AbortController;
  listing: Promise<Listing>;
  sorts: Map<string, Promise<ListingEntry[]>>;
  /** Gives back the held-entries places the read took. */
  releasePlaces(): void;
}

/** Folder reads of one served root, shared by the requests that overlap them. */
export class SharedListings {
  #reads = new Map<string, SharedRead>();
  #changes: ChangeBoard | null;
  #maxAgeMs: number;
  #held: HeldEntries;
  #streamFrom: number;

  /**
   * Reads whose folder has no bump on `changes` since they started, joined while in flight or
   * younger than `maxAgeMs`; places counted in `held` for folders of `streamFrom` entries or more.
   */
  constructor(
    changes: ChangeBoard | null,
    maxAgeMs: number,
    held: HeldEntries,
    streamFrom: number,
  ) {
    this.#changes = changes;
    this.#maxAgeMs = maxAgeMs;
    this.#held = held;
    this.#streamFrom = streamFrom;
  }

  /** Reads sharing a folder now (tests). */
  get size(): number {
    return this.#reads.size;
  }

  /**
   * The entries of `folder` sorted by `sort` and `order`, read by `read` or joined from a read in
   * flight. Throws `ListingBusy` past the held-entries cap, `ListingAbandoned` when `signal`
   * aborts first, or what the read threw.
   */
  async sorted(
    folder: ListedFolder,
    sort: SortKey,
    order: SortOrder,
    signal: AbortSignal,
    read: FolderReader,
  ): Promise<LentListing> {
    if (signal.aborted) throw new ListingAbandoned();
    const shared = this.#join(folder, read);
    let lent = true;
    const release = () => {
      if (lent) this.#leave(shared);
      lent = false;
    };
    const gone = abandoned(signal);
    try {
      const listing = await Promise.race([shared.listing, gone.promise]);
      const entries = await Promise.race([
        this.#sortOf(shared, listing, sort, order),
        gone.promise,
      ]);
      return { entries, truncated: listing.truncated, release };
    } catch (err) {
      release();
      throw err;
    } finally {
      gone.stop();
    }
  }

  #join(folder: ListedFolder, read: FolderReader): SharedRead {
    const key = `${folder.fsPath}\0${folder.realDir}`;
    const stamp = this.#stamp(folder);
    const found = this.#reads.get(key);
    if (
      found !== undefined && stamp !== null && found.stamp === stamp &&
      !found.work.signal.aborted &&
      (found.finishedAt === null || Date.now() - found.finishedAt < this.#maxAgeMs)
    ) {
      found.users++;
      return found;
    }
    const shared = this.#start(key, stamp ?? 0, folder.realDir, read);
    // Without a board a read cannot tell it is stale: it serves its own request only.
    if (stamp !== null) this.#reads.set(key, shared);
    return shared;
  }

  #start(key: string, stamp: number, realDir: string, read: FolderReader): SharedRead {
    const work = new AbortController();
    const places = readingPlaces(this.#held);
    const shared: SharedRead = {
      key,
      stamp,
      finishedAt: null,
      users: 1,
      work,
      sorts: new Map(),
      releasePlaces: places.release,
      listing: read(realDir, places.hold, work.signal).then((listing) => {
        // A large folder holds every entry it shows, including the first HOLD_STEP the read
        // did not ask for: counted whole once read, refused past the cap.
        if (listing.entries.length >= this.#streamFrom && !places.holdAll(listing.entries.length)) {
          throw new ListingBusy();
        }
        shared.finishedAt = Date.now();
        return listing;
      }),
    };
    // A failed read must not be joined: the next request reads again.
    shared.listing.catch(() => this.#forget(shared));
    return shared;
  }

  #sortOf(
    shared: SharedRead,
    listing: Listing,
    sort: SortKey,
    order: SortOrder,
  ): Promise<ListingEntry[]> {
    const key = `${sort} ${order}`;
    let sorting = shared.sorts.get(key);
    if (sorting === undefined) {
      const signal = shared.work.signal;
      // The read's entries stay as read (other orders sort from them): this sorts a copy.
      sorting = sortListingInTurns([...listing.entries], sort, order, async () => {
        await nextTurn();
        signal.throwIfAborted();
      });
      shared.sorts.set(key, sorting);
      sorting.catch(() => shared.sorts.delete(key));
    }
    return sorting;
  }

  #leave(shared: SharedRead): void {
    shared.users--;
    if (shared.users > 0) return;
    // Nobody waits for it or sends from it: stop its work, give its places back, drop it.
    shared.work.abort(new ListingAbandoned());
    shared.releasePlaces();
    this.#forget(shared);
  }

  #forget(shared: SharedRead): void {
    if (this.#reads.get(shared.key) === shared) this.#reads.delete(shared.key);
  }

  /** The folder's change counters now (its path and its real path), or null without a board. */
  #stamp(folder: ListedFolder): number | null {
    const board = this.#changes;
    if (board === null) return null;
    return board.stamp(board.bucketOf(folder.fsPath)) + board.stamp(board.bucketOf(folder.realDir));
  }
}

/** A promise rejected with `ListingAbandoned` when `signal` aborts; `stop` unsubscribes. */
function abandoned(signal: AbortSignal): { promise: Promise<never>; stop: () => void } {
  let onAbort = () => {};
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(new ListingAbandoned());
    signal.addEventListener("abort", onAbort, { once: true });
  });
  promise.catch(() => {}); // raced: whoever loses the race must not be an unhandled rejection
  return { promise, stop: () => signal.removeEventListener("abort", onAbort) };
}

/**
 * Places of `held` taken while a folder is read (`ListingOptions.hold`: `hold(n)`, n more), then
 * topped up to the whole count read (`holdAll`), never past the whole cap for one folder larger
 * than it (as `holdingEntries` charges it); given back by `release`.
 */
function readingPlaces(held: HeldEntries): {
  hold: (entries: number) => boolean;
  holdAll: (entries: number) => boolean;
  release: () => void;
} {
  let taken = 0;
  const hold = (more: number) => {
    const room = Math.min(more, held.max - taken);
    if (room <= 0) return true;
    if (!held.count.tryAdd(room, held.max)) return false;
    taken += room;
    return true;
  };
  return {
    hold,
    holdAll: (entries) => hold(entries - taken),
    release() {
      if (taken > 0) held.count.add(-taken);
      taken = 0;
    },
  };
}
