/**
 * `folder("/posts", sort="-date", limit=10, ext=".md")` as data: the files of a web-root folder
 * (folders are left out) with what a page shows of each — its name, its name without the
 * extension (`slug`), its URL, and for Markdown its title and date from the front matter or
 * first heading — sorted and cut to the limit.
 *
 * Bounded: at most MAX_FOLDER_ENTRIES matching files (the first by name) are considered, so a
 * huge folder costs a bounded number of reads; their metadata is remembered between renders.
 *
 * This module must not know HTTP.
 * @module
 */

import { encodeSegment, type ListingEntry } from "../files/mod.ts";
import { formatDate } from "./front_matter.ts";
import type { EntryField, FolderCall } from "./template_syntax.ts";
import type { TemplateFiles } from "./template_files.ts";
import { MAX_FOLDER_ENTRIES } from "./template_limits.ts";

/** One entry as a loop variable sees it: every field as text. */
export type FolderEntry = Readonly<Record<EntryField, string>>;

/** A folder's entries for a loop, with what the render cache must watch. */
export type FolderEntriesResult =
  | {
    ok: true;
    entries: FolderEntry[];
    fsPath: string;
    tag: string;
    /** The work it took: entries listed, plus the files whose front matter was read. */
    read: number;
  }
  | { ok: false; fsPath: string | null };

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

interface Candidate {
  entry: FolderEntry;
  time: number;
}

/** The entries of `call`'s folder, at `segments` (decoded, below the web root). */
export async function folderEntries(
  files: TemplateFiles,
  segments: readonly string[],
  call: FolderCall,
): Promise<FolderEntriesResult> {
  const listed = await files.list(segments);
  if (!listed.ok) return { ok: false, fsPath: listed.fsPath };
  const matching = listed.entries
    .filter((e) => !isFolder(e) && (call.ext === null || e.name.toLowerCase().endsWith(call.ext)))
    .sort((a, b) => collator.compare(a.name, b.name))
    .slice(0, MAX_FOLDER_ENTRIES);
  const base = "/" + segments.map((s) => `${encodeSegment(s)}/`).join("");
  const candidates: Candidate[] = [];
  for (const e of matching) {
    const meta = await files.meta(listed.realDir, e);
    const date = meta.date ?? e.mtime;
    const slug = stripExtension(e.name);
    candidates.push({
      time: date?.getTime() ?? 0,
      entry: {
        name: e.name,
        slug,
        url: base + encodeSegment(e.name),
        title: meta.title ?? slug,
        date: date === null ? "" : formatDate(date),
        description: meta.description ?? "",
      },
    });
  }
  const sign = call.descending ? -1 : 1;
  candidates.sort((a, b) => {
    const byName = collator.compare(a.entry.name, b.entry.name);
    if (call.sort === "date") return sign * (a.time - b.time) || byName;
    if (call.sort === "title") {
      return sign * collator.compare(a.entry.title, b.entry.title) || byName;
    }
    return sign * byName;
  });
  return {
    ok: true,
    entries: candidates.slice(0, call.limit).map((c) => c.entry),
    fsPath: listed.fsPath,
    tag: listed.tag,
    read: listed.entries.length + matching.length,
  };
}

function isFolder(e: ListingEntry): boolean {
  return e.type === "dir" || e.target === "dir";
}

/** `hello.md` → `hello`; `.md` names and names without a dot stay whole. */
function stripExtension(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}
