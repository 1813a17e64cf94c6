/**
 * The whole route table, one line per endpoint.
 *
 * This module must not touch sockets.
 * @module
 */

import type { Handler } from "../http/types.ts";
import type { AppConfig } from "./app_config.ts";
import { echoRoutes } from "../echo/echo.ts";
import { FILES_BARE, FILES_MOUNT, filesHandler, sharedFolderRoot } from "../files/files_handler.ts";
import { httpbinRoutes } from "../httpbin/httpbin_routes.ts";
import { INFO_PATH, infoHandler } from "./info.ts";
import { inspectRoutes } from "../echo/inspect.ts";
import { uploadRoutes } from "../uploads/upload_routes.ts";
import { webRootHandler } from "../web_root/web_root_handler.ts";
import { requireAuthForAll } from "./auth.ts";
import { withReprDigest } from "../files/repr_digest.ts";
import { withUntrustedContentHeaders } from "../files/untrusted_content.ts";
import { createRouter, type Route } from "./router.ts";

/** The app's routes for `config`. */
export function appRoutes(config: AppConfig): Route[] {
  const filesRoot = sharedFolderRoot(config);
  const files = filesHandler(config, filesRoot);
  // Want-Repr-Digest → Repr-Digest on downloads (RFC 9530), around the file handler.
  const digestOpts = { root: filesRoot.root, mount: FILES_MOUNT, dotfiles: config.dotfiles };
  // Uploaded HTML/SVG must not run as the UI's origin: nosniff everywhere, sandbox active types.
  const filesWithDigest = withUntrustedContentHeaders(withReprDigest(digestOpts, files));
  // Writes tell the read side's cache at once, so a GET right after an upload sees it.
  const changed = (fsPath: string) => filesRoot.cache.invalidate(fsPath);
  return [
    // routes: one line per endpoint (or one spread of a feature's lines)
    { methods: ["GET"], path: "/*", handler: webRootHandler(config) }, // / → index.html, www/ or --www
    { methods: ["GET"], path: `${FILES_MOUNT}*`, handler: filesWithDigest }, // /files/<path>: file or listing
    ...uploadRoutes(config, { changed }), // PUT/POST/DELETE/MKCOL /files/<path> (uploads/upload_routes.ts)
    { methods: ["GET"], path: FILES_BARE, handler: files }, // /files → 308 /files/
    { methods: ["GET"], path: INFO_PATH, handler: infoHandler(config) },
    ...echoRoutes(), // /echo/<text>, /user-agent (CodeCrafters)
    ...inspectRoutes(config), // /inspect[/…]
    ...httpbinRoutes(config), // /anything, /status/<codes>, /bytes/<n>… (httpbin/httpbin_routes.ts)
  ];
}

/** The app as one handler. */
export function createApp(config: AppConfig): Handler {
  // --auth-all: every request needs credentials (writes are checked by their handlers anyway).
  return requireAuthForAll(config, createRouter(appRoutes(config)));
}
