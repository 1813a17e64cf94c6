/**
 * What every resumable-upload handler shares: the write context of `src/uploads/` (root, auth,
 * write hook, config), the one upload store, where upload resources are mounted, and how long a
 * request waits for another one holding the same upload.
 *
 * This module must not touch sockets.
 * @module
 */

import type { AppConfig } from "../app/app_config.ts";
import { type UploadContext, uploadContext, type UploadHooks } from "../uploads/mod.ts";
import { stateFolder } from "./store_location.ts";
import { UploadStore } from "./upload_store.ts";

/** Where upload resources live: `/api/uploads/<id>` (both protocols). */
export const UPLOADS_MOUNT = "/api/uploads/";
/**
 * How long a request waits for the lease of an upload another request holds. A client that
 * resumes after a dropped connection can arrive while the server still reads the dead request,
 * which ends as soon as the socket reports the drop; past this it gets 423 and retries.
 */
export const LEASE_WAIT_MS = 3000;

/** Shared state of the resumable-upload handlers. */
export interface ResumableContext {
  upload: UploadContext;
  config: AppConfig;
  store: UploadStore;
  leaseWaitMs: number;
  now(): number;
}

/** Builds the context for `config`. */
export function resumableContext(
  config: AppConfig,
  hooks: UploadHooks = {},
  now: () => number = Date.now,
): ResumableContext {
  const upload = uploadContext(config, hooks);
  const store = new UploadStore(
    stateFolder(config, upload.root),
    {
      expiryMs: config.resumableExpiryMs,
      maxUploads: config.resumableMaxUploads,
      maxBytes: config.resumableMaxBytes,
    },
    now,
    upload.root,
  );
  return { upload, config, store, leaseWaitMs: LEASE_WAIT_MS, now };
}
