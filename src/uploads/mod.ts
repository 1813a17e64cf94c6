/**
 * The receiving-files feature as the rest of the app sees it: its route lines and the hooks it
 * calls after every write. Everything else in `src/uploads/` is the feature's own.
 * @module
 */

export { type UploadHooks, uploadMethods, uploadRoutes } from "./upload_routes.ts";
