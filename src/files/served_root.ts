/**
 * One folder served over HTTP: resolve a raw URL path inside it (`safe_path.ts`), look the
 * result up in a bounded cache that checks symlinks (`file_cache.ts`), and answer for a file —
 * from memory when small, through an open-and-fstat for large ones. Both the shared folder at
 * `/files/` and the web root at `/` are one of these.
 *
 * This module must not know about routes or listings.
 * @module
 */

import { resolve } from "node:path";
import { HiddenPaths } from "../app/hidden_paths.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { FileCache, type FileFacts, type PathFacts } from "./file_cache.ts";
import { answerWithoutOpen, serveFile, type ShortRanges } from "./file_response.ts";
import { HeldFiles } from "./held_files.ts";
import { rangeOfBytes } from "./partial_response.ts";
import { SYNC_READ_MAX_BYTES } from "../http/file_sender.ts";
import type { ByteRange } from "./ranges.ts";
import type { FileServeContext } from "./file_serve_context.ts";
import { wholeResponse } from "./whole_response.ts";
import { type Listing, type ListingEntry, readListing, readListingEntry } from "./listing.ts";
import { encodeSegment } from "./listing_text.ts";
import { type FirstFiles, type FirstFilesOptions, readFirstFiles } from "./first_files.ts";
import type { ChangeBoard } from "../app/change_board.ts";
import { textResponse } from "../app/router.ts";
import { resolveSafePath, type SafePathResult } from "./safe_path.ts";
import { openRegularFileQuick } from "./open_regular.ts";
import { throwIfOutOfDescriptors } from "../app/out_of_descriptors.ts";

/** How a folder is served. */
export interface ServedRootOptions {
  /** The folder (relative paths are taken from the working directory, once). */
  root: string;
  /** Serve and list names starting with ".". */
  dotfiles: boolean;
  /**
   * Serve a first folder `.well-known` (RFC 8615) without `dotfiles`: a site's ACME challenges
   * and `security.txt` (default: no; listings still leave it out).
   */
  wellKnown?: boolean;
  /** Follow symlinks whose target is outside the folder. */
  followSymlinks: boolean;
  /** How long file facts are trusted, in ms. */
  statCacheMs: number;
  /** Cache-Control max-age in seconds, or null for `no-cache`. */
  cacheSeconds: number | null;
  /** Mixed into every ETag (see `FileCacheOptions.etagSalt`). */
  etagSalt?: string;
  /** Where writes say what changed (see `FileCacheOptions.changes`). */
  changes?: ChangeBoard;
  /** `--hide` patterns: never resolved, looked up, listed or served (default: none). */
  hidden?: HiddenPaths;
  /**
   * Keep large files open for short reads (`held_files.ts`; default: no). Whoever sets it closes
   * them at the end (`closeHeldFiles`).
   */
  holdFiles?: boolean;
}

/** A folder served over HTTP. */
export class ServedRoot {
  /** The folder as an absolute path. */
  readonly root: string;
  readonly dotfiles: boolean;
  readonly #wellKnown: boolean;
  /** The `--hide` patterns of this folder. */
  readonly hidden: HiddenPaths;
  readonly cache: FileCache;
  /** Where writes say what changed (null: only this isolate's `invalidate` and the age). */
  readonly changes: ChangeBoard | null;
  readonly #ctx: FileServeContext;
  /** Large files kept open for short reads (null where files are not held: Windows). */
  readonly #held: HeldFiles | null;

