/**
 * The whole route table: each feature's route lines, in one list you can read in ten seconds.
 * The only module that knows every feature; it reaches each one through its `mod.ts`.
 *
 * This module must not touch sockets.
 * @module
 */

import { withoutOwnCodeLoads } from "./own_scripts.ts";
import type { Handler } from "../http/types.ts";
import { echoRoutes } from "../echo/mod.ts";
import {
  FILES_MOUNT,
  filesRoutes,
  heldEntries,
  LISTED_ENTRIES,
  sharedFolderRoot,
  ZIPS_RUNNING,
} from "../files/mod.ts";
import { httpbinRoutes } from "../httpbin/mod.ts";
import { type UploadHooks, uploadRoutes } from "../uploads/mod.ts";
import {
  resumableOptionsFields,
  resumableRoutes,
  UPLOAD_USAGE_SERVICE,
  type UploadUsage,
} from "../resumable/mod.ts";
import { webRootRoutes } from "../web_root/mod.ts";
import { hideFinderMetadata, LOCK_SERVICE, type LockServiceHost, webdav } from "../webdav/mod.ts";
import type { AppConfig } from "./app_config.ts";
import { type AppHooks, NO_HOOKS } from "./app_hooks.ts";
import { requireAuthForAll, requireAuthForEchoedOptions } from "./auth.ts";
import { withCors } from "./cors.ts";
import { withCrossOriginProtection } from "./cross_origin.ts";
import { pagesOnPageRoutes, withHtmlErrors } from "./html_errors.ts";
import { withOutOfDescriptors } from "./out_of_descriptors.ts";
import { INFO_PATH, infoHandler } from "./info.ts";
import { CREDENTIALS_PATH, credentialsCheckHandler } from "./credentials_check.ts";
import { QR_PATH, qrHandler } from "./qr_code.ts";
import { allowAt, createRouter, type Route } from "./router.ts";
import { sharedServices } from "./services.ts";
import { localSharedState, type SharedState } from "./shared_state.ts";

/** The route table, and what closes what its handlers keep between requests. */
export interface AppRoutes {
  routes: Route[];
  /** Closes the large files the shared folder and a `--www` site keep open for short reads. */
  close(): void;
}

/**
 * The app's routes for `config`, sharing `shared` with the other workers; `hooks` link it to
 * the program that runs it (warnings, template variables).
 */
export function appRoutes(config: AppConfig, shared: SharedState, hooks: AppHooks): AppRoutes {
  const filesRoot = sharedFolderRoot(config, shared.changes);
  // Writes tell the read caches at once — this worker's, and through the change board every
  // other worker's — so a GET right after an upload sees it, wherever it lands.
  const changed = (fsPath: string) => {
    shared.changes.changed(fsPath);
    filesRoot.cache.invalidate(fsPath);
  };
  const locks = shared.service<LockServiceHost>(LOCK_SERVICE);
  // WebDAV answers OPTIONS on the share; resumable uploads add their discovery fields to it.
  const optionsFields = resumableOptionsFields(config);
  // Large listings and large PROPFINDs hold their entries against one server-wide cap.
  const listed = heldEntries(shared.counter(LISTED_ENTRIES));
  const dav = webdav(config, { files: filesRoot, changed, locks, optionsFields, listed });
  // Uploads ask WebDAV's locks before writing, and drop a deleted file's properties and locks.
  // `allow` is set below, once the share's lines exist.
  const uploadHooks: UploadHooks = {
    changed,
    guard: dav.guard,
    lockHeld: dav.lockHeld,
    removed: dav.removed,
  };
  // GET /files/<path>: file or listing (src/files/), with WebDAV's `If` header checked first
  const fileLines = dav.guardFileReads(
    filesRoutes(config, filesRoot, shared.counter(ZIPS_RUNNING), listed),
  );
  const uploadLines = uploadRoutes(config, uploadHooks);
  // The share's Allow, for the 405s its handlers answer themselves (MKCOL on a name in use, a
  // tus PUT): the router's own for /files/<path>, from the lines that decide it — the
  // resumable lines only claim part of POST and PUT (`when`) and add nothing to it.
  uploadHooks.allow = allowAt([...fileLines, ...uploadLines, ...dav.routes], FILES_MOUNT);
  const site = webRootRoutes(config, hooks, shared.changes);
  // What people open in a browser answers its errors as a small page (html_errors.ts).
  const routes = [
    ...withHtmlErrors(site.routes), // GET /… → www/ or --www, templates (src/web_root/)
    // What clients chose is never a script to this origin's own pages (own_scripts.ts): 403.
    ...withoutOwnCodeLoads([
      // Cross-site writes (a page elsewhere POSTing a form here) are refused first: 403.
      ...withHtmlErrors(withCrossOriginProtection(
        config,
        hideFinderMetadata(config, [ // `._*`, `.DS_Store` on /files/: 404 / 403 at once
          ...fileLines, // GET /files/<path>: file or listing (src/files/)
          // tus and the IETF draft: POST/PUT /files/… that ask for it, /api/uploads/<id> (src/resumable/)
          ...resumableRoutes(
            config,
            uploadHooks,
            shared.service<UploadUsage>(UPLOAD_USAGE_SERVICE),
          ),
          ...uploadLines, // PUT/POST/DELETE/MKCOL /files/<path> (src/uploads/)
          ...dav.routes, // OPTIONS, PROPFIND, PROPPATCH, COPY, MOVE, LOCK, UNLOCK (src/webdav/)
        ]),
      )),
      { methods: ["GET"], path: INFO_PATH, handler: infoHandler(config, hooks) }, // /api/info for the UI
      { methods: ["GET"], path: CREDENTIALS_PATH, handler: credentialsCheckHandler(config) }, // 204 or 401: the UI's sign-in check
      { methods: ["GET"], path: QR_PATH, handler: qrHandler }, // /api/qr?text=<url>: the QR code as SVG
    ]),
    // A --www site's own files come first on these paths (`/robots.txt`, `/image/…`).
    ...site.siteFirst(withoutOwnCodeLoads([
      ...echoRoutes(config), // /echo/<text>, /user-agent, /inspect (src/echo/)
      ...httpbinRoutes(config), // /anything, /status/<codes>, /bytes/<n>… (src/httpbin/)
    ])),
  ];
  return {
    routes,
    close: () => {
      filesRoot.closeHeldFiles();
      site.close();
    },
  };
}

/**
 * The app as one handler. `shared` is the server-wide state (one isolate's own by default).
 * CORS, when on, is outermost, so preflights are answered before auth and 401s carry the CORS
 * headers (see cors.ts).
 */
export function createApp(
  config: AppConfig,
  hooks: AppHooks = NO_HOOKS,
  shared: SharedState = localSharedState(sharedServices(config, hooks.warn)),
): Handler {
  // --auth-all: every request needs credentials (writes are checked by their handlers anyway),
  // OPTIONS too when a route that takes any method would run its full handler for it.
  // Out of descriptors, any route answers 503 rather than what its failure would otherwise mean.
  const table = appRoutes(config, shared, hooks);
  const routes = requireAuthForEchoedOptions(config, table.routes);
  const routed = withOutOfDescriptors(createRouter(routes));
  // Its 401 comes before the routes, so it takes their error form itself: an HTML page for a
  // browser on the paths whose errors are pages, as the write 401 of those routes is.
  const app = requireAuthForAll(config, routed, pagesOnPageRoutes(routes));
  const outer: Handler = config.cors ? withCors(app) : app;
  // Large files kept open for short reads are closed when the server has shut down.
  outer.close = table.close;
  return outer;
}
