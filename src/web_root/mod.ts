/**
 * The web root as the rest of the app sees it: its route line and where the embedded UI lives.
 * Everything else in `src/web_root/` is the feature's own.
 * @module
 */

export { EMBEDDED_WWW } from "./web_root_handler.ts";
export { webRootRoutes } from "./web_root_routes.ts";
