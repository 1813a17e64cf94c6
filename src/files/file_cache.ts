/**
 * What a path inside a served root is — missing, a folder, or a file with its validators and,
 * when small, its bytes — cached per path and checked against the disk at most once per
 * `ttlMs`. Every awaited fs call is a thread-pool hop, and one `stat` per request halves a fast
 * server, so hot files answer from memory; the cache is bounded by entries and bytes.
 *
 * Security: this is where symlinks are checked. A path that resolved lexically inside the root
 * (`safe_path.ts`) can still leave it through a symlink, so the real path is computed
 * (`Deno.realPath`) and must lie below the real root, and — unless dotfiles are allowed — must
 * not pass through a dot-folder inside the root (a link `docs -> .git` would otherwise publish
 * it), and must not match a `--hide` pattern (a link to a private file is private). A path whose
 * real path lies outside the root (a followed link on the way) is also only as visible as the
 * folder its URL names it in: outside the root its real path holds the names of the link's target
 * and below, not the folders it was reached through, so a private folder reached through a link
 * (`notes -> ../ext/private`) hides everything below it too. A precompressed
 * sibling (`x.js.gz`) is held to the same rules as its own URL would be. Only regular files are
 * served: a FIFO would block a reader forever and a device never
 * ends. Files are later opened by their real path, which narrows (but, without `openat2`'s
 * RESOLVE_BENEATH in Deno, cannot close) the window in which a local user who can write inside
 * the root swaps a checked folder for a symlink.
 *
 * This module must not know about HTTP requests or responses.
 * @module
 */

import { basename, dirname, join, posix, win32 } from "node:path";
import type { ChangeBoard } from "../app/change_board.ts";
import { realSpelling } from "../app/real_spelling.ts";
import { contentTypeFor, storedCodingFor } from "./content_type.ts";
import { fileEtag } from "../app/etag.ts";
import { HiddenPaths } from "../app/hidden_paths.ts";
import { isReservedName } from "../app/reserved_names.ts";
import {
  baseName,
  describeFile,
  type FileFacts,
  mayBeRacy,
  type PathFacts,
  readOrNull,
  type Sibling,
  sibling,
  siblingIsCurrent,
  SMALL_FILE_MAX_BYTES,
} from "./file_facts.ts";
import { throwIfOutOfDescriptors } from "../app/out_of_descriptors.ts";
import { realPathOrNull } from "../app/real_path_inside.ts";
import { holdsDotfile } from "./safe_path.ts";

export { SMALL_FILE_MAX_BYTES };
export type { FileFacts, PathFacts, Sibling } from "./file_facts.ts";

/** Most bytes of file contents the cache holds. */
export const MAX_CACHE_BYTES = 32 * 1024 * 1024;
/** Most paths the cache remembers (hits, misses and folders alike). */
export const MAX_CACHE_ENTRIES = 8192;
/** Bytes counted for an entry besides its contents (names, headers, objects). */
const ENTRY_OVERHEAD_BYTES = 512;

/** How the cache checks paths. */
export interface FileCacheOptions {
  /** The served root (absolute). */
  root: string;
  /** Serve targets outside the root reached through symlinks. */
  followSymlinks: boolean;
  /** Serve paths through dot-folders. */
  dotfiles: boolean;
  /** Serve a first folder `.well-known` without `dotfiles` (see `holdsDotfile`). */
  wellKnown?: boolean;
  /** How long facts are trusted, in ms (0: check every time). */
  ttlMs: number;
  /** `--hide` patterns, checked on the real path below the real root (default: none). */
  hidden?: HiddenPaths;
  /**
   * Mixed into every ETag (etagc characters only). For files whose times may be missing or
   * meaningless — the UI embedded in a compiled binary — the program version keeps a new
   * release's files from matching an old release's tags.
   */
  etagSalt?: string;
  /**
   * Where writes (on any worker) say what changed: an entry whose bucket moved since it was read
   * is read again, whatever its age. Without one, only `invalidate` and the age do.
   */
  changes?: ChangeBoard;
}

