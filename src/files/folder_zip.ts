/**
 * `GET /files/<dir>/?zip` (the name dufs uses): the folder as one zip archive, streamed while it
 * is built — no temp file, the whole archive never in memory — and `?zip&name=a&name=b` for only
 * some entries of the folder.
 *
 * This module decides what goes in; the archive's bytes are made by `zip_archive.ts`.
 *
 * What goes in is what a listing shows (`ServedRoot.list`): no dotfiles unless `--dotfiles`, no
 * `--hide` matches, never the server's reserved names (temp files of uploads in progress, the
 * WebDAV and resumable state folders), and symlinks only where a download would follow them. A
 * folder goes in once, under its own name: a link to a folder inside what is zipped is left out
 * (what it leads to is there under its real name), and of links to one place outside it the first
 * in name order wins (`WalkedTrees`). Already-compressed files (images, video, audio, archives)
 * are stored; the rest is deflated.
 *
 * Bounds: ZIP_MAX_ENTRIES entries (the names are collected before the first byte goes out, so
 * the answer can still be a 413); a folder the listing truncates (past `--max-listing`, the same
 * cap the listing page reads with) is refused, rather than zipped with files silently missing;
 * the named entries of a selection are looked up by name, so a selection made in a folder too
 * large to list whole is zipped (only the folders it holds are held to the cap).
 *
 * This module must not resolve request paths: it receives a checked folder.
 * @module
 */

import { join } from "node:path";
import type { SharedCount } from "../http/shared_count.ts";
import { STATUS } from "../http/status.ts";
import type { HttpResponse } from "../http/types.ts";
import { textResponse } from "../app/router.ts";
import { holdingPlace } from "./held_place.ts";
import { isFolder, ListingBusy, type ListingEntry, sortListingInTurns } from "./listing.ts";
import { type HeldEntries, heldEntries, HeldPlaces } from "./held_entries.ts";
import { type ServedRoot, unreadableFolder } from "./served_root.ts";
import { WalkedTrees } from "./walked_trees.ts";
import { archiveOf, type ZipItem } from "./zip_archive.ts";
import { throwIfOutOfDescriptors } from "../app/out_of_descriptors.ts";

/** Most entries (files and folders) one archive holds; past it the answer is 413. */
export const ZIP_MAX_ENTRIES = 50_000;
/**
 * Archives being made at once by the whole server (all workers); past it a zip request gets 503
 * with Retry-After.
 */
export const MAX_ZIPS_RUNNING = 32;
/**
 * The caching fields of an archive, which its 304 repeats (RFC 9110 §15.4.5): it is built anew
 * at each request from what is on disk now, so there is nothing to revalidate against.
 */
export const ZIP_CACHING: ReadonlyArray<[string, string]> = [
  ["Cache-Control", "no-store"],
];
/** The archive's name for the share itself (its folder has no name in URLs). */
export const ROOT_ZIP_NAME = "files.zip";

/** Why the archive cannot be made. */
class ZipRefusal extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** How large an archive may be. */
export interface ZipLimits {
  /**
   * Most entries the listing page shows of one folder (`--max-listing`): a folder, or any folder
   * below it, holding more is refused with 413, as its listing would be truncated.
   */
  folderEntries: number;
  /** Most entries in the whole archive (default ZIP_MAX_ENTRIES). */
  entries?: number;
  /**
   * The server-wide count of listing entries held in memory, and its cap (`held_entries.ts`): an
   * archive holds its entry list (and yazl its records) until it ends, so its entries count there
   * from the reading of their folders to the archive's end; past the cap, 503. Without it, 32
   * archives of 50,000 entries took a worker to 1.5–3 GB (an attack probe).
   */
  held?: HeldEntries;
}

/** Entries counted against `ZipLimits.held` at a time. */
const HOLD_STEP = 1_000;

/**
 * The answer for `?zip` on the folder whose real path is `realDir`, named `folderName` (empty
 * for the share's root). `names`: only these entries of the folder (single segments; each must
 * be listed there, else 404); null for the whole folder.
 */
