/**
 * The web root's route line: `GET`/`HEAD` of every path no other route claims (`/` is the UI),
 * kept out of other sites' frames when it is the built-in UI (`frame_protection.ts`).
 *
 * This module must not touch sockets.
 * @module
 */

import type { AppConfig } from "../app/app_config.ts";
import type { ChangeBoard } from "../app/change_board.ts";
import type { AppHooks } from "../app/app_hooks.ts";
import type { Route } from "../app/router.ts";
import { withFrameProtection } from "./frame_protection.ts";
import { webRootHandler } from "./web_root_handler.ts";

/** The catch-all read route of the web root (`--www`, or the embedded UI). */
export function webRootRoutes(
  config: AppConfig,
  hooks?: AppHooks,
  changes?: ChangeBoard,
): Route[] {
  const handler = webRootHandler(config, hooks, changes);
  // The built-in UI may not be framed by other sites; a --www site is its author's to decide.
  const served = config.www === null ? withFrameProtection(handler) : handler;
  return [{ methods: ["GET"], path: "/*", handler: served }]; // / → index.html
}
