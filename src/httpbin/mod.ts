/**
 * The go-httpbin feature as the rest of the app sees it: its route lines. Everything else in
 * `src/httpbin/` is the feature's own.
 * @module
 */

export { httpbinRoutes } from "./httpbin_routes.ts";
