/**
 * `GET`/`HEAD /files/<path>`: the shared folder (`--directory`). A file comes back with its
 * type, validators, ranges and compression (`file_response.ts`); a folder named with a final "/"
 * is listed (`listing_response.ts`), without it redirected (308) to that form; anything refused or
 * missing is 404 (400 for malformed paths). Write methods on the same prefix are another
 * route's (uploads).
 *
 * This module must not touch sockets.
 * @module
 */

import type { Handler, HttpRequest, HttpResponse } from "../http/types.ts";
import type { AppConfig } from "../app/app_config.ts";
import type { ChangeBoard } from "../app/change_board.ts";
import { HiddenPaths } from "../app/hidden_paths.ts";
import type { PathFacts } from "./file_cache.ts";
import type { SafePathOk } from "./safe_path.ts";
import { folderRedirect, notFound, refused, ServedRoot } from "./served_root.ts";
import { listingResponse } from "./listing_response.ts";

/** Where the shared folder is mounted. */
export const FILES_MOUNT = "/files/";
/** The mount without its slash, which redirects to the mount. */
export const FILES_BARE = "/files";

/**
 * The shared folder as served for `config`. One per app: the upload routes tell its cache about
 * every write (`root.cache.invalidate`), so a GET right after an upload sees the new file.
 */
export function sharedFolderRoot(config: AppConfig, changes?: ChangeBoard): ServedRoot {
  return new ServedRoot({
    changes,
    root: config.directory,
    dotfiles: config.dotfiles,
    followSymlinks: config.followSymlinks,
    statCacheMs: config.statCacheMs,
    cacheSeconds: config.cacheSeconds,
    hidden: new HiddenPaths(config.hide),
  });
}

/** The handler for `/files` and `/files/*`, serving `config.directory` through `root`. */
export function filesHandler(
  config: AppConfig,
  root: ServedRoot = sharedFolderRoot(config),
): Handler {
  const answer = (req: HttpRequest, path: SafePathOk, facts: PathFacts) => {
    if (facts.kind === "missing") return notFound();
    if (facts.kind === "dir") {
      if (!path.trailingSlash) return folderRedirect(FILES_MOUNT, path.segments, req.query);
      return listingResponse(req, root, FILES_MOUNT, path.segments, facts.realPath);
    }
    // A file named as a folder (`a.txt/`) does not exist, as on every file system.
    if (path.trailingSlash) return notFound();
    return root.serve(req, path.fsPath, facts);
  };

  return (req: HttpRequest): HttpResponse | Promise<HttpResponse> => {
    if (req.path === FILES_BARE) return folderRedirect(FILES_MOUNT, [], req.query);
    const path = root.resolve(req.path.slice(FILES_MOUNT.length));
    if (!path.ok) return refused(path.status);
    const facts = root.lookup(path.fsPath);
    // The cached case stays synchronous: no promise, no microtask, on the hot path.
    return facts instanceof Promise
      ? facts.then((f) => answer(req, path, f))
      : answer(req, path, facts);
  };
}
