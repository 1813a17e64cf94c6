/**
 * The whole route table, one line per endpoint.
 *
 * This module must not touch sockets.
 * @module
 */

import type { Handler } from "../http/types.ts";
import type { AppConfig } from "./app_config.ts";
import { homePage } from "./handlers/home.ts";
import { createRouter, type Route } from "./router.ts";

/** The app's routes for `config`. */
export function appRoutes(_config: AppConfig): Route[] {
  return [
    // routes: one line per endpoint (or one spread of a feature's lines)
    { methods: ["GET"], path: "/", handler: homePage },
  ];
}

/** The app as one handler. */
export function createApp(config: AppConfig): Handler {
  return createRouter(appRoutes(config));
}
