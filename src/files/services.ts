/**
 * What the files feature keeps server-wide, for app/services.ts: the name of its shared counter
 * (folder archives being made, capped for the whole server).
 *
 * This module must not load the feature: a pool's main thread imports it.
 * @module
 */

/** The shared counter of archives being made (`?zip`). */
export const ZIPS_RUNNING = "files.zipsRunning";
