/**
 * Where the resumable uploads' state lives: `--resumable-dir`, else a reserved folder inside
 * the shared folder. Its own module so the sweeper (`services.ts`) needs nothing else of the
 * feature.
 * @module
 */

import { join } from "node:path";
import type { AppConfig } from "../app/app_config.ts";
import { STATE_FOLDER_NAME } from "../app/state_folder.ts";

/** The state folder `config` asks for: `--resumable-dir`, else inside the shared folder. */
export function stateFolder(config: AppConfig, root: string): string {
  return config.resumableDir ?? join(root, STATE_FOLDER_NAME);
}

/**
 * Whether the state folder is the reserved one inside the shared folder (no `--resumable-dir`):
 * a name anyone who writes in the share can swap for a link, so the store uses it only while it is
 * a real folder (`upload_store.ts`). The operator's `--resumable-dir` is taken as given, a link
 * included: it lies outside the share, where clients and the share's writers have no say.
 */
export function stateFolderInShare(config: AppConfig): boolean {
  return config.resumableDir === null;
}
