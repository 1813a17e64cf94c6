/**
 * The JSON listing of a folder, for the web UI and scripts:
 * `{ path, entries: [{ name, type, target?, size, mtime, url }], truncated }` where `type` is
 * `"file" | "dir" | "symlink"`, `target` (links only) is `"file" | "dir"`, `mtime` is ISO 8601
 * or null, and `url` is the entry's absolute, percent-encoded URL path (folders end with "/").
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
    entries: entries.map((e) => ({
      name: e.name,
      type: e.type,
      ...(e.target === undefined ? {} : { target: e.target }),
      size: e.size,
      mtime: e.mtime?.toISOString() ?? null,
      url: here + encodeSegment(e.name) + (isFolder(e) ? "/" : ""),
    })),
    truncated,
  };
  return `${JSON.stringify(doc)}\n`;
}
