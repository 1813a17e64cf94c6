/**
 * The bytes of a folder zip, made while they are sent, from a list of entries collected
 * beforehand (`folder_zip.ts`).
 *
 * The writer is npm `yazl`, chosen over fflate's `Zip` because it writes ZIP64 records by itself
 * when an entry or the archive passes 4 GiB (fflate has no ZIP64: a large folder would come out
 * as a broken archive) and is driven by Node stream backpressure: nothing is read from disk faster
 * than the socket takes the archive, so memory stays at a few buffers whatever the folder's size.
 * Files are handed to yazl one at a time, each once the one before is read: one file open at a
 * time, opened when its turn comes.
 *
 * Every entry must be readable by a streaming reader (Java's `ZipInputStream`, `jar x`, `bsdtar`
 * from a pipe), which knows an entry's end only from its local header, or from deflate's own end
 * mark. So a deflated entry may give its CRC and sizes after its data (a data descriptor), but a
 * stored one must give them before: each stored file is read twice, first for its CRC (a native
 * `zlib.crc32`), then into the archive. Measured on a 200 MB stored file from the page cache,
 * `curl -o /dev/null ?zip` took 1.0–1.1 s instead of 0.8 s; deflating it at level 1 instead would
 * have cost 2.2 s more and made it 5% larger. A stored file too large for the local header's 32-bit sizes (yazl writes no ZIP64
 * extra field there) is deflated instead.
 *
 * This module must not resolve request paths or list folders: it archives what it is given.
 * @module
 */

import type { ReadStream } from "node:fs";
// @ts-types="@types/yazl"
import type yazlModule from "yazl";
import { throwIfOutOfDescriptors } from "../app/out_of_descriptors.ts";
import { openRegularFile } from "./open_regular.ts";

/** Bytes read from a file at a time while it is archived. */
const ZIP_READ_BYTES = 64 * 1024;
/** Bytes read at a time by a stored file's first read, for its CRC (fewer calls: faster). */
const CRC_READ_BYTES = 1024 * 1024;
/** Largest size a local file header holds (32 bits; yazl writes no ZIP64 extra field there). */
const LOCAL_HEADER_MAX_SIZE = 0xfffffffe;

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

