/**
 * `GET /files/<dir>/?zip` (the name dufs uses): the folder as one zip archive, streamed while it
 * is built — no temp file, the whole archive never in memory — and `?zip&name=a&name=b` for only
 * some entries of the folder.
 *
 * The writer is npm `yazl`, chosen over fflate's `Zip` because it writes ZIP64 records by itself
 * when an entry or the archive passes 4 GiB (fflate has no ZIP64: a large folder would come out
 * as a broken archive), reads each file lazily (one file open at a time, opened when its turn
 * comes), and is driven by Node stream backpressure: nothing is read from disk faster than the
 * socket takes the archive, so memory stays at a few buffers whatever the folder's size.
 *
 * What goes in is what a listing shows (`ServedRoot.list`): no dotfiles unless `--dotfiles`, no
 * `--hide` matches, never the server's reserved names (temp files of uploads in progress, the
 * WebDAV and resumable state folders), and symlinks only where a download would follow them. A
 * folder reached twice through links is archived once. Already-compressed files (images, video,
 * audio, archives) are stored; the rest is deflated.
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

import type { ReadStream } from "node:fs";
import { join } from "node:path";
// @ts-types="@types/yazl"
import type yazlModule from "yazl";
import type { SharedCount } from "../http/shared_count.ts";
import { STATUS } from "../http/status.ts";
import type { HttpResponse } from "../http/types.ts";
import { textResponse } from "../app/router.ts";
import { holdingPlace } from "./held_place.ts";
import { isFolder, type ListingEntry } from "./listing.ts";
import type { ServedRoot } from "./served_root.ts";
import { throwIfOutOfDescriptors } from "../app/out_of_descriptors.ts";

/** Most entries (files and folders) one archive holds; past it the answer is 413. */
export const ZIP_MAX_ENTRIES = 50_000;
/** Bytes read from a file at a time while it is archived. */
const ZIP_READ_BYTES = 64 * 1024;
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

/**
 * Extensions of formats that are compressed already: deflating them again costs CPU for
 * nothing (often a few bytes more), so they are stored.
 */
// deno-fmt-ignore
const STORED_EXTENSIONS: ReadonlySet<string> = new Set([
  "jpg", "jpeg", "png", "gif", "webp", "avif", "heic", "heif", "jxl",
  "mp3", "m4a", "aac", "ogg", "oga", "opus", "flac",
  "mp4", "m4v", "mov", "mkv", "webm", "avi", "ogv",
  "zip", "gz", "tgz", "bz2", "xz", "zst", "7z", "rar", "br", "lz", "lzma",
  "jar", "apk", "docx", "xlsx", "pptx", "odt", "ods", "odp", "epub", "pdf", "woff", "woff2",
]); // deno-fmt-ignore

/**
 * yazl and Node's `fs` streams, loaded on first use: most servers never make an archive, and
 * each worker would otherwise carry them from the start.
 */
let libraries: Promise<{ yazl: typeof yazlModule; fs: typeof import("node:fs") }> | null = null;

function zipLibraries() {
  // @ts-types="@types/yazl"
  return libraries ??= Promise.all([import("yazl"), import("node:fs")]).then(([y, fs]) => ({
    yazl: y.default,
    fs,
  }));
}

/** One entry to archive. */
interface ZipItem {
  /** The name inside the archive ("sub/a.txt"; folders without the final "/"). */
  zipPath: string;
  /**
   * Where to read it: its real path when it was collected (a file reached through a link: what
   * the link led to then, as the listing checked it). A folder: nothing is read.
   */
  path: string;
  folder: boolean;
  mtime: Date;
  /** Its permission bits (rwx), kept in the archive; where the platform has none, yazl's default. */
  mode: number | undefined;
}

/** The file-type bits of a Unix mode in a zip's external attributes (`S_IFREG`, `S_IFDIR`). */
const FILE_TYPE = 0o100000;
const DIR_TYPE = 0o040000;

/**
 * The mode an entry is archived with: its own permission bits, so that unzipping gives a script
 * back its execute bit and a 0600 file stays private (as `zip -r` keeps them). Without them
 * (Windows), yazl's default (0664, folders 0775).
 */
function zipMode(item: ZipItem, type: number): { mode?: number } {
  return item.mode === undefined ? {} : { mode: type | item.mode };
}

