/**
 * The server-wide pieces that run where the server's state is kept — the main thread of a pool
 * of workers, or the one thread without workers: the services features share across workers (see
 * shared_state.ts) and the background tasks. It reaches features through their `services.ts`, not
 * their routes, so a pool's main thread, which serves no request, does not load the app (each
 * worker does).
 *
 * This module must not touch sockets.
 * @module
 */

import { LISTED_ENTRIES, ZIPS_RUNNING } from "../files/services.ts";
import { startSweeper, UPLOAD_USAGE_SERVICE, uploadUsage } from "../resumable/services.ts";
import { startTempSweep } from "../uploads/services.ts";
import { LOCK_SERVICE, lockServiceHost } from "../webdav/services.ts";
import type { AppConfig } from "./app_config.ts";
import type { ServiceFactories } from "./shared_state.ts";

/**
 * The services features keep server-wide state in (see shared_state.ts), by name. The main
 * thread hosts them when there are workers. `warn` takes their lines for the operator (a lock
 * file that could not be read or written).
 */
export function sharedServices(
  config: AppConfig,
  warn: (line: string) => void = () => {},
): ServiceFactories {
  // Made now, not on first call: the locks saved before a restart are put back (and a bad lock
  // file told) at start, on the thread that keeps the server's state.
  const locks = lockServiceHost(config, warn);
  return {
    [LOCK_SERVICE]: () => locks, // WebDAV's locks: one table for every worker, saved on disk
    [UPLOAD_USAGE_SERVICE]: () => uploadUsage(config), // resumable uploads' caps, rebuilt from disk
  };
}

/** The server-wide counters features keep in shared memory (`SharedState.counter`), by name. */
export const SHARED_COUNTERS: readonly string[] = [
  ZIPS_RUNNING, // archives being made (the cap of `?zip` downloads)
  LISTED_ENTRIES, // entries held by large listings being sent (listings, PROPFIND Depth 1)
];

/**
 * Starts what the app does without being asked (the resumable uploads' sweeper: expired uploads
 * removed at start and periodically; the uploads' sweep of temp files a crash left behind, once
 * at start); returns the function that stops them. Called once per server, by the main thread.
 */
export function startBackgroundTasks(
  config: AppConfig,
  onError: (err: unknown) => void,
): () => void {
  const sweeper = startSweeper(config, onError);
  const tempSweep = startTempSweep(config, onError);
  return () => {
    sweeper.stop();
    tempSweep.stop();
  };
}
