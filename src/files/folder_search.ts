/**
 * `GET /files/<dir>/?q=<text>`: a recursive, case-insensitive search of names below a folder.
 * It walks the folders breadth-first (shallow matches come first, each folder in listing order)
 * through `ServedRoot.list`, so
 * it sees exactly what listings show: no dotfiles unless `--dotfiles`, no `--hide` matches, no
 * reserved names, symlinks only where a download would follow them. A folder is walked once,
 * under its own name: a link to a folder inside the searched one is matched by its name but not
 * walked (what it leads to is found under its real name), and of links to one place outside it
 * the first walked wins (`WalkedTrees`).
 *
 * Bounds, each reported as `truncated` rather than an error (the matches found so far are still
 * useful): SEARCH_MAX_RESULTS matches, SEARCH_MAX_FOLDERS folders read, SEARCH_MAX_MS of walking.
 * The text is at most SEARCH_MAX_QUERY_CHARS characters (400 past it).
 *
 * This module must not resolve request paths or render: it receives a checked folder and returns
 * entries.
 * @module
 */

import { join } from "node:path";
import { isFolder, ListingBusy, type ListingEntry, sortListing } from "./listing.ts";
import { type HeldEntries, heldEntries, HeldPlaces } from "./held_entries.ts";
import type { ServedRoot } from "./served_root.ts";
import { WalkedTrees } from "./walked_trees.ts";
import { throwIfOutOfDescriptors } from "../app/out_of_descriptors.ts";

/** Most matches one search answers. */
export const SEARCH_MAX_RESULTS = 1000;
/** Most folders one search reads. */
export const SEARCH_MAX_FOLDERS = 10_000;
/** Longest a search walks before answering with what it found. */
export const SEARCH_MAX_MS = 5000;
/** Longest search text, in characters. */
export const SEARCH_MAX_QUERY_CHARS = 256;

/** One match: a listing entry whose `name` is its path below the searched folder. */
export interface SearchHit extends ListingEntry {
  /** The decoded segments below the searched folder ("sub", "photo.jpg"). */
  segments: string[];
}

/** What a search found. */
export interface SearchResult {
  hits: SearchHit[];
  /** Whether a bound stopped the walk (or a folder held more than a listing reads). */
  truncated: boolean;
}

/** How a search is bounded (tests shrink these). */
export interface SearchBounds {
  maxResults: number;
  maxFolders: number;
  maxMs: number;
  /** The clock, in ms (default `performance.now`). */
  now?: () => number;
}

/** The default bounds. */
export const SEARCH_BOUNDS: Readonly<SearchBounds> = Object.freeze({
  maxResults: SEARCH_MAX_RESULTS,
  maxFolders: SEARCH_MAX_FOLDERS,
  maxMs: SEARCH_MAX_MS,
});

/**
 * A name or a query as searches compare them: lower case, and composed (NFC), so that `é` typed
 * finds a name macOS wrote decomposed (`e` and U+0301), and the other way round.
 */
function searchForm(text: string): string {
  return text.normalize("NFC").toLowerCase();
}

/**
 * Searches below the folder whose real path is `realDir` for names containing `text`. A large
 * folder's entries count against `held` (the server-wide cap listings and PROPFIND share) while
 * the search reads them: past the cap it throws `ListingBusy` (503), so that a crowd of searches
 * of large folders cannot hold any amount of memory at once (each is bounded, their number was
 * not: 300 at once took a worker past 1.5 GB, an attack probe).
 */
export async function searchFolder(
  root: ServedRoot,
  realDir: string,
  text: string,
  bounds: SearchBounds = SEARCH_BOUNDS,
  held: HeldEntries = heldEntries(),
): Promise<SearchResult> {
  const now = bounds.now ?? (() => performance.now());
  const deadline = now() + bounds.maxMs;
  const needle = searchForm(text);
  const hits: SearchHit[] = [];
  const trees = new WalkedTrees([realDir]);
  // Every folder queued, by real path: even a link to a folder above a tree walks each once.
  const seen = new Set<string>([realDir]);
  const queue: Array<{ dir: string; segments: string[] }> = [{ dir: realDir, segments: [] }];
  let folders = 0;
  let truncated = false;
  while (queue.length > 0) {
    if (folders === bounds.maxFolders || now() > deadline) {
      truncated = true;
      break;
    }
    const { dir, segments } = queue.shift()!;
    folders++;
    const places = new HeldPlaces(held);
    let listing;
    try {
      listing = await root.list(dir, undefined, places.hold);
    } catch (err) {
      places.release();
      if (err instanceof ListingBusy) throw err;
      // Out of descriptors the search would silently miss folders: 503 instead.
      throwIfOutOfDescriptors(err);
      continue; // unreadable or gone meanwhile: nothing to find there
    }
    try {
      if (listing.truncated) truncated = true;
      // Folders first, then by name: the same order as a listing, and the same on every run.
      sortListing(listing.entries, "name", "asc");
      for (const e of listing.entries) {
        const here = [...segments, e.name];
        if (searchForm(e.name).includes(needle)) {
          if (hits.length === bounds.maxResults) {
            return { hits, truncated: true };
          }
          hits.push({ ...e, name: here.join("/"), segments: here });
        }
        if (!isFolder(e)) continue;
        const path = join(dir, e.name);
        // A real folder lies in the tree its parent is in: walked, under its own name.
        if (e.type !== "symlink") {
          if (!seen.has(path)) queue.push({ dir: path, segments: here });
          seen.add(path);
          continue;
        }
        let real: string;
        try {
          real = await Deno.realPath(path);
        } catch (err) {
          throwIfOutOfDescriptors(err);
          continue;
        }
        if (!trees.follow(real) || seen.has(real)) continue;
        seen.add(real);
        queue.push({ dir: real, segments: here });
      }
    } finally {
      places.release(); // the folder's entries are done with
    }
  }
  return { hits, truncated };
}
