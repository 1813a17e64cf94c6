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
import { resumableRoutes, startSweeper } from "../resumable/mod.ts";
import { webRootRoutes } from "../web_root/mod.ts";
import type { AppConfig } from "./app_config.ts";
import { requireAuthForAll } from "./auth.ts";
import { INFO_PATH, infoHandler } from "./info.ts";
import { createRouter, type Route } from "./router.ts";

/** The app's routes for `config`. */
export function appRoutes(config: AppConfig): Route[] {
  const filesRoot = sharedFolderRoot(config);
  // Writes tell the read side's cache at once, so a GET right after an upload sees it.
  const changed = (fsPath: string) => filesRoot.cache.invalidate(fsPath);
  return [
    ...webRootRoutes(config), // GET /… → www/ or --www (src/web_root/)
    ...filesRoutes(config, filesRoot), // GET /files/<path>: file or listing (src/files/)
    // tus and the IETF draft: POST/PUT /files/… that ask for it, /api/uploads/<id> (src/resumable/)
    ...resumableRoutes(config, { changed }),
    ...uploadRoutes(config, { changed }), // PUT/POST/DELETE/MKCOL /files/<path> (src/uploads/)
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

/**
 * Starts what the app does without being asked (the resumable uploads' sweeper: expired uploads
 * removed at start and periodically); returns the function that stops it.
 */
export function startBackgroundTasks(
  config: AppConfig,
  onError: (err: unknown) => void,
): () => void {
  const sweeper = startSweeper(config, onError);
  return () => sweeper.stop();
}