export async function zipResponse(
  root: ServedRoot,
  realDir: string,
  folderName: string,
  names: readonly string[] | null,
  running: SharedCount,
  limits: ZipLimits,
): Promise<HttpResponse> {
  // refuse: each archive being made holds its entry list, yazl's records and a deflate state
  // (~3.5 MB for 2,000 files, measured by an attack probe: 600 stalled downloads took 2 GB).
  // `running` counts archives server-wide from this check to their end, cut-off or discard: the
  // place is taken here, atomically, so two requests (in two workers, or one whose head went out
  // before its archive started) can never both take the last one.
  if (!running.tryAdd(1, MAX_ZIPS_RUNNING)) {
    return busy(`Too many zip downloads at once (${MAX_ZIPS_RUNNING}); try again shortly\n`);
  }
  // Places taken by the folder reads (a step at a time as they read) and by the entries kept
  // beyond what the reads took (small folders read without taking any).
  const held = new HeldPlaces(limits.held ?? heldEntries());
  let placed = true;
  const release = () => {
    if (placed) {
      running.add(-1);
      held.release();
    }
    placed = false;
  };
  let items: ZipItem[];
  try {
    items = await collect(
      root,
      realDir,
      names,
      limits.folderEntries,
      limits.entries ?? ZIP_MAX_ENTRIES,
      held,
    );
  } catch (err) {
    release();
    if (err instanceof ZipRefusal) return textResponse(err.status, `${err.message}\n`);
    if (err instanceof ListingBusy) {
      return busy("Too many large folders are being zipped or listed at once; try again shortly\n");
    }
    throwIfOutOfDescriptors(err);
    if (err instanceof Deno.errors.PermissionDenied) return unreadableFolder(); // as its listing
    return textResponse(STATUS.NotFound, "Not found\n"); // the folder went away
  }
  const fileName = folderName === "" ? ROOT_ZIP_NAME : `${folderName}.zip`;
  return {
    status: STATUS.OK,
    headers: [
      ["Content-Type", "application/zip"],
      ["Content-Disposition", attachment(fileName)],
      ...ZIP_CACHING,
    ],
    body: { kind: "stream", stream: holdingPlace(archiveOf(items), release) },
  };
}

/** A 503 that asks the client to come back in a few seconds. */
function busy(text: string): HttpResponse {
  return {
    status: STATUS.ServiceUnavailable,
    headers: [["Content-Type", "text/plain; charset=utf-8"], ["Retry-After", "5"]],
    body: text,
  };
}

/** A name that starts like a Windows drive (`C:`, `a:b.txt`). */
const DRIVE_LIKE = /^[A-Za-z]:/;

