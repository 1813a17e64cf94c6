/**
 * What the main thread runs of resumable uploads without loading the feature's routes: the
 * sweeper that removes expired uploads (at start and periodically), and the ledger of the caps,
 * the shared service {@link UPLOAD_USAGE_SERVICE} every worker's creations reserve in. A pool's
 * main thread serves no request, so it imports this instead of `mod.ts` and stays small (see
 * src/app/services.ts).
 * @module
 */

import { resolve } from "node:path";
import type { AppConfig } from "../app/app_config.ts";
import { stateFolder, stateFolderInShare } from "./store_location.ts";
import { UPLOAD_USAGE_SERVICE, UploadUsage } from "./upload_usage.ts";

export { startSweeper } from "./sweeper.ts";
export { UPLOAD_USAGE_SERVICE, UploadUsage };

/** The one ledger of the caps for `config` (made once, where the shared services live). */
export function uploadUsage(config: AppConfig): UploadUsage {
  const limits = {
    expiryMs: config.resumableExpiryMs,
    maxUploads: config.resumableMaxUploads,
    maxBytes: config.resumableMaxBytes,
  };
  const dir = stateFolder(config, resolve(config.directory));
  return new UploadUsage(dir, limits, Date.now, stateFolderInShare(config));
}
