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
