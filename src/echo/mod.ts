/**
 * The echo feature as the rest of the app sees it: its route lines. Everything else in
 * `src/echo/` is the feature's own.
 * @module
 */

export { echoRoutes } from "./echo_routes.ts";