/** Every entry to archive, in archive order (a folder before what it holds). */
async function collect(
  root: ServedRoot,
  realDir: string,
  names: readonly string[] | null,
  folderEntries: number,
  maxEntries: number,
  held: HeldPlaces,
): Promise<ZipItem[]> {
  const items: ZipItem[] = [];
  // What is zipped whole: the folder, or the real folders of a selection (a selected link to a
  // folder is followed like a link inside, in `walk`).
  const trees = new WalkedTrees(
    names === null ? [realDir] : await selectedFolders(root, realDir, names),
  );
  // Every folder archived, by real path: even a link to a folder above a tree archives each once.
  const seen = new Set<string>([realDir]);
  const add = (item: ZipItem) => {
    if (items.length === maxEntries) {
      throw new ZipRefusal(
        STATUS.ContentTooLarge,
        `The folder holds more than ${maxEntries} entries: too many for one zip`,
      );
    }
    // A place for each entry kept: taken by the read of its folder, else a step at a time here
    // (the first step too: many small archives add up).
    if (items.length >= held.places && !held.hold(HOLD_STEP)) throw new ListingBusy();
    items.push(item);
  };
  // Whether the folder `dir` was walked: false for a folder below the top that the server may not
  // read, which is left out (as a search leaves it out; it made the whole archive a 404 before).
  const walk = async (
    dir: string,
    prefix: string,
    only: readonly string[] | null,
  ): Promise<boolean> => {
    let found: ListingEntry[];
    try {
      found = only === null ? await listed(dir) : await named(dir, only);
    } catch (err) {
      if (prefix !== "" && err instanceof Deno.errors.PermissionDenied) return false;
      throw err;
    }
    // By name: which of two links to one place goes in is the same on every run.
    const entries = await sortListingInTurns(found, "name", "asc");
    for (const e of entries) {
      // At the top of an archive `a:b.txt` reads as a Windows drive path (zip tools, yazl
      // included, refuse it as absolute): such a name is served and listed, but not zipped there.
      if (prefix === "" && DRIVE_LIKE.test(e.name)) continue;
      const path = join(dir, e.name);
      const zipPath = prefix + e.name;
      const mtime = e.mtime ?? new Date();
      const mode = e.mode;
      if (!isFolder(e)) {
        // A plain file's path is real, as its folder's is; a link's is resolved now, once.
        const real = e.type === "symlink" ? await Deno.realPath(path) : path;
        add({ zipPath, path: real, folder: false, size: e.size, mtime, mode });
        continue;
      }
      // A folder reached again through a link (a loop, a link to a folder zipped under its own
      // name, two links to one place) goes in once.
      const real = e.type === "symlink" ? await Deno.realPath(path) : path;
      if (e.type === "symlink" && !trees.follow(real)) continue;
      if (seen.has(real)) continue;
      seen.add(real);
      add({ zipPath, path: real, folder: true, size: 0, mtime, mode });
      if (!(await walk(real, `${zipPath}/`, null))) items.pop(); // its entry, added just above
    }
    return true;
  };
  // A folder's entries as its listing shows them, refused if the listing would be cut short.
  const listed = async (dir: string): Promise<ListingEntry[]> => {
    // Read no more than the archive can still take (one more tells it is too many): a folder of
    // a million entries is not held in memory to learn that 50,000 are too many.
    const room = maxEntries - items.length;
    // The read takes places as it goes (`held`): past the cap it stops, before a crowd of archives
    // of large folders holds them all in memory at once.
    const listing = await root.list(dir, Math.min(folderEntries, room + 1), held.hold);
    if (listing.truncated) {
      throw new ZipRefusal(
        STATUS.ContentTooLarge,
        folderEntries <= room
          ? "A folder holds more entries than one listing shows: too many for one zip"
          : `The folder holds more than ${maxEntries} entries: too many for one zip`,
      );
    }
    return listing.entries;
  };
  // The named entries of a folder, each looked up by its name with the listing's rules: a
  // selection is what the listing page showed, so however large the folder, only the folders
  // inside the selection are held to the listing's cap.
  const named = async (dir: string, only: readonly string[]): Promise<ListingEntry[]> => {
    const entries = new Map<string, ListingEntry>();
    for (const name of only) {
      if (entries.has(name)) continue;
      const found = await root.entry(dir, name);
      // refuse: a name the listing does not show (missing, hidden, reserved) is not there
      if (found === null) throw new ZipRefusal(STATUS.NotFound, "Not found");
      entries.set(name, found);
    }
    return [...entries.values()];
  };
  await walk(realDir, "", names);
  return items;
}

/** The real paths of the selected entries of `realDir` that are folders themselves (not links). */
async function selectedFolders(
  root: ServedRoot,
  realDir: string,
  names: readonly string[],
): Promise<string[]> {
  const folders: string[] = [];
  for (const name of new Set(names)) {
    const e = await root.entry(realDir, name);
    if (e !== null && e.type === "dir") folders.push(join(realDir, name));
  }
  return folders;
}

/**
 * `attachment` with the name as an ASCII fallback and as UTF-8 (RFC 6266 §4.3, RFC 8187), so
 * every browser saves it under its own name. The fallback has no `%` either: some agents decode
 * `%XX` in `filename=` (RFC 6266 Appendix D), and `dir%2Fx.zip` must not come out as `dir/x.zip`.
 */
export function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\%]/g, "_");
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