  constructor(opts: ServedRootOptions) {
    this.root = resolve(opts.root);
    this.dotfiles = opts.dotfiles;
    this.#wellKnown = opts.wellKnown === true;
    this.hidden = opts.hidden ?? HiddenPaths.NONE;
    this.changes = opts.changes ?? null;
    this.#held = opts.holdFiles === true && HeldFiles.supported ? new HeldFiles() : null;
    this.cache = new FileCache({
      root: this.root,
      dotfiles: opts.dotfiles,
      wellKnown: this.#wellKnown,
      followSymlinks: opts.followSymlinks,
      ttlMs: opts.statCacheMs,
      etagSalt: opts.etagSalt,
      changes: opts.changes,
      hidden: this.hidden,
    });
    this.#ctx = {
      cache: this.cache,
      // no-cache: browsers revalidate every time (cheap with the validators), so edits show
      // up at once; a max-age is the user's explicit choice.
      cacheControl: opts.cacheSeconds === null ? "no-cache" : `max-age=${opts.cacheSeconds}`,
    };
  }

  /** Resolves a raw URL path below the mount (see `resolveSafePath`). */
  resolve(urlPath: string): SafePathResult {
    return resolveSafePath(this.root, urlPath, {
      dotfiles: this.dotfiles,
      wellKnown: this.#wellKnown,
      hidden: this.hidden,
    });
  }

  /**
   * What `fsPath` is; synchronous when fresh in the cache. `maxAgeMs` as for
   * `FileCache.lookup` (0: ask the disk now).
   */
  lookup(fsPath: string, maxAgeMs?: number): PathFacts | Promise<PathFacts> {
    return this.cache.lookup(fsPath, maxAgeMs);
  }

  /**
   * The visible entries of the folder whose real path is `realDir` (from a lookup): the same
   * dotfile, symlink and `--hide` rules as requests; at most `maxEntries` (default
   * MAX_LISTING_ENTRIES). `hold` and `signal` as in `ListingOptions`. Throws when the folder
   * cannot be read (`ListingBusy` when `hold` refused, the signal's reason once it aborted).
   */
  list(
    realDir: string,
    maxEntries?: number,
    hold?: (entries: number) => boolean,
    signal?: AbortSignal,
  ): Promise<Listing> {
    return readListing(realDir, {
      dotfiles: this.dotfiles,
      allowed: (real, isDir) => this.cache.allowed(real, isDir),
      maxEntries,
      hold,
      signal,
    });
  }

  /**
   * The first `count` visible files of the folder whose real path is `realDir`, by `compare`
   * over every name (see `readFirstFiles`), with the same rules as `list`.
   */
  firstFiles(
    realDir: string,
    opts: Omit<FirstFilesOptions, "dotfiles" | "allowed">,
  ): Promise<FirstFiles> {
    return readFirstFiles(realDir, {
      ...opts,
      dotfiles: this.dotfiles,
      allowed: (real, isDir) => this.cache.allowed(real, isDir),
    });
  }

  /**
   * The entry `name` of the folder whose real path is `realDir`, or null where `list` would not
   * show it (see `readListingEntry`): for a few names of a folder too large to list.
   */
  entry(realDir: string, name: string): Promise<ListingEntry | null> {
    return readListingEntry(realDir, name, {
      dotfiles: this.dotfiles,
      allowed: (real, isDir) => this.cache.allowed(real, isDir),
    });
  }

  /**
   * Answers GET/HEAD for the file at `fsPath` with conditionals, ranges and compression; with
   * `status` other than 200 (a `404.html`), the whole file as it is.
   */
  serve(
    req: HttpRequest,
    fsPath: string,
    facts: FileFacts,
    status: number = STATUS.OK,
  ): HttpResponse | Promise<HttpResponse> {
    if (facts.bytes !== null) {
      return status === STATUS.OK
        ? serveFile(req, this.#ctx, fsPath, facts, null)
        : wholeResponse(req, this.#ctx, facts, status, null);
    }
    if (status !== STATUS.OK) return this.#openAndServe(req, fsPath, facts, status);
    // 304, 412, 416 and HEAD need no byte of the file: answered from its facts, as a small
    // file's are, without an open; a short range is read from a file kept open (`held_files.ts`).
    const short: ShortRanges | null = this.#held === null ? null : {
      max: SYNC_READ_MAX_BYTES,
      read: (range) => this.#serveHeldRange(req, fsPath, facts, range),
    };
    return answerWithoutOpen(req, this.#ctx, fsPath, facts, short) ??
      this.#openAndServe(req, fsPath, facts, status);
  }

  /** Closes the files kept open for short reads (at shutdown; they also close when idle). */
  closeHeldFiles(): void {
    this.#held?.close();
  }

  /**
   * The 206 for `range` read from the held descriptor of the file; when the file as held no
   * longer matches `facts`, opened afresh as for any body (which updates the cache).
   */
  #serveHeldRange(
    req: HttpRequest,
    fsPath: string,
    facts: FileFacts,
    range: ByteRange,
  ): HttpResponse | Promise<HttpResponse> {
    const answer = (bytes: Uint8Array | null) =>
      bytes === null
        ? this.#openAndServe(req, fsPath, facts, STATUS.OK)
        : rangeOfBytes(this.#ctx, facts, range, bytes);
    const bytes = this.#held!.read(facts, range.start, range.end - range.start + 1);
    return bytes instanceof Promise ? bytes.then(answer) : answer(bytes);
  }

  /**
   * Opens the file and checks it against `facts`, then answers. The look before the open and the
   * fstat after it are synchronous (short calls that never wait, where each await would be a
   * round trip to a runtime thread that cost more than the call: a 1 KB range of a 300 KB file
   * ran at 0.15× nginx); the open itself is not (`openRegularFileQuick`).
   */
  async #openAndServe(
    req: HttpRequest,
    fsPath: string,
    facts: FileFacts,
    status: number,
  ): Promise<HttpResponse> {
    let file: Deno.FsFile;
    try {
      // refuse: the path may name a FIFO since its facts were cached (its open would wait)
      file = await openRegularFileQuick(facts.realPath);
    } catch (err) {
      // Out of descriptors the file is still there: 503, and the cache keeps what it knows.
      throwIfOutOfDescriptors(err);
      this.cache.invalidate(fsPath);
      return notFound();
    }
    let current: FileFacts;
    try {
      const st = file.statSync();
      // refuse: the path now names something else than a regular file
      if (!st.isFile) throw new Error("Not a regular file");
      current = this.cache.confirm(fsPath, facts, st);
    } catch (err) {
      file.close();
      throwIfOutOfDescriptors(err);
      this.cache.invalidate(fsPath);
      return notFound();
    }
    return status === STATUS.OK
      ? serveFile(req, this.#ctx, fsPath, current, file)
      : wholeResponse(req, this.#ctx, current, status, file);
  }
}

/** The 403 for a folder that is there but that the server is not allowed to read. */
export function unreadableFolder(): HttpResponse {
  return textResponse(STATUS.Forbidden, "Forbidden: the server may not read this folder\n");
}

/** The plain 404 every file route answers with. */
export function notFound(): HttpResponse {
  return textResponse(STATUS.NotFound, "Not found\n");
}

/** The plain answer for a refused path (400 or 404). */
export function refused(status: 400 | 404): HttpResponse {
  return status === STATUS.BadRequest ? textResponse(status, "Bad request path\n") : notFound();
}

/**
 * A 308 to the folder form of a path (RFC 9110 §15.4.9 keeps the method), revalidated at every
 * use (the path may become a file). The Location is
 * rebuilt from the decoded segments, never copied from the request: `//evil.example` must not
 * become a protocol-relative redirect to another host.
 */
export function folderRedirect(mount: string, segments: readonly string[], query: string) {
  const path = mount + segments.map((s) => `${encodeSegment(s)}/`).join("");
  const location = query === "" ? path : `${path}?${query}`;
  const res = textResponse(STATUS.PermanentRedirect, "Moved to the folder URL\n");
  // A 308 is cacheable by default (RFC 9111 §4.2.2): a browser would keep sending `sub` to
  // `sub/` after `sub` became a file. no-cache makes it ask again each time.
  res.headers!.push(["Location", location], ["Cache-Control", "no-cache"]);
  return res;
}