interface Entry {
  facts: PathFacts;
  checkedAt: number;
  bytes: number;
  /** The path's bucket on the change board, and its counter before the disk was read. */
  bucket: number;
  stamp: number;
  /** The same for its real path when that differs (a link on the way): -1 when it does not. */
  realBucket: number;
  realStamp: number;
  /**
   * The board's write count before the disk was read, when a link inside the share is on the
   * way (removing or replacing that link names none of the paths below it): null otherwise.
   */
  linkStamp: number | null;
  /**
   * Whether its real path lies outside the root (a followed link on the way): then it is shown
   * only while the folder above it (by path, not real path) is, which each lookup asks the cache.
   */
  outside: boolean;
}

/** The bucket and counter of a looked-up path's real path, noted before the disk is read. */
interface RealStamp {
  bucket: number;
  stamp: number;
  /** Whether a link below the root (not only the root's own spelling) is on the way. */
  linkInShare: boolean;
}

const MISSING: PathFacts = Object.freeze({ kind: "missing" });

/** A bounded cache of {@link PathFacts} per file-system path. */
export class FileCache {
  #opts: FileCacheOptions;
  #entries = new Map<string, Entry>();
  #pending = new Map<string, Promise<Entry>>();
  #bytes = 0;
  #realRoot: string | null = null;
  #sep: string;
  #salt: string;
  #changes: ChangeBoard | null;
  #hidden: HiddenPaths;
  /** The root as given, without a final separator (unless it is the file-system root). */
  #top: string;
  /** `#top` with a final separator: what every path below the root starts with. */
  #topPrefix: string;

  constructor(opts: FileCacheOptions) {
    this.#changes = opts.changes ?? null;
    this.#opts = opts;
    this.#sep = Deno.build.os === "windows" ? win32.sep : posix.sep;
    this.#salt = opts.etagSalt ?? "";
    this.#hidden = opts.hidden ?? HiddenPaths.NONE;
    const root = opts.root;
    this.#top = root.length > 1 && root.endsWith(this.#sep) ? root.slice(0, -1) : root;
    this.#topPrefix = this.#top.endsWith(this.#sep) ? this.#top : this.#top + this.#sep;
  }

  /**
   * Facts about `fsPath` (a path below the root); synchronous when fresh in the cache (and, for
   * a path reached through a link out of the root, when the folders on its way are too). Facts
   * older than `maxAgeMs` (default: the cache's ttl) are checked against the disk first; 0 always
   * checks (templates read their sources that way, so a render never uses old bytes).
   */
  lookup(fsPath: string, maxAgeMs: number = this.#opts.ttlMs): PathFacts | Promise<PathFacts> {
    const entry = this.#entries.get(fsPath);
    if (entry !== undefined && Date.now() - entry.checkedAt < maxAgeMs && this.#unchanged(entry)) {
      return entry.outside ? this.#ifFolderShown(fsPath, entry.facts, maxAgeMs) : entry.facts;
    }
    let pending = this.#pending.get(fsPath);
    if (pending === undefined) {
      pending = this.#refresh(fsPath, entry?.facts).finally(() => this.#pending.delete(fsPath));
      this.#pending.set(fsPath, pending);
    }
    return pending.then((e) =>
      e.outside ? this.#ifFolderShown(fsPath, e.facts, maxAgeMs) : e.facts
    );
  }