/** Why the archive cannot be made. */
class ZipRefusal extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Whether `name` is stored rather than deflated in an archive. */
export function storedInZip(name: string): boolean {
  const dot = name.lastIndexOf(".");
  return dot > 0 && STORED_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
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
}

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
    return {
      status: STATUS.ServiceUnavailable,
      headers: [["Content-Type", "text/plain; charset=utf-8"], ["Retry-After", "5"]],
      body: `Too many zip downloads at once (${MAX_ZIPS_RUNNING}); try again shortly\n`,
    };
  }
  let held = true;
  const release = () => {
    if (held) running.add(-1);
    held = false;
  };
  let items: ZipItem[];
  try {
    items = await collect(
      root,
      realDir,
      names,
      limits.folderEntries,
      limits.entries ?? ZIP_MAX_ENTRIES,
    );
  } catch (err) {
    release();
    if (err instanceof ZipRefusal) return textResponse(err.status, `${err.message}\n`);
    throwIfOutOfDescriptors(err);
    return textResponse(STATUS.NotFound, "Not found\n"); // the folder went away or is unreadable
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

/** Every entry to archive, in archive order (a folder before what it holds). */
async function collect(
  root: ServedRoot,
  realDir: string,
  names: readonly string[] | null,
  folderEntries: number,
  maxEntries: number,
): Promise<ZipItem[]> {
  const items: ZipItem[] = [];
  const seen = new Set<string>([realDir]);
  const add = (item: ZipItem) => {
    if (items.length === maxEntries) {
      throw new ZipRefusal(
        STATUS.ContentTooLarge,
        `The folder holds more than ${maxEntries} entries: too many for one zip`,
      );
    }
    items.push(item);
  };
  const walk = async (dir: string, prefix: string, only: readonly string[] | null) => {
    const entries = only === null ? await listed(dir) : await named(dir, only);
    for (const e of entries) {
      const path = join(dir, e.name);
      const zipPath = prefix + e.name;
      const mtime = e.mtime ?? new Date();
      const mode = e.mode;
      if (!isFolder(e)) {
        // A plain file's path is real, as its folder's is; a link's is resolved now, once.
        const real = e.type === "symlink" ? await Deno.realPath(path) : path;
        add({ zipPath, path: real, folder: false, mtime, mode });
        continue;
      }
      // A folder reached again through a link (a loop, or two links to one place) goes in once.
      const real = e.type === "symlink" ? await Deno.realPath(path) : path;
      if (seen.has(real)) continue;
      seen.add(real);
      add({ zipPath, path: real, folder: true, mtime, mode });
      await walk(real, `${zipPath}/`, null);
    }
  };
  // A folder's entries as its listing shows them, refused if the listing would be cut short.
  const listed = async (dir: string): Promise<ListingEntry[]> => {
    // Read no more than the archive can still take (one more tells it is too many): a folder of
    // a million entries is not held in memory to learn that 50,000 are too many.
    const room = maxEntries - items.length;
    const listing = await root.list(dir, Math.min(folderEntries, room + 1));
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

/**
 * The archive's bytes as they are made. yazl pulls each file through a read stream when its
 * turn comes; the output is read only as fast as the socket takes it (the writer awaits each
 * piece), and yazl's pipes hold the file reads back meanwhile. If the client goes away the
 * archive and the file being read are destroyed, so no file stays open.
 *
 * A file is read minutes after it was collected, at the socket's pace, and a client may swap it,
 * or a folder above it, for a link meanwhile. So (refuse:) each is opened by the real path
 * recorded when it was collected, and only if that path is still real (no link on the way):
 * else — or if it is gone — the archive ends there with an error (the connection is cut, the
 * client holds a broken archive, never another file's bytes under the name). This narrows the
 * window to the one GET of a single file has (`file_cache.ts`).
 */
async function* archiveOf(items: readonly ZipItem[]): AsyncGenerator<Uint8Array> {
  const { yazl, fs } = await zipLibraries();
  const zip = new yazl.ZipFile();
  let current: ReadStream | null = null;
  for (const item of items) {
    if (item.folder) {
      zip.addEmptyDirectory(item.zipPath, { mtime: item.mtime, ...zipMode(item, DIR_TYPE) });
      continue;
    }
    zip.addReadStreamLazy(
      item.zipPath,
      { mtime: item.mtime, compress: !storedInZip(item.zipPath), ...zipMode(item, FILE_TYPE) },
      (done: (err: Error | null, stream: NodeJS.ReadableStream) => void) => {
        stillReal(item.path).then((real) => {
          if (!real) return fail(new Error(`Changed or gone since it was listed: ${item.zipPath}`));
          current = fs.createReadStream(item.path, { highWaterMark: ZIP_READ_BYTES });
          current.on("error", fail); // a read that fails ends the archive, never the process
          done(null, current);
        }, (err) => fail(err as Error));
      },
    );
  }
  zip.end();
  const output = zip.outputStream;
  // yazl reports a file it could not take on the ZipFile; the archive ends there, in error.
  function fail(err: Error) {
    (output as unknown as { destroy(err: Error): void }).destroy(err);
  }
  zip.on("error", fail);
  try {
    for await (const piece of output) yield piece as Uint8Array;
  } finally {
    // Normal end: both are finished already. Cut off: stop reading and close the file.
    (current as ReadStream | null)?.destroy();
    (output as unknown as { destroy(): void }).destroy();
  }
}

/** Whether `path` is still its own real path: it exists and no link lies on the way to it. */
async function stillReal(path: string): Promise<boolean> {
  try {
    return await Deno.realPath(path) === path;
  } catch (err) {
    throwIfOutOfDescriptors(err);
    return false;
  }
}

/**
 * `attachment` with the name as an ASCII fallback and as UTF-8 (RFC 6266 §4.3, RFC 8187), so
 * every browser saves it under its own name.
 */
export function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
