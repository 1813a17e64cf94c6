/**
 * Reading a folder for a listing: the entries a client may see (no dotfiles unless allowed, no
 * `--hide` matches, no symlinks that lead where the server would refuse to go, no FIFOs or
 * devices), with their sizes and times, sorted folders first. Bounded: at most
 * MAX_LISTING_ENTRIES are read unless the caller asks for another cap (the listing page and zips
 * read up to `--max-listing`). The cap is met in the file system's order, before any sorting: a
 * truncated listing is the first entries read, sorted, not the first of the sorted folder (that
 * would need every entry in memory, which the cap is there to prevent). Whatever lists a folder — the listing page, a zip, a search,
 * the templates' folder data (`first_files.ts`, through `describeEntry`) — reads it here, so
 * each leaves out the same entries.
 *
 * This module must not know about HTTP or HTML: the renderers take its entries.
 * @module
 */

import { join } from "node:path";
import { isReservedName } from "../app/reserved_names.ts";
import { servableName } from "./safe_path.ts";
import { throwIfOutOfDescriptors } from "../app/out_of_descriptors.ts";

/**
 * Most entries a search reads of one folder; the rest is reported as truncated. The listing
 * page and zips read with `--max-listing` instead; the templates' folder data looks at every
 * name (`first_files.ts`).
 */
export const MAX_LISTING_ENTRIES = 10_000;
/**
 * stat calls made between two turns of the event loop while reading a listing. They are
 * synchronous: an asynchronous stat is a hop through the thread pool, ~30 µs against ~2 µs, and
 * 100,000 entries took 3–5 s that way (PROPFIND, synchronous, was 5× faster). A turn every
 * thousand keeps the worker answering its other connections meanwhile.
 */
const STATS_PER_TURN = 1_000;
/** The nine rwx bits of a mode. */
const PERMISSION_BITS = 0o777;

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
  /** The permission bits (`st_mode & 0o777`; a link's: its target's), where the platform has them. */
  mode?: number;
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
  /**
   * Asked for `HOLD_STEP` more places each time the entries read pass another `HOLD_STEP`
   * (none for the first): false stops the read with `ListingBusy`. A listing being read holds
   * its entries as surely as one being sent, so a caller that caps those counts them here.
   */
  hold?: (entries: number) => boolean;
  /**
   * Stops the read (it throws the signal's reason) once aborted: checked every HOLD_STEP entries
   * read and every STATS_PER_TURN described, so a read nobody waits for any more stops.
   */
  signal?: AbortSignal;
}

/** Entries read between two `hold` calls. */
export const HOLD_STEP = 1_000;

/** The read was stopped: `hold` refused more places. */
export class ListingBusy extends Error {
  constructor() {
    super("Cannot read the folder now: too many large folders are held");
    this.name = "ListingBusy";
  }
}

/** Sort keys a listing accepts. */
export type SortKey = "name" | "size" | "date";
/** Sort directions. */
export type SortOrder = "asc" | "desc";

/**
 * Throws `PermissionDenied` when the folder at `realDir`, whose names were read, may not be
 * entered: its names can be read (`r`) but nothing in it looked at (no `x`), so every entry's
 * stat fails and the folder would show as empty — a sync client (rclone sync) then deletes its
 * copies of what it holds (a probe saw it). One entry, `name`, is looked at (lstat: only the
 * folder's own permission counts, not where a link leads); gone meanwhile is no answer either way.
 */
export function throwIfNotEnterable(realDir: string, name: string): void {
  try {
    Deno.lstatSync(join(realDir, name));
  } catch (err) {
    if (err instanceof Deno.errors.PermissionDenied) throw err;
  }
}

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
    if (raw.length % HOLD_STEP === 0) opts.signal?.throwIfAborted();
    // refuse: concurrent reads of a large folder would each hold it whole before any cap on
    // held entries is asked (a thousand at once took one worker past 700 MB: an attack probe)
    if (opts.hold && raw.length > 0 && raw.length % HOLD_STEP === 0 && !opts.hold(HOLD_STEP)) {
      throw new ListingBusy();
    }
    raw.push(e);
  }
  if (raw.length > 0) throwIfNotEnterable(realDir, raw[0].name);
  const entries: ListingEntry[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (i > 0 && i % STATS_PER_TURN === 0) {
      await nextTurn();
      opts.signal?.throwIfAborted();
    }
    const entry = await describeEntry(realDir, raw[i], opts);
    if (entry !== null) entries.push(entry);
  }
  return { entries, truncated };
}

/**
 * The entry `name` of the folder at `realDir` as its listing would show it, or null when the
 * listing would not (missing, a dotfile, a reserved or unservable name, a `--hide` match, a link
 * out): the same rules as {@link readListing}, without reading the folder, whatever its size.
 * `name` is one entry: a path is null. Throws only when out of file descriptors.
 */
