/**
 * The JSON listing of a folder, for the web UI and scripts:
 * `{ path, entries: [{ name, type, target?, size, mtime, url }], truncated }` where `type` is
 * `"file" | "dir" | "symlink"`, `target` (links only) is `"file" | "dir"`, `mtime` is ISO 8601
 * or null, and `url` is the entry's absolute, percent-encoded URL path (folders end with "/").
 *
 * A large document is made piece by piece (`listingJsonPieces`), so it can be streamed without
 * ever being one string.
 *
 * This module must not touch the disk or know about requests.
 * @module
 */

import { isFolder, type ListingEntry } from "./listing.ts";
import { encodeSegment, segmentsUrl } from "./listing_text.ts";

/** One entry as JSON. */
export interface JsonListingEntry {
  name: string;
  type: "file" | "dir" | "symlink";
  target?: "file" | "dir";
  size: number;
  mtime: string | null;
  url: string;
}

/** The JSON document for a folder. */
export interface JsonListing {
  /** The folder's own URL path. */
  path: string;
  entries: JsonListingEntry[];
  /** Whether entries were left out (the folder holds more than the cap). */
  truncated: boolean;
}

/** The JSON text for the folder `segments` below `mount`. */
export function renderListingJson(
  mount: string,
  segments: readonly string[],
  entries: readonly ListingEntry[],
  truncated: boolean,
): string {
  const here = segmentsUrl(mount, segments, true);
  const doc: JsonListing = {
    path: here,
    entries: entries.map((e) => jsonEntry(here, e)),
    truncated,
  };
  return `${JSON.stringify(doc)}\n`;
}

/**
 * The same text as {@link renderListingJson} in pieces: the document's start, then
 * `entriesPerPiece` entries at a time, then its end (`truncated`).
 */
export function* listingJsonPieces(
  mount: string,
  segments: readonly string[],
  entries: readonly ListingEntry[],
  truncated: boolean,
  entriesPerPiece: number,
): Generator<string> {
  const here = segmentsUrl(mount, segments, true);
  // The keys in the order JSON.stringify writes the whole document: path, entries, truncated.
  yield `{"path":${JSON.stringify(here)},"entries":[`;
  for (let i = 0; i < entries.length; i += entriesPerPiece) {
    const some = entries.slice(i, i + entriesPerPiece).map((e) =>
      JSON.stringify(jsonEntry(here, e))
    );
    yield (i === 0 ? "" : ",") + some.join(",");
  }
  yield `],"truncated":${truncated}}\n`;
}

function jsonEntry(here: string, e: ListingEntry): JsonListingEntry {
  return {
    name: e.name,
    type: e.type,
    ...(e.target === undefined ? {} : { target: e.target }),
    size: e.size,
    mtime: e.mtime?.toISOString() ?? null,
    url: here + encodeSegment(e.name) + (isFolder(e) ? "/" : ""),
  };
}
