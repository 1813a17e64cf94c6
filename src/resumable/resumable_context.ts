/**
 * What every resumable-upload handler shares: the write context of `src/uploads/` (root, auth,
 * write hook, config), the one upload store, where upload resources are mounted, and how long a
 * request waits for another one holding the same upload.
 *
 * This module must not touch sockets.
 * @module
 */

import type { AppConfig } from "../app/app_config.ts";
import {
  type UploadContext,
  uploadContext,
  type UploadHooks,
  uploadMethods,
} from "../uploads/mod.ts";
import { stateFolder, stateFolderInShare } from "./store_location.ts";
import { UploadStore } from "./upload_store.ts";
import { UploadUsage } from "./upload_usage.ts";
import type { UsageLedger } from "./usage_ledger.ts";

/** Where upload resources live: `/api/uploads/<id>` (both protocols). */
export const UPLOADS_MOUNT = "/api/uploads/";
/** The methods of an upload resource (`GET` retrieves the offset as `HEAD` does, for the draft). */
export const RESOURCE_METHODS: readonly string[] = ["HEAD", "GET", "PATCH", "DELETE", "OPTIONS"];
/**
 * How long a request waits for the lease of an upload another request holds. A client that
 * resumes after a dropped connection can arrive while the server still reads the dead request:
 * the waiter asks it to let go (`file_lease.ts`), and an append in progress ends within tens of
 * milliseconds (`append.ts`); past this — a holder that cannot let go — it gets 423 and retries.
 */
export const LEASE_WAIT_MS = 3000;

/** Shared state of the resumable-upload handlers. */
export interface ResumableContext {
  upload: UploadContext;
  config: AppConfig;
  store: UploadStore;
  leaseWaitMs: number;
  /**
   * The `Allow` of a 405 on `/files/` (RFC 9110 §15.5.6: the resource's methods), the same list
   * the router gives there: a tus request that is not a creation gets one.
   */
  filesAllow: string;
  now(): number;
}

/**
 * Builds the context for `config`. `usage` is the server-wide ledger of the caps (the shared
 * service `UPLOAD_USAGE_SERVICE`); without one, a ledger of this isolate's own, which is the
 * same thing for a server of one isolate.
 */
export function resumableContext(
  config: AppConfig,
  hooks: UploadHooks = {},
  now: () => number = Date.now,
  usage?: UsageLedger,
): ResumableContext {
  const upload = uploadContext(config, hooks);
  const dir = stateFolder(config, upload.root);
  const limits = {
    expiryMs: config.resumableExpiryMs,
    maxUploads: config.resumableMaxUploads,
    maxBytes: config.resumableMaxBytes,
  };
  const inShare = stateFolderInShare(config);
  const ledger = usage ?? new UploadUsage(dir, limits, now, inShare);
  const store = new UploadStore(dir, limits, now, upload.root, ledger, inShare);
  const filesAllow = hooks.allow ?? ["GET", "HEAD", ...uploadMethods(config), "OPTIONS"].join(", ");
  return { upload, config, store, leaseWaitMs: LEASE_WAIT_MS, filesAllow, now };
}