  /** `facts` (of `fsPath`) when {@link #folderShown}, else missing. */
  #ifFolderShown(
    fsPath: string,
    facts: PathFacts,
    maxAgeMs: number,
  ): PathFacts | Promise<PathFacts> {
    const shown = this.#folderShown(fsPath, maxAgeMs);
    if (shown instanceof Promise) return shown.then((yes) => yes ? facts : MISSING);
    return shown ? facts : MISSING;
  }

  /**
   * Whether the folder above `fsPath` (a path whose real path lies outside the root) is shown.
   * refuse: outside the root the real path holds only the names from the link's target down, so
   * `notes/p.txt` with `notes -> ../ext/private` would be judged as `p.txt`, never as `notes`
   * itself was — but a hidden folder hides everything below it, however deep, whatever the link
   * is called. Asked of the cache, by path: one cached lookup per folder up to the first whose
   * real path is inside the root (which judges its whole real path), so a retargeted link is seen
   * as soon as that folder's entry is read again.
   */
  #folderShown(fsPath: string, maxAgeMs: number): boolean | Promise<boolean> {
    const folder = dirname(fsPath);
    // Not below the root by its spelling: no folder of the share is on its way to judge.
    if (folder === fsPath || !this.#belowTop(folder)) return true;
    const above = this.lookup(folder, maxAgeMs);
    return above instanceof Promise ? above.then((f) => f.kind === "dir") : above.kind === "dir";
  }

  /** Whether `fsPath` is the root or below it, by its spelling (no disk access). */
  #belowTop(fsPath: string): boolean {
    return fsPath === this.#top || fsPath.startsWith(this.#topPrefix);
  }

  /** Forgets `fsPath` (its file changed under an open response). */
  invalidate(fsPath: string): void {
    const entry = this.#entries.get(fsPath);
    if (entry === undefined) return;
    this.#entries.delete(fsPath);
    this.#bytes -= entry.bytes;
  }

  /**
   * The facts for a file just opened at `fsPath` whose `fstat` is `st`: `facts` itself when
   * nothing changed, else fresh facts (without cached bytes) that replace the cached ones, so
   * the validators and length sent describe the bytes about to be read.
   */
  confirm(fsPath: string, facts: FileFacts, st: Deno.FileInfo): FileFacts {
    const mtimeMs = st.mtime?.getTime() ?? 0;
    const ino = st.ino ?? null;
    const ctimeMs = st.ctime?.getTime() ?? 0;
    if (
      st.size === facts.size && mtimeMs === facts.mtimeMs && ino === facts.ino &&
      ctimeMs === facts.ctimeMs
    ) return facts;
    // A sibling that was current may be older than the file rewritten since: drop it then.
    const current = (s: Sibling | null) =>
      s !== null && siblingIsCurrent(s, { mtimeMs, ctimeMs }) ? s : null;
    const fresh: FileFacts = {
      ...describeFile(facts.realPath, st, facts.contentType, this.#salt, facts.storedCoding),
      br: current(facts.br),
      gzip: current(facts.gzip),
    };
    const entry = this.#entries.get(fsPath);
    if (entry !== undefined && entry.facts === facts) {
      this.#bytes -= entry.bytes - ENTRY_OVERHEAD_BYTES;
      entry.bytes = ENTRY_OVERHEAD_BYTES;
      entry.facts = fresh;
    }
    return fresh;
  }

  /** Remembers a compressed form of a small file, within the byte budget. */
  remember(fsPath: string, facts: FileFacts, coding: "br" | "gzip", data: Uint8Array): void {
    facts.encoded[coding] = data;
    const entry = this.#entries.get(fsPath);
    if (entry === undefined || entry.facts !== facts) return;
    entry.bytes += data.length;
    this.#bytes += data.length;
    this.#evict();
  }

  /**
   * Whether `real` (a real path) may be served: inside the real root, not via a dot-folder, not
   * matched by a `--hide` pattern, not a hidden real path (the settings file, wherever it
   * lies). `isDir` says whether it is a folder; null when unknown, and then folder-only patterns
   * (`private/`) apply too. `via`, when given, is the path (below the root, by its spelling) that
   * led to `real`: when `real` lies outside the root, the folder above `via` must be shown as
   * well, as for {@link lookup} (a file in a private folder reached through a link is private).
   * Without it, a real path outside the root is judged by its own name alone.
   */
  async allowed(real: string, isDir: boolean | null = null, via?: string): Promise<boolean> {
    const root = await this.#root();
    if (root === null) return false;
    // refuse: a private file by its real path (the settings file), inside the root or outside it
    // — a followed link to it is as private as it is
    if (this.#hidden.hidesRealPath(real)) return false;
    if (real === root) return true;
    const prefix = root.endsWith(this.#sep) ? root : root + this.#sep;
    if (!real.startsWith(prefix)) {
      // refuse: a symlink leads outside the shared folder (unless the user allowed that)
      if (!this.#opts.followSymlinks) return false;
      // Outside the root only the name itself can be held to the patterns (those that match a
      // name wherever it lies: an anchored one has no top to match from out here)...
      const name = real.slice(real.lastIndexOf(this.#sep) + 1);
      if (this.#hidden.hidesName(name, isDir)) return false;
      // ...and the folders it was reached through, by the cache (see #folderShown).
      return via === undefined || await this.#folderShown(via, this.#opts.ttlMs);
    }
    const segments = real.slice(prefix.length).split(this.#sep);
    // refuse: the server's own names (upload temp files and state, WebDAV properties) are never
    // served, whatever the flags — a half-written upload or another client's metadata is not a file
    if (segments.some(isReservedName)) return false;
    // refuse: a link inside the root pointing into a dot-folder would publish it
    if (!this.#opts.dotfiles && holdsDotfile(segments, this.#opts.wellKnown === true)) return false;
    // refuse: a private path, reached by its real name (a link to it is as private as it is)
    return !this.#hidden.hides(segments, isDir);
  }

  async #root(): Promise<string | null> {
    if (this.#realRoot === null) {
      try {
        this.#realRoot = await Deno.realPath(this.#opts.root);
      } catch (err) {
        throwIfOutOfDescriptors(err);
        return null; // the root is missing right now: everything is missing, try again later
      }
    }
    return this.#realRoot;
  }

  /** Whether no write was marked on the board under the entry's path or its real path. */
  #unchanged(entry: Entry): boolean {
    const board = this.#changes;
    return board === null || (board.stamp(entry.bucket) === entry.stamp &&
      (entry.realBucket < 0 || (board.stamp(entry.realBucket) === entry.realStamp &&
        (entry.linkStamp === null || board.writes() === entry.linkStamp))));
  }

  async #refresh(fsPath: string, previous: PathFacts | undefined): Promise<Entry> {
    // The stamp is read before the disk: a write that lands while we read moves it past ours.
    const bucket = this.#changes?.bucketOf(fsPath) ?? 0;
    const stamp = this.#changes?.stamp(bucket) ?? 0;
    const writes = this.#changes?.writes() ?? 0;
    const real: RealStamp = { bucket: -1, stamp: 0, linkInShare: false };
    const facts = await this.#load(fsPath, previous, real);
    const old = this.#entries.get(fsPath);
    if (old !== undefined) {
      this.#entries.delete(fsPath);
      this.#bytes -= old.bytes;
    }
    const bytes = ENTRY_OVERHEAD_BYTES + contentBytes(facts);
    const entry: Entry = {
      facts,
      checkedAt: Date.now(),
      bytes,
      bucket,
      stamp,
      realBucket: real.bucket,
      realStamp: real.stamp,
      linkStamp: real.linkInShare ? writes : null,
      outside: facts.kind !== "missing" && !this.#insideRealRoot(facts.realPath),
    };
    // Re-inserting moves the path to the end: eviction takes the least recently checked first.
    this.#entries.set(fsPath, entry);
    this.#bytes += bytes;
    this.#evict();
    return entry;
  }

  /** Whether `real` is the real root or lies below it (unsure, the root not known yet: no). */
  #insideRealRoot(real: string): boolean {
    const root = this.#realRoot;
    if (root === null) return false;
    return real === root || real.startsWith(root.endsWith(this.#sep) ? root : root + this.#sep);
  }

  #evict(): void {
    for (const [path, entry] of this.#entries) {
      if (this.#bytes <= MAX_CACHE_BYTES && this.#entries.size <= MAX_CACHE_ENTRIES) return;
      this.#entries.delete(path);
      this.#bytes -= entry.bytes;
    }
  }

  async #load(
    fsPath: string,
    previous: PathFacts | undefined,
    noted: RealStamp,
  ): Promise<PathFacts> {
    // A file last seen at its own spelling (no link on the way) that one lstat shows unchanged
    // needs neither its real path nor a stat again: the same inode at the same path, of the same
    // size and times, is the file these facts describe. A file under load is checked once per
    // TTL, so this halves or more the operations that cost (the others are its siblings').
    if (previous?.kind === "file" && previous.realPath === fsPath && !mayBeRacy(previous)) {
      const same = await unchangedAt(fsPath, previous);
      if (same !== null) return await this.#withSiblings(same, previous);
    }
    const real = await this.#resolve(fsPath, noted);
    if (real === null) return MISSING; // not found, permission denied, a loop of links
    let st: Deno.FileInfo;
    try {
      st = await Deno.stat(real);
      // The stat comes first: whether `private/` matches depends on the path being a folder.
      if (!await this.allowed(real, st.isDirectory)) return MISSING;
    } catch (err) {
      // Out of descriptors is not "missing": it must not be cached as such (see out_of_descriptors.ts).
      throwIfOutOfDescriptors(err);
      return MISSING; // gone since, or permission denied: all look missing
    }
    if (st.isDirectory) return { kind: "dir", realPath: real };
    // refuse: only regular files — a FIFO blocks the reader, a device never ends
    if (!st.isFile) return MISSING;
    const mtimeMs = st.mtime?.getTime() ?? 0;
    const ino = st.ino ?? null;
    const contentType = contentTypeFor(baseName(fsPath));
    const same = previous?.kind === "file" && previous.realPath === real &&
      previous.size === st.size && previous.mtimeMs === mtimeMs && previous.ino === ino &&
      previous.ctimeMs === (st.ctime?.getTime() ?? 0) && !mayBeRacy(previous) &&
      previous.contentType === contentType;
    const facts: FileFacts = same
      ? { ...(previous as FileFacts) }
      : describeFile(real, st, contentType, this.#salt, storedCodingFor(baseName(fsPath)));
    if (!same && st.size <= SMALL_FILE_MAX_BYTES) {
      const bytes = await readOrNull(real);
      if (bytes === null) return MISSING;
      if (bytes.length !== st.size) {
        // It changed between stat and read: describe what was read; the next check catches up.
        facts.size = bytes.length;
        facts.etag = fileEtag(bytes.length, mtimeMs, facts.ctimeMs, ino, this.#salt);
      }
      if (bytes.length <= SMALL_FILE_MAX_BYTES) facts.bytes = bytes;
    }
    return await this.#withSiblings(facts, previous);
  }

  /** `facts` with its precompressed siblings looked up (when its type is worth compressing). */
  async #withSiblings(facts: FileFacts, previous: PathFacts | undefined): Promise<FileFacts> {
    if (facts.compressible) {
      const old = previous?.kind === "file" ? previous : null;
      const small = facts.bytes !== null;
      const at = { mtimeMs: facts.mtimeMs, ctimeMs: facts.ctimeMs };
      const real = facts.realPath;
      facts.br = await this.#sibling(`${real}.br`, "br", at, old?.br ?? null, small);
      facts.gzip = await this.#sibling(`${real}.gz`, "gz", at, old?.gzip ?? null, small);
      // A changed sibling makes on-demand forms irrelevant only if the file changed: keep them.
    }
    return facts;
  }

  /**
   * The real path of `fsPath`, or null when nothing is there. When a link on the way makes the
   * real path differ from `fsPath`, its bucket and counter go into `noted` before the caller
   * reads the disk: a write made under another spelling bumps that real path (`changed` marks
   * both), so the entry sees it at once.
   */
  async #resolve(fsPath: string, noted: RealStamp): Promise<string | null> {
    const real = await realPathOrNull(fsPath);
    if (real !== null || this.#changes === null) {
      if (real !== null) this.#note(fsPath, real, noted);
      return real;
    }
    // Nothing there: a file created under another spelling bumps this one's real spelling. Note
    // it, then look again — the creation may have landed between the first look and the note.
    const spelled = await this.#spelling(fsPath);
    if (spelled === fsPath) return null; // no link on the way: the path's own stamp covers it
    this.#note(fsPath, spelled, noted);
    const now = await realPathOrNull(fsPath);
    if (now !== null) this.#note(fsPath, now, noted);
    return now;
  }

  /**
   * The real spelling of `fsPath` (`real_spelling.ts`). A folder in the root is itself looked up
   * here, so a run of misses in one folder (a scanner's 404s) resolves it once per TTL, not once
   * each.
   */
  async #spelling(fsPath: string): Promise<string> {
    const folder = dirname(fsPath);
    const root = this.#opts.root;
    const inRoot = folder === root ||
      folder.startsWith(root.endsWith(this.#sep) ? root : root + this.#sep);
    // Without a TTL the folder's facts would be read again each time: resolve it directly then.
    if (inRoot && this.#opts.ttlMs > 0) {
      const facts = await this.lookup(folder);
      if (facts.kind === "dir") return join(facts.realPath, basename(fsPath));
    }
    return await realSpelling(fsPath);
  }

  #note(fsPath: string, real: string, noted: RealStamp): void {
    const board = this.#changes;
    if (board === null || real === fsPath) return;
    noted.bucket = board.bucketOf(real);
    noted.stamp = board.stamp(noted.bucket);
    noted.linkInShare ||= this.#linkInShare(fsPath, real);
  }

  /**
   * Whether `real` differs from `fsPath` below the root, not only in the root's own spelling (a
   * share reached through a link makes every real path differ; only a link inside it can be
   * removed by a request). Unsure (the real root not known yet): yes.
   */
  #linkInShare(fsPath: string, real: string): boolean {
    const realRoot = this.#realRoot;
    if (realRoot === null) return true;
    const root = this.#opts.root.endsWith(this.#sep) && this.#opts.root.length > 1
      ? this.#opts.root.slice(0, -1)
      : this.#opts.root;
    if (!fsPath.startsWith(root) || !real.startsWith(realRoot)) return true;
    return fsPath.slice(root.length) !== real.slice(realRoot.length);
  }

  /**
   * The precompressed sibling at `path` (beside the file's real path), or null when absent or
   * when it could not be served by its own URL.
   */
  async #sibling(
    path: string,
    suffix: string,
    source: { mtimeMs: number; ctimeMs: number },
    old: Sibling | null,
    wantBytes: boolean,
  ): Promise<Sibling | null> {
    // refuse: a sibling is sent in place of its file, so it passes the same rules as a request
    // for it by name — otherwise `--hide '*.gz'` hides `x.js.gz` at its URL while its bytes go
    // out as the gzip form of `x.js`. `sibling` lstats and ignores links, so `path` (a name in
    // the file's real folder) is the sibling's real path.
    if (!await this.allowed(path, false)) return null;
    return sibling(path, suffix, source, old, wantBytes, this.#salt);
  }
}

/**
 * A copy of `previous` when an lstat of `fsPath` shows the same regular file (inode, size, mtime,
 * ctime), else null (changed, gone, a link now, or the lstat failed: the full check decides).
 */
async function unchangedAt(fsPath: string, previous: FileFacts): Promise<FileFacts | null> {
  let st: Deno.FileInfo;
  try {
    st = await Deno.lstat(fsPath);
  } catch {
    return null;
  }
  if (
    !st.isFile || st.size !== previous.size || (st.mtime?.getTime() ?? 0) !== previous.mtimeMs ||
    (st.ino ?? null) !== previous.ino || (st.ctime?.getTime() ?? 0) !== previous.ctimeMs
  ) return null;
  return { ...previous };
}

function contentBytes(facts: PathFacts): number {
  if (facts.kind !== "file") return 0;
  return (facts.bytes?.length ?? 0) + (facts.br?.bytes?.length ?? 0) +
    (facts.gzip?.bytes?.length ?? 0) + (facts.encoded.br?.length ?? 0) +
    (facts.encoded.gzip?.length ?? 0);
}
