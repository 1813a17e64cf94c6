/**
 * Cleaning expired uploads without being asked: once at start (uploads that expired while the
 * server was down) and then every {@link SWEEP_INTERVAL_MS}; what one sweep removes is
 * `store_sweep.ts`'s. The timer is unref'd, so it never keeps the process alive, and `stop`
 * clears it. The caps need no sweep: their ledger (`upload_usage.ts`) finds an expired upload
 * itself, and removes its files, at the next creations.
 *
 * This module must not touch sockets.
 * @module
 */

import { resolve } from "node:path";
import type { AppConfig } from "../app/app_config.ts";
import { stateFolder, stateFolderInShare } from "./store_location.ts";
import { StoreSweep } from "./store_sweep.ts";
import { UploadStore } from "./upload_store.ts";

/** How often expired uploads are looked for. */
export const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/** A running sweeper. */
export interface Sweeper {
  /** The first sweep (at start); resolves to how many uploads it removed. */
  readonly first: Promise<number>;
  /** Stops the periodic sweeps. */
  stop(): void;
}

/** Starts sweeping the store `config` names; errors go to `onError` (the disk may be away). */
export function startSweeper(
  config: AppConfig,
  onError: (err: unknown) => void,
  intervalMs: number = SWEEP_INTERVAL_MS,
): Sweeper {
  // refuse: a --read-only server promises not to change the disk — nor another instance's uploads
  // in a state folder they share (the temp sweep holds back the same way)
  if (config.readOnly) return { first: Promise.resolve(0), stop: () => {} };
  const limits = {
    expiryMs: config.resumableExpiryMs,
    maxUploads: config.resumableMaxUploads,
    maxBytes: config.resumableMaxBytes,
  };
  const dir = stateFolder(config, resolve(config.directory));
  const store = new UploadStore(dir, limits, Date.now, null, null, stateFolderInShare(config));
  const sweeping = new StoreSweep(store);
  const sweep = () =>
    sweeping.sweep().catch((err) => {
      onError(err);
      return 0;
    });
  const first = sweep();
  const timer = setInterval(sweep, intervalMs);
  Deno.unrefTimer(timer);
  return { first, stop: () => clearInterval(timer) };
}
