/**
 * What the main thread hosts of WebDAV without loading the feature's routes: the lock table
 * every worker shares, as the service `LOCK_SERVICE`, with the locks saved before a restart put
 * back and every change saved (`lock_store.ts`). A pool's main thread serves no request, so it
 * imports this instead of `mod.ts` and stays small (see src/app/services.ts).
 * @module
 */

import { resolve } from "node:path";
import type { AppConfig } from "../app/app_config.ts";
import { LockServiceHost } from "./lock_service.ts";
import { LockStore, lockStorePath, restoreLocks } from "./lock_store.ts";
import { LockTable } from "./lock_table.ts";

export { LOCK_SERVICE, LockServiceHost } from "./lock_service.ts";

/**
 * The one lock table of the share of `config`, filled from its lock file (a problem with the
 * file is one line to `warn`, never a failure). `--read-only` offers no locking: its table is
 * neither read from nor saved to the disk.
 */
export function lockServiceHost(
  config: AppConfig,
  warn: (line: string) => void,
  now: () => number = Date.now,
): LockServiceHost {
  const table = new LockTable({ now });
  if (config.readOnly) return new LockServiceHost(table);
  const path = lockStorePath(resolve(config.directory));
  const problem = restoreLocks(table, path, now());
  if (problem !== "") warn(problem);
  return new LockServiceHost(table, new LockStore(path, () => table.snapshot(), warn));
}
