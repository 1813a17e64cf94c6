/**
 * The web root's route line: `GET`/`HEAD` of every path no other route claims (`/` is the UI).
 *
 * This module must not touch sockets.
 * @module
 */

import type { AppConfig } from "../app/app_config.ts";
import type { ChangeBoard } from "../app/change_board.ts";
import type { AppHooks } from "../app/app_hooks.ts";
import type { Route } from "../app/router.ts";
import { webRootHandler } from "./web_root_handler.ts";

/** The catch-all read route of the web root (`--www`, or the embedded UI). */
export function webRootRoutes(
  config: AppConfig,
  hooks?: AppHooks,
  changes?: ChangeBoard,
): Route[] {
  return [{ methods: ["GET"], path: "/*", handler: webRootHandler(config, hooks, changes) }]; // / → index.html
}
