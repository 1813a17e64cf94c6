/**
 * Reading a folder for a listing: the entries a client may see (no dotfiles unless allowed, no
 * `--hide` matches, no symlinks that lead where the server would refuse to go, no FIFOs or
 * devices), with their sizes and times, sorted folders first. Bounded: at most
 * MAX_LISTING_ENTRIES are read unless the caller asks for another cap (the listing page reads up
 * to `--max-listing`). Whatever lists a folder — the listing page, a zip, a search,
 * the templates' folder data — reads it here, so each leaves out the same entries.
 *
 * This module must not know about HTTP or HTML: the renderers take its entries.
 * @module
 */

import { join } from "node:path";
import { isReservedName } from "../app/reserved_names.ts";
import { servableName } from "./safe_path.ts";
import { throwIfOutOfDescriptors } from "../app/out_of_descriptors.ts";

/**
 * Most entries a search, a zip or the templates' folder data read of one folder; the rest is
 * reported as truncated. The listing page has its own cap (`--max-listing`).
 */
export const MAX_LISTING_ENTRIES = 10_000;
/** stat calls in flight at once while reading a listing (each is a thread-pool hop). */
const STAT_CONCURRENCY = 64;

/** One visible entry of a folder. */
export interface ListingEntry {
  /** The name on disk. */
  name: string;
  /** What the entry itself is. */
  type: "file" | "dir" | "symlink";
  /** For a symlink: what its target is. */
  target?: "file" | "dir";
  /** Bytes (0 for folders). */
  size: number;
  /** Last modification, or null when the platform has none. */
  mtime: Date | null;
}

/** A folder's visible entries. */
export interface Listing {
  entries: ListingEntry[];
  /** Whether entries were left out because the folder holds more than the cap. */
  truncated: boolean;
}

/** How to read a folder. */
export interface ListingOptions {
  /** Show names starting with ".". */
  dotfiles: boolean;
  /**
   * Whether a real path may be served, the same check as for requests (`FileCache.allowed`):
   * asked for every entry's own path and, for a symlink, for its target too, with whether it is
   * a folder (so `--hide` patterns apply).
   */
  allowed(realPath: string, isDir: boolean): Promise<boolean>;
  /** Cap on entries (default MAX_LISTING_ENTRIES). */
  maxEntries?: number;
}

/** Sort keys a listing accepts. */
export type SortKey = "name" | "size" | "date";
/** Sort directions. */
export type SortOrder = "asc" | "desc";

/** Reads the folder at `realDir`. Throws when the folder cannot be read. */
export async function readListing(realDir: string, opts: ListingOptions): Promise<Listing> {
  const max = opts.maxEntries ?? MAX_LISTING_ENTRIES;
  const raw: Deno.DirEntry[] = [];
  let truncated = false;
  for await (const e of Deno.readDir(realDir)) {
    // hidden: dotfiles are neither listed nor served unless allowed
    if (!opts.dotfiles && e.name.startsWith(".")) continue;
    // hidden: the server's own names — an upload in progress (its temp file) is not a file yet,
    // and WebDAV's property folder is bookkeeping — even with --dotfiles
    if (isReservedName(e.name)) continue;
    // hidden: a name no URL can ask for (a newline, a backslash, bytes that are not UTF-8)
    if (!servableName(e.name)) continue;
    if (raw.length === max) {
      truncated = true;
      break;
    }
    raw.push(e);
  }
  const entries: ListingEntry[] = [];
  for (let i = 0; i < raw.length; i += STAT_CONCURRENCY) {
    const batch = raw.slice(i, i + STAT_CONCURRENCY).map((e) => describe(realDir, e, opts));
    for (const entry of await Promise.all(batch)) if (entry !== null) entries.push(entry);
  }
  return { entries, truncated };
}

/** The entry as shown, or null when it is hidden (gone, unreadable, special, or a link out). */
async function describe(
  dir: string,
  e: Deno.DirEntry,
  opts: ListingOptions,
): Promise<ListingEntry | null> {
  const path = join(dir, e.name);
  try {
    const st = await Deno.stat(path);
    if (!st.isFile && !st.isDirectory) return null; // FIFOs, sockets, devices are never served
    // hidden: a name a --hide pattern matches
    if (!await opts.allowed(path, st.isDirectory)) return null;
    if (e.isSymlink) {
      // hidden: a link whose target the server would refuse (outside the root, into a
      // dot-folder, private, broken) — listing it would also leak the target's size and time
      if (!await opts.allowed(await Deno.realPath(path), st.isDirectory)) return null;
    }
    const kind = st.isDirectory ? "dir" : "file";
    return {
      name: e.name,
      type: e.isSymlink ? "symlink" : kind,
      ...(e.isSymlink ? { target: kind } : {}),
      size: st.isDirectory ? 0 : st.size,
      mtime: st.mtime,
    };
  } catch (err) {
    throwIfOutOfDescriptors(err);
    return null;
  }
}

/** Whether an entry opens as a folder (a folder, or a link to one). */
export function isFolder(e: ListingEntry): boolean {
  return e.type === "dir" || e.target === "dir";
}

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** Sorts in place: folders first, then by `key` in `order` (ties by name, ascending). */
export function sortListing(entries: ListingEntry[], key: SortKey, order: SortOrder): void {
  const sign = order === "desc" ? -1 : 1;
  entries.sort((a, b) => {
    const folders = Number(isFolder(b)) - Number(isFolder(a));
    if (folders !== 0) return folders;
    const byName = collator.compare(a.name, b.name) || (a.name < b.name ? -1 : 1);
    let d = 0;
    if (key === "size") d = a.size - b.size;
    else if (key === "date") d = (a.mtime?.getTime() ?? 0) - (b.mtime?.getTime() ?? 0);
    else return sign * byName;
    // Ties on size or date stay in name order whatever the direction: easier to scan.
    return d === 0 ? byName : sign * d;
  });
}
