/**
 * Every file a template touches, read through the web root's `ServedRoot` — so the same rules as
 * a request hold for a page, an include, a Markdown file and a listed folder: the path stays
 * below the root (`resolveSafePath`), symlinks may not lead out or into a dot-folder, dotfiles
 * and `--hide` matches are missing, and only regular files are read.
 *
 * Reads ask the disk now (`lookup(…, 0)`), not the stat cache: a render must never capture old
 * bytes under a new validator. What a read returns carries the tag the render cache compares
 * later (`fileTag`, `folderTag`) to know whether the page must be rendered again.
 *
 * This module must not know the template language or HTTP.
 * @module
 */

import { createHash } from "node:crypto";
import { join } from "node:path";
import {
  encodeSegment,
  type ListingEntry,
  type PathFacts,
  type SafePathOk,
  type ServedRoot,
} from "../files/mod.ts";
import { type PostMeta, readPostMeta } from "./front_matter.ts";
import {
  MAX_FOLDER_ENTRIES,
  MAX_FOLDER_NAMES,
  MAX_META_CACHE_ENTRIES,
  MAX_SOURCE_BYTES,
  META_READ_BYTES,
} from "./template_limits.ts";
import { throwIfOutOfDescriptors } from "../app/out_of_descriptors.ts";
import { openRegularFile } from "../files/mod.ts";

/** A source file's text, or why there is none. */
export type SourceResult =
  | { ok: true; text: string; fsPath: string; tag: string }
  | { ok: false; problem: "missing" | "too large"; fsPath: string | null };

/**
 * A folder's first MAX_FOLDER_ENTRIES visible files by name (`byName`) whose names end with
 * `ext` (any case), or why there are none. `namesRead`: every name the folder holds.
 */
export type FolderResult =
  | {
    ok: true;
    fsPath: string;
    realDir: string;
    entries: ListingEntry[];
    namesRead: number;
    tag: string;
  }
  | { ok: false; problem: "missing" | "too many"; fsPath: string | null };

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/**
 * The order of names in a folder's data: as people read them (`post2` before `post10`, case
 * aside), then by code units so that names the collator finds equal still have one order.
 */
