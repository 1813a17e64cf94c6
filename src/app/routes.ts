/**
 * The whole route table: each feature's route lines, in one list you can read in ten seconds.
 * The only module that knows every feature; it reaches each one through its `mod.ts`.
 *
 * This module must not touch sockets.
 * @module
 */

import type { Handler } from "../http/types.ts";
import { echoRoutes } from "../echo/mod.ts";
import { filesRoutes, sharedFolderRoot } from "../files/mod.ts";
import { httpbinRoutes } from "../httpbin/mod.ts";
import { uploadRoutes } from "../uploads/mod.ts";
import { webRootRoutes } from "../web_root/mod.ts";
import { hideFinderMetadata, localLockService, webdav } from "../webdav/mod.ts";
import type { AppConfig } from "./app_config.ts";
import { requireAuthForAll } from "./auth.ts";
import { INFO_PATH, infoHandler } from "./info.ts";
import { createRouter, type Route } from "./router.ts";

/** The app's routes for `config`. */
export function appRoutes(config: AppConfig): Route[] {
  const filesRoot = sharedFolderRoot(config);
  // Writes tell the read side's cache at once, so a GET right after an upload sees it.
  const changed = (fsPath: string) => filesRoot.cache.invalidate(fsPath);
  // WebDAV's locks: one table per app until the shared-state host serves it to every worker.
  const dav = webdav(config, { files: filesRoot, changed, locks: localLockService() });
  // Uploads ask WebDAV's locks before writing, and drop a deleted file's properties and locks.
  const uploadHooks = { changed, guard: dav.guard, removed: dav.removed };
  return [
    ...webRootRoutes(config), // GET /… → www/ or --www (src/web_root/)
    ...hideFinderMetadata(config, [ // `._*`, `.DS_Store` on /files/: 404 / 403 at once
      ...filesRoutes(config, filesRoot), // GET /files/<path>: file or listing (src/files/)
      ...uploadRoutes(config, uploadHooks), // PUT/POST/DELETE/MKCOL /files/<path> (src/uploads/)
      ...dav.routes, // OPTIONS, PROPFIND, PROPPATCH, COPY, MOVE, LOCK, UNLOCK (src/webdav/)
    ]),
    { methods: ["GET"], path: INFO_PATH, handler: infoHandler(config) }, // /api/info for the UI
    ...echoRoutes(config), // /echo/<text>, /user-agent, /inspect (src/echo/)
    ...httpbinRoutes(config), // /anything, /status/<codes>, /bytes/<n>… (src/httpbin/)
  ];
}

/** The app as one handler. */
export function createApp(config: AppConfig): Handler {
  // --auth-all: every request needs credentials (writes are checked by their handlers anyway).
  return requireAuthForAll(config, createRouter(appRoutes(config)));
}
