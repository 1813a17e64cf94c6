/**
 * The first files of a folder by name, however large the folder: every name is looked at, but
 * only the `count` smallest visible files are kept while reading (a bounded max-heap), so a
 * folder of 20,000 names costs 1,000 entries of memory and the answer does not depend on the
 * order the file system returns names in. Used by the templates' `folder()`, whose promise is
 * "the first 1,000 by name"; `readListing` instead caps in disk order (it serves pages of every
 * entry, where the cap is a truncation the page reports).
 *
 * An entry is described (stat'ed, checked against the root's rules) only when its name would
 * enter the selection, so a hidden, special or folder entry never takes a place a file could
 * have. In a random disk order that is about `count · (1 + ln(names / count))` stats; in the
 * worst order one per name, which `maxNames` bounds.
 *
 * This module must not know about HTTP, HTML or templates.
 * @module
 */

import {
  describeEntry,
  type ListingEntry,
  type ListingOptions,
  nextTurn,
  throwIfNotEnterable,
} from "./listing.ts";
import { isReservedName } from "../app/reserved_names.ts";
import { servableName } from "./safe_path.ts";

/** How to choose the first files of a folder. */
export interface FirstFilesOptions extends Pick<ListingOptions, "dotfiles" | "allowed"> {
  /** How many files to keep. */
  count: number;
  /** Most names looked at; past it the read stops and `tooMany` is set. */
  maxNames: number;
  /** Whether a name is wanted at all (an extension filter), before anything is stat'ed. */
  accept(name: string): boolean;
  /** The order of names; must be total (names of one folder differ, so tie-break on code units). */
  compare(a: string, b: string): number;
}

/** The first files of a folder. */
export interface FirstFiles {
  /** At most `count` visible files (and links to files), in `compare` order. */
  entries: ListingEntry[];
  /** Names looked at (every name of the folder, unless `tooMany`). */
  namesRead: number;
  /** The folder holds more than `maxNames` names: `entries` is empty. */
  tooMany: boolean;
}

/** Names looked at between two turns of the event loop. */
const NAMES_PER_TURN = 10_000;
/** Entries described (stat'ed) between two turns of the event loop (as `readListing`). */
const STATS_PER_TURN = 1_000;

/** Reads the folder at `realDir`. Throws when the folder cannot be read. */
export async function readFirstFiles(
  realDir: string,
  opts: FirstFilesOptions,
): Promise<FirstFiles> {
  const heap: ListingEntry[] = []; // max-heap: heap[0] is the largest name kept
  const above = (i: number, j: number) => opts.compare(heap[i].name, heap[j].name) > 0;
  let names = 0;
  let described = 0;
  for await (const e of Deno.readDir(realDir)) {
    if (names === 0) throwIfNotEnterable(realDir, e.name); // never an empty folder for it
    if (++names > opts.maxNames) return { entries: [], namesRead: names - 1, tooMany: true };
    if (names % NAMES_PER_TURN === 0) await nextTurn();
    // hidden: the same name rules as readListing (dotfiles, the server's own names, names no
    // URL can ask for); a plain folder is known from its entry, a link needs its stat
    if (!opts.dotfiles && e.name.startsWith(".")) continue;
    if (isReservedName(e.name) || !servableName(e.name) || e.isDirectory) continue;
    if (!opts.accept(e.name)) continue;
    const full = heap.length === opts.count;
    if (full && opts.compare(e.name, heap[0].name) >= 0) continue;
    if (++described % STATS_PER_TURN === 0) await nextTurn();
    const entry = await describeEntry(realDir, e, opts);
    if (entry === null || entry.type === "dir" || entry.target === "dir") continue;
    if (full) {
      heap[0] = entry;
      siftDown(heap, above);
    } else {
      heap.push(entry);
      siftUp(heap, above);
    }
  }
  heap.sort((a, b) => opts.compare(a.name, b.name));
  return { entries: heap, namesRead: names, tooMany: false };
}

function siftUp(heap: unknown[], above: (i: number, j: number) => boolean): void {
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!above(i, parent)) return;
    [heap[i], heap[parent]] = [heap[parent], heap[i]];
    i = parent;
  }
}

function siftDown(heap: unknown[], above: (i: number, j: number) => boolean): void {
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    const right = left + 1;
    let top = i;
    if (left < heap.length && above(left, top)) top = left;
    if (right < heap.length && above(right, top)) top = right;
    if (top === i) return;
    [heap[i], heap[top]] = [heap[top], heap[i]];
    i = top;
  }
}
