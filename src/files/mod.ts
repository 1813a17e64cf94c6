/**
 * The serving-files feature as the rest of the app sees it. Other features build on it: the web
 * root serves its folder through a `ServedRoot`, uploads resolve their targets with the same safe
 * path rules, build the same URLs and seed the download side's digest memory; WebDAV describes
 * files with the same media types and hides what the read side refuses, and holds the entries of
 * a large `PROPFIND` against the same server-wide cap as large listings (`holdingEntries`). Everything else in
 * `src/files/` is the feature's own.
 * @module
 */

export { contentTypeFor } from "./content_type.ts";
export { FILES_BARE, FILES_MOUNT, sharedFolderRoot } from "./files_handler.ts";
export { filesRoutes } from "./files_routes.ts";
export type { FileFacts, PathFacts } from "./file_cache.ts";
export type { Listing, ListingEntry } from "./listing.ts";
export { throwIfNotEnterable } from "./listing.ts";
export type { FirstFiles } from "./first_files.ts";
export {
  type HeldEntries,
  heldEntries,
  holdingEntries,
  MAX_HELD_ENTRIES,
  STREAM_FROM_ENTRIES,
} from "./listing_response.ts";
export { encodeSegment, escapeHtml, segmentsUrl } from "./listing_text.ts";
export { isLossyName } from "./lossy_name.ts";
export { NotRegularFile, openRegularFile } from "./open_regular.ts";
export { rememberReprDigest } from "./repr_digest.ts";
export {
  resolveSafePath,
  type SafePathOk,
  type SafePathResult,
  servableName,
} from "./safe_path.ts";
export { folderRedirect, notFound, refused, ServedRoot } from "./served_root.ts";
export { LISTED_ENTRIES, ZIPS_RUNNING } from "./services.ts";
