/**
 * `folder("/posts", sort="-date", limit=10, ext=".md")` as data: the files of a web-root folder
 * (folders are left out) with what a page shows of each — its name, its name without the
 * extension (`slug`), its URL, and for Markdown its title and date from the front matter or
 * first heading — sorted and cut to the limit.
 *
 * Bounded: at most MAX_FOLDER_ENTRIES matching files (the first by name over the whole folder,
 * `TemplateFiles.list`) are considered, then sorted and cut, so a huge folder costs a bounded
 * number of reads and memory; their metadata is remembered between renders.
 *
 * This module must not know HTTP.
 * @module
 */

import { encodeSegment } from "../files/mod.ts";
import { formatDate } from "./front_matter.ts";
import type { EntryField, FolderCall } from "./template_syntax.ts";
import { byName, type TemplateFiles } from "./template_files.ts";

/** One entry as a loop variable sees it: every field as text. */
export type FolderEntry = Readonly<Record<EntryField, string>>;

/** A folder's entries for a loop, with what the render cache must watch. */
export type FolderEntriesResult =
  | {
    ok: true;
    entries: FolderEntry[];
    fsPath: string;
    tag: string;
    /** The work it took: names looked at, plus the files whose front matter was read. */
    read: number;
  }
  | { ok: false; problem: "missing" | "too many"; fsPath: string | null };

/** Titles compare as names do, but equal ones (case aside) are a tie, ordered by name. */
const titles = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

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
  const listed = await files.list(segments, call.ext);
  if (!listed.ok) return { ok: false, problem: listed.problem, fsPath: listed.fsPath };
  const matching = listed.entries; // files only, the first by name, in name order
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
    const names = byName(a.entry.name, b.entry.name);
    if (call.sort === "date") return sign * (a.time - b.time) || names;
    if (call.sort === "title") return sign * titles.compare(a.entry.title, b.entry.title) || names;
    return sign * names;
  });
  return {
    ok: true,
    entries: candidates.slice(0, call.limit).map((c) => c.entry),
    fsPath: listed.fsPath,
    tag: listed.tag,
    read: listed.namesRead + matching.length,
  };
}

/** `hello.md` → `hello`; `.md` names and names without a dot stay whole. */
function stripExtension(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}
