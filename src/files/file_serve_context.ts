/**
 * The settings every file response of one root shares, in a module of their own: the answer
 * (`file_response.ts`) and the bodies it hands over to (`whole_response.ts`,
 * `partial_response.ts`, `encoded_response.ts`) all take them, and declared in the answer they
 * tied each body module back to the module that imports it.
 * @module
 */

import type { FileCache } from "./file_cache.ts";

/** What every file response of one root shares. */
export interface FileServeContext {
  cache: FileCache;
  /** The Cache-Control value: `no-cache`, or `max-age=<n>`. */
  cacheControl: string;
}
