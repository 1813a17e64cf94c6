/**
 * Test support for the template tests: the served root of a site folder as `--www` makes it
 * (no dotfiles, links not followed, facts trusted 1 s, no Cache-Control), with `hide` patterns.
 * @module
 */

import { HiddenPaths } from "../../src/app/hidden_paths.ts";
import { ServedRoot } from "../../src/files/mod.ts";

/** The served root of the site at `www`, hiding `hide` (`--hide` patterns). */
export function siteRoot(www: string, hide: string[] = []): ServedRoot {
  return new ServedRoot({
    root: www,
    dotfiles: false,
    followSymlinks: false,
    statCacheMs: 1000,
    cacheSeconds: null,
    hidden: new HiddenPaths(hide, "exact"),
  });
}