export function byName(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

const MARKDOWN = /\.(md|markdown)$/i;
const decoder = new TextDecoder();

interface MetaEntry {
  size: number;
  mtimeMs: number;
  meta: PostMeta;
}

/** The template side of a web root. */
export class TemplateFiles {
  readonly #root: ServedRoot;
  readonly #meta = new Map<string, MetaEntry>();

  constructor(root: ServedRoot) {
    this.#root = root;
  }

  /**
   * The checked place of a web-root path given as decoded `segments`, or null when the root's
   * rules refuse it (outside, a dotfile, private, malformed).
   */
  resolve(segments: readonly string[]): SafePathOk | null {
    const path = this.#root.resolve(segments.map(encodeSegment).join("/"));
    return path.ok ? path : null;
  }

  /** The text of the file at `segments`, read now. */
  async read(segments: readonly string[]): Promise<SourceResult> {
    const path = this.resolve(segments);
    if (path === null) return { ok: false, problem: "missing", fsPath: null };
    const facts = await this.#root.lookup(path.fsPath, 0);
    if (facts.kind !== "file") return { ok: false, problem: "missing", fsPath: path.fsPath };
    if (facts.size > MAX_SOURCE_BYTES) {
      return { ok: false, problem: "too large", fsPath: path.fsPath };
    }
    let bytes = facts.bytes;
    if (bytes === null) {
      try {
        bytes = await Deno.readFile(facts.realPath);
      } catch (err) {
        throwIfOutOfDescriptors(err); // the source is there: 503, not a "missing" error box
        return { ok: false, problem: "missing", fsPath: path.fsPath };
      }
      if (bytes.length > MAX_SOURCE_BYTES) {
        return { ok: false, problem: "too large", fsPath: path.fsPath };
      }
    }
    return { ok: true, text: decoder.decode(bytes), fsPath: path.fsPath, tag: facts.etag };
  }

  /** The first files of the folder at `segments` whose names end with `ext`, read now. */
  async list(segments: readonly string[], ext: string | null): Promise<FolderResult> {
    const path = this.resolve(segments);
    if (path === null) return { ok: false, problem: "missing", fsPath: null };
    return await this.#listAt(path.fsPath, ext);
  }

  /** What a file dependency looks like now: its ETag, or null when it is not a readable file. */
  async fileTag(fsPath: string): Promise<string | null> {
    const facts: PathFacts = await this.#root.lookup(fsPath, 0);
    return facts.kind === "file" ? facts.etag : null;
  }

  /**
   * What a folder dependency looks like now: a digest of the entries `list` gives for `ext`, or
   * null. Files past the first MAX_FOLDER_ENTRIES cannot change the page, so they are not in it.
   */
  async folderTag(fsPath: string, ext: string | null): Promise<string | null> {
    const listed = await this.#listAt(fsPath, ext);
    return listed.ok ? listed.tag : null;
  }

  /**
   * A listed Markdown file's title, date and description, from its first META_READ_BYTES;
   * remembered while its size and time stay the same. Other files say nothing (all null).
   */
  async meta(realDir: string, entry: ListingEntry): Promise<PostMeta> {
    const none: PostMeta = { title: null, date: null, description: null };
    if (!MARKDOWN.test(entry.name)) return none;
    const path = join(realDir, entry.name);
    const mtimeMs = entry.mtime?.getTime() ?? 0;
    const known = this.#meta.get(path);
    if (known !== undefined && known.size === entry.size && known.mtimeMs === mtimeMs) {
      return known.meta;
    }
    const head = await readHead(path);
    const meta = head === null ? none : readPostMeta(decoder.decode(head));
    this.#meta.delete(path);
    this.#meta.set(path, { size: entry.size, mtimeMs, meta });
    if (this.#meta.size > MAX_META_CACHE_ENTRIES) {
      this.#meta.delete(this.#meta.keys().next().value!);
    }
    return meta;
  }

  async #listAt(fsPath: string, ext: string | null): Promise<FolderResult> {
    const facts = await this.#root.lookup(fsPath, 0);
    if (facts.kind !== "dir") return { ok: false, problem: "missing", fsPath };
    try {
      const first = await this.#root.firstFiles(facts.realPath, {
        count: MAX_FOLDER_ENTRIES,
        maxNames: MAX_FOLDER_NAMES,
        accept: ext === null ? () => true : (name) => name.toLowerCase().endsWith(ext),
        compare: byName,
      });
      if (first.tooMany) return { ok: false, problem: "too many", fsPath };
      const { entries, namesRead } = first;
      const tag = folderDigest(entries);
      return { ok: true, fsPath, realDir: facts.realPath, entries, namesRead, tag };
    } catch (err) {
      throwIfOutOfDescriptors(err);
      return { ok: false, problem: "missing", fsPath };
    }
  }
}

/**
 * A digest of what a folder shows: every visible entry's name, kind, size and time. A post
 * edited, added, removed or renamed changes it; so a listing page is rendered again.
 */
function folderDigest(entries: readonly ListingEntry[]): string {
  const hash = createHash("sha1");
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of sorted) {
    hash.update(`${e.name}\0${e.type}\0${e.target ?? ""}\0${e.size}\0${e.mtime?.getTime() ?? 0}\n`);
  }
  return hash.digest("base64url");
}

/** The first META_READ_BYTES of a file, or null when it cannot be read. */
async function readHead(path: string): Promise<Uint8Array | null> {
  let file: Deno.FsFile;
  try {
    file = await openRegularFile(path);
  } catch (err) {
    throwIfOutOfDescriptors(err); // else "no title" would be remembered for this file
    return null;
  }
  try {
    const buf = new Uint8Array(META_READ_BYTES);
    let filled = 0;
    while (filled < buf.length) {
      const n = await file.read(buf.subarray(filled));
      if (n === null) break;
      filled += n;
    }
    return buf.subarray(0, filled);
  } catch (err) {
    throwIfOutOfDescriptors(err);
    return null;
  } finally {
    file.close();
  }
}