export async function readListingEntry(
  realDir: string,
  name: string,
  opts: Pick<ListingOptions, "dotfiles" | "allowed">,
): Promise<ListingEntry | null> {
  if (!opts.dotfiles && name.startsWith(".")) return null;
  if (isReservedName(name) || !servableName(name) || name.includes("/")) return null;
  let st: Deno.FileInfo;
  try {
    st = await Deno.lstat(join(realDir, name));
  } catch (err) {
    throwIfOutOfDescriptors(err);
    return null;
  }
  return describeEntry(realDir, {
    name,
    isSymlink: st.isSymlink,
    isFile: st.isFile,
    isDirectory: st.isDirectory,
  }, opts);
}

/** The entry as shown, or null when it is hidden (gone, unreadable, special, or a link out). */
export async function describeEntry(
  dir: string,
  e: Deno.DirEntry,
  opts: Pick<ListingOptions, "dotfiles" | "allowed">,
): Promise<ListingEntry | null> {
  const path = join(dir, e.name);
  try {
    const st = Deno.statSync(path); // synchronous: see STATS_PER_TURN
    if (!st.isFile && !st.isDirectory) return null; // FIFOs, sockets, devices are never served
    // hidden: a name a --hide pattern matches
    if (!await opts.allowed(path, st.isDirectory)) return null;
    if (e.isSymlink) {
      // hidden: a link whose target the server would refuse (outside the root, into a
      // dot-folder, private, broken) — listing it would also leak the target's size and time
      if (!await opts.allowed(Deno.realPathSync(path), st.isDirectory)) return null;
    }
    const kind = st.isDirectory ? "dir" : "file";
    return {
      name: e.name,
      type: e.isSymlink ? "symlink" : kind,
      ...(e.isSymlink ? { target: kind } : {}),
      size: st.isDirectory ? 0 : st.size,
      mtime: st.mtime,
      ...(st.mode !== null ? { mode: st.mode & PERMISSION_BITS } : {}),
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

/** The order of a listing: folders first, then by `key` in `order` (ties by name, ascending). */
function listingOrder(
  key: SortKey,
  order: SortOrder,
): (a: ListingEntry, b: ListingEntry) => number {
  const sign = order === "desc" ? -1 : 1;
  return (a, b) => {
    const folders = Number(isFolder(b)) - Number(isFolder(a));
    if (folders !== 0) return folders;
    const byName = collator.compare(a.name, b.name) || (a.name < b.name ? -1 : 1);
    let d = 0;
    if (key === "size") d = a.size - b.size;
    else if (key === "date") d = (a.mtime?.getTime() ?? 0) - (b.mtime?.getTime() ?? 0);
    else return sign * byName;
    // Ties on size or date stay in name order whatever the direction: easier to scan.
    return d === 0 ? byName : sign * d;
  };
}

/** Sorts in place: folders first, then by `key` in `order` (ties by name, ascending). */
export function sortListing(entries: ListingEntry[], key: SortKey, order: SortOrder): void {
  entries.sort(listingOrder(key, order));
}

/** From this many entries {@link sortListingInTurns} leaves the event loop turns. */
export const SORT_IN_TURNS_FROM = 8_192;
/** Entries sorted, or merged, between two turns of the event loop. */
const SORT_RUN = 4_096;

/**
 * The same order as {@link sortListing}, giving the event loop a turn every
 * few thousand entries: a collated, numeric compare costs ~0.5 µs, so 100,000 names took ~1 s of
 * the worker's thread in one `sort`, and every other request on the worker waited. Runs of
 * SORT_RUN entries are sorted, then merged pairwise (stable, like `Array.prototype.sort`; the
 * order is total anyway, since names in one folder differ). Returns the sorted entries: `entries`
 * itself, sorted in place, when it is short; a new array otherwise.
 */
export async function sortListingInTurns(
  entries: ListingEntry[],
  key: SortKey,
  order: SortOrder,
  turn: () => Promise<void> = nextTurn,
): Promise<ListingEntry[]> {
  const compare = listingOrder(key, order);
  if (entries.length < SORT_IN_TURNS_FROM) return entries.sort(compare);
  let runs: ListingEntry[][] = [];
  for (let i = 0; i < entries.length; i += SORT_RUN) {
    runs.push(entries.slice(i, i + SORT_RUN).sort(compare));
    await turn();
  }
  while (runs.length > 1) {
    const merged: ListingEntry[][] = [];
    for (let i = 0; i < runs.length; i += 2) {
      merged.push(i + 1 < runs.length ? await merge(runs[i], runs[i + 1], compare, turn) : runs[i]);
    }
    runs = merged;
  }
  return runs[0];
}

/** Merges two sorted runs (`a` first on ties), with a turn every SORT_RUN entries. */
async function merge(
  a: ListingEntry[],
  b: ListingEntry[],
  compare: (x: ListingEntry, y: ListingEntry) => number,
  turn: () => Promise<void>,
): Promise<ListingEntry[]> {
  const out = new Array<ListingEntry>(a.length + b.length);
  let i = 0, j = 0, k = 0;
  while (i < a.length && j < b.length) {
    out[k++] = compare(b[j], a[i]) < 0 ? b[j++] : a[i++];
    if (k % SORT_RUN === 0) await turn();
  }
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/** A turn of the event loop: a timer, so sockets are polled (a microtask would not let them). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
