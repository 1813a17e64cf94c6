/**
 * Test support: a `ServedRoot` over `root` with the defaults the files tests share (no dotfiles,
 * no symlinks followed, no Cache-Control age), and the stat cache's time as the test needs it.
 * @module
 */

import { ServedRoot } from "../../src/files/served_root.ts";

/** A plain served root over `root`, its stat cache kept for `statCacheMs`. */
export function plainServedRoot(root: string, statCacheMs: number): ServedRoot {
  return new ServedRoot({
    root,
    dotfiles: false,
    followSymlinks: false,
    statCacheMs,
    cacheSeconds: null,
  });
}