/** Whether `name` is stored rather than deflated in an archive. */
export function storedInZip(name: string): boolean {
  const dot = name.lastIndexOf(".");
  return dot > 0 && STORED_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

/** One entry to archive. */
export interface ZipItem {
  /** The name inside the archive ("sub/a.txt"; folders without the final "/"). */
  zipPath: string;
  /**
   * Where to read it: its real path when it was collected (a file reached through a link: what
   * the link led to then, as the listing checked it). A folder: nothing is read.
   */
  path: string;
  folder: boolean;
  /** Bytes when it was listed: the most that is read of it, and the least (0 for folders). */
  size: number;
  mtime: Date;
  /** Its permission bits (rwx), kept in the archive; where the platform has none, yazl's default. */
  mode: number | undefined;
}

/**
 * yazl, Node's `fs`, an empty `Buffer` and `zlib.crc32`, loaded on first use: most servers never
 * make an archive, and each worker would otherwise carry them from the start.
 */
let libraries:
  | Promise<{
    yazl: typeof yazlModule;
    fs: typeof import("node:fs");
    empty: Buffer;
    crc32: (data: Uint8Array, value?: number) => number;
  }>
  | null = null;

function zipLibraries() {
  return libraries ??= Promise.all([
    // @ts-types="@types/yazl"
    import("yazl"),
    import("node:fs"),
    import("node:zlib"),
    import("node:buffer"),
  ]).then(([y, fs, zlib, buffer]) => ({
    yazl: y.default,
    fs,
    empty: buffer.Buffer.alloc(0),
    crc32: zlib.crc32,
  }));
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

/** 1980-01-01T00:00:00Z: the earliest time a zip's DOS date can hold. */
const ZIP_EARLIEST_MS = Date.UTC(1980, 0, 1);
/** The latest second the unsigned 32-bit time of yazl's extended-timestamp field can hold. */
const ZIP_LATEST_MS = (2 ** 32 - 1) * 1000;

/**
 * `mtime` within what a zip entry can record. A file dated before 1970 made yazl throw while
 * writing the central directory (its extended timestamp is written unsigned), after every byte of
 * data had gone out: the client got a cut, unreadable archive for one old file anywhere in the
 * folder. The DOS date cannot go below 1980 anyway, so earlier times are given as 1980, as
 * Info-ZIP's zip does.
 */
export function zipTime(mtime: Date): Date {
  const ms = mtime.getTime();
  if (ms >= ZIP_EARLIEST_MS && ms <= ZIP_LATEST_MS) return mtime;
  return new Date(Number.isNaN(ms) || ms < ZIP_EARLIEST_MS ? ZIP_EARLIEST_MS : ZIP_LATEST_MS);
}

/**
 * The fields of a yazl 3 entry that `addBuffer` fills before the entry's local header is written:
 * set here for a stored file whose CRC was read first, so that its header holds them and no data
 * descriptor follows (yazl has no option for it). `tests/files/zip_archive_test.ts` pins them.
 */
interface KnownEntry {
  crcAndFileSizeKnown: boolean;
  crc32: number | null;
  compressedSize: number | null;
  uncompressedSize: number | null;
}

/**
 * The archive's bytes as they are made. The output is read only as fast as the socket takes it
 * (the writer awaits each piece), and yazl's pipes hold the file reads back meanwhile. If the
 * client goes away the archive and the file being read are destroyed, so no file stays open.
 *
 * A file is read minutes after it was collected, at the socket's pace, and a client may swap it,
 * or a folder above it, for a link meanwhile. So (refuse:) each is opened by the real path
 * recorded when it was collected, and only if that path is still real (no link on the way):
 * else — or if it is gone, or holds fewer bytes than when it was listed, or a stored file changed
 * between its two reads — the archive ends there with an error (the connection is cut, the client
 * holds a broken archive, never another file's bytes under the name, never a file silently cut
 * short). A file that grew is read up to its listed size: the archive holds what the listing
 * showed. This narrows the window to the one GET of a single file has (`file_cache.ts`).
 */
export async function* archiveOf(items: readonly ZipItem[]): AsyncGenerator<Uint8Array> {
  const { yazl, fs, empty, crc32 } = await zipLibraries();
  const zip = new yazl.ZipFile();
  const output = zip.outputStream;
  let current: ReadStream | null = null;
  let stopped = false;
  // yazl reports a file it could not take on the ZipFile; the archive ends there, in error.
  const fail = (err: Error) => {
    stopped = true; // nothing more is added to an archive that ended
    (output as unknown as { destroy(err: Error): void }).destroy(err);
  };
  zip.on("error", fail);

  /** The CRC-32 of the first `size` bytes of `path`; throws if it holds fewer. */
  const crcOf = async (item: ZipItem): Promise<number> => {
    using file = await openRegularFile(item.path);
    const buffer = new Uint8Array(CRC_READ_BYTES);
    let crc = 0;
    let left = item.size;
    while (left > 0 && !stopped) {
      const n = await file.read(left < buffer.length ? buffer.subarray(0, left) : buffer);
      if (n === null) throw new Error(`Shorter than when it was listed: ${item.zipPath}`);
      crc = crc32(buffer.subarray(0, n), crc);
      left -= n;
    }
    return crc;
  };

  /** Hands yazl one file and waits until its bytes are read (or the archive stopped). */
  const addFile = async (item: ZipItem) => {
    const { zipPath, size } = item;
    const options = { mtime: zipTime(item.mtime), ...zipMode(item, FILE_TYPE) };
    // A file the server may not read is left out, as a search leaves out a folder it may not
    // read: found now, before its header is written (it was listed; its contents are another
    // matter). It cut the archive off at that file before.
    if (!(await readable(item.path))) return;
    if (size === 0) {
      // Nothing to read: its CRC and sizes are known, and nothing of a link can leak.
      zip.addBuffer(empty, zipPath, { ...options, compress: false });
      return;
    }
    const stored = storedInZip(zipPath) && size <= LOCAL_HEADER_MAX_SIZE;
    if (stored && !(await stillRealFile(item.path))) throw changed(zipPath);
    const crc = stored ? await crcOf(item) : null;
    // refuse: a link swapped in during the CRC read must not have its target's CRC sent in the
    // header (checked again, as the read itself is, when the bytes are read).
    if (stored && !(await stillRealFile(item.path))) throw changed(zipPath);
    if (stopped) return;
    await new Promise<void>((finished) => {
      const add = () =>
        zip.addReadStreamLazy(
          zipPath,
          { ...options, compress: !stored, size },
          (done: (err: Error | null, stream: NodeJS.ReadableStream) => void) => {
            stillRealFile(item.path).then((real) => {
              if (!real) {
                finished();
                return fail(changed(zipPath));
              }
              // Up to the listed size: yazl refuses fewer bytes than `size` ("unexpected number
              // of bytes"), so a file that shrank ends the archive in error.
              const file = fs.createReadStream(item.path, {
                highWaterMark: ZIP_READ_BYTES,
                end: size - 1,
              });
              current = file;
              file.on("error", fail); // a read that fails ends the archive, never the process
              file.on("close", () => finished());
              done(null, file);
            }, (err) => {
              finished();
              fail(err as Error);
            });
          },
        );
      if (crc === null) add();
      else addKnowing(zip, crc, size, add, () => fail(changed(zipPath)));
    });
  };

  const entries = new DoneEntries(zip);
  /** Resolves once the output has room again, or the archive stopped (the client left). */
  const room = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        output.off("drain", done);
        output.off("close", done);
        resolve();
      };
      output.on("drain", done);
      output.on("close", done);
    });
  const feed = async () => {
    for (const item of items) {
      if (stopped) return;
      entries.setAside();
      if (item.folder) {
        zip.addEmptyDirectory(item.zipPath, {
          mtime: zipTime(item.mtime),
          ...zipMode(item, DIR_TYPE),
        });
      } else await addFile(item);
      // An empty file or folder is written in the call that adds it, waiting for nothing: past
      // the output's high-water mark, wait for the client to read (a folder of 50,000 empty files
      // is otherwise written to memory in one go, blocking the thread, however slow the client).
      if ((output as unknown as { writableNeedDrain: boolean }).writableNeedDrain && !stopped) {
        await room();
      }
    }
    entries.restore();
    zip.end();
  };
  feed().catch((err) => {
    if (!stopped) fail(err instanceof Error ? err : new Error(String(err)));
  });
  try {
    for await (const piece of output) yield piece as Uint8Array;
  } finally {
    // Normal end: both are finished already. Cut off: stop reading and close the file.
    stopped = true;
    (current as ReadStream | null)?.destroy();
    (output as unknown as { destroy(): void }).destroy();
  }
}

