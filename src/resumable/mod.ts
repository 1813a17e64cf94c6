/**
 * The resumable-uploads feature (tus 1.0.0 and the IETF draft, one store) as the rest of the app
 * sees it: its route lines, the sweeper that removes expired uploads and the name of the shared
 * ledger of its caps. Everything else in `src/resumable/` is the feature's own.
 * @module
 */

export { resumableOptionsFields, resumableRoutes } from "./resumable_routes.ts";
export { startSweeper, SWEEP_INTERVAL_MS, type Sweeper } from "./sweeper.ts";
export { UPLOAD_USAGE_SERVICE, type UploadUsage } from "./upload_usage.ts";
