/**
 * What the files feature keeps server-wide, for app/services.ts: the names of its shared counters
 * (folder archives being made, and listing entries held by streamed answers, each capped for the
 * whole server).
 *
 * This module must not load the feature: a pool's main thread imports it.
 * @module
 */

/** The shared counter of archives being made (`?zip`). */
export const ZIPS_RUNNING = "files.zipsRunning";
/**
 * The shared counter of listing entries held in memory by answers still being sent (streamed
 * listings, WebDAV `PROPFIND Depth: 1` of large folders).
 */
export const LISTED_ENTRIES = "files.listedEntries";