/** yazl's `Entry.FILE_DATA_DONE`: the entry's local header and data are all written. */
const FILE_DATA_DONE = 3;

/**
 * Keeps yazl's entry list short while the archive is written. yazl looks for the next entry to
 * write by scanning its list from the start at every step, so an archive of n entries costs n²/2
 * looks: seconds of a blocked thread for 50,000 small entries. Entries already written are moved
 * aside before each new one (the scan then starts at the one being written), and put back in
 * order before `end()`, when yazl writes the central directory from the whole list.
 */
class DoneEntries {
  readonly #entries: Array<{ state: number }>;
  readonly #done: Array<{ state: number }> = [];

  constructor(zip: yazlModule.ZipFile) {
    const entries = (zip as unknown as { entries?: Array<{ state: number }> }).entries;
    if (!Array.isArray(entries)) throw unexpectedYazl();
    this.#entries = entries;
  }

  /** Moves the written entries at the front of yazl's list aside. */
  setAside(): void {
    const entries = this.#entries;
    let written = 0;
    while (written < entries.length && entries[written].state >= FILE_DATA_DONE) written++;
    if (written === 0) return;
    for (let i = 0; i < written; i++) this.#done.push(entries[i]);
    entries.splice(0, written);
  }

  /** Puts every entry back in yazl's list, in archive order. */
  restore(): void {
    const pending = this.#entries.splice(0);
    for (const entry of this.#done) this.#entries.push(entry);
    for (const entry of pending) this.#entries.push(entry);
    this.#done.length = 0;
  }
}

/** The error that ends an archive when a file is not what was listed. */
function changed(zipPath: string): Error {
  return new Error(`Changed or gone since it was listed: ${zipPath}`);
}

/**
 * Runs `add`, which adds one entry, giving that entry its CRC and sizes as it joins the list:
 * yazl writes an entry's local header in the same call that adds it, so there is no later moment.
 * yazl sets the entry's CRC again from the bytes it archived, at their end and before it writes
 * anything more: a CRC that differs from the first read's (the file changed between the reads)
 * calls `changed` there, which ends the archive before a central directory could vouch for it.
 */
function addKnowing(
  zip: yazlModule.ZipFile,
  crc: number,
  size: number,
  add: () => void,
  changed: () => void,
): void {
  const entries = (zip as unknown as { entries?: KnownEntry[] }).entries;
  if (!Array.isArray(entries)) throw unexpectedYazl();
  const before = entries.length;
  entries.push = (...added: KnownEntry[]) => {
    for (const entry of added) {
      if (typeof entry.crcAndFileSizeKnown !== "boolean" || !("crc32" in entry)) {
        throw unexpectedYazl();
      }
      entry.crcAndFileSizeKnown = true;
      entry.compressedSize = size;
      entry.uncompressedSize = size;
      Object.defineProperty(entry, "crc32", {
        get: () => crc,
        set: (archived: number) => {
          if (archived !== crc) changed();
        },
      });
    }
    return Array.prototype.push.apply(entries, added);
  };
  try {
    add();
  } finally {
    delete (entries as { push?: unknown }).push; // back to Array.prototype.push
  }
  if (entries.length !== before + 1) throw unexpectedYazl();
}

function unexpectedYazl(): Error {
  return new Error("yazl's entries are not as expected: its version changed");
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
 * `stillReal`, and a regular file: one swapped for a FIFO would hold the read (and the archive)
 * until a writer came (see `open_regular.ts`).
 */
async function stillRealFile(path: string): Promise<boolean> {
  if (!(await stillReal(path))) return false;
  try {
    return (await Deno.stat(path)).isFile;
  } catch (err) {
    throwIfOutOfDescriptors(err);
    return false;
  }
}

/**
 * Whether the file at `path` opens for reading: false only when the server is not allowed to
 * (anything else, gone or changed, is for the read itself to meet and end the archive on).
 */
async function readable(path: string): Promise<boolean> {
  try {
    (await openRegularFile(path)).close();
    return true;
  } catch (err) {
    throwIfOutOfDescriptors(err);
    return !(err instanceof Deno.errors.PermissionDenied);
  }
}
