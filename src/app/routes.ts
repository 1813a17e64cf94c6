/**
 * The whole route table, one line per endpoint.
 *
 * This module must not touch sockets.
 * @module
 */

import type { Handler } from "../http/types.ts";
import { homePage } from "./handlers/home.ts";
import { createRouter, type Route } from "./router.ts";

/** What the app needs to know to build its routes. */
export interface AppConfig {
  /** The shared folder served at /files/. */
  directory: string;
}

/** The app's routes for `config`. */
export function appRoutes(_config: AppConfig): Route[] {
  return [
    { methods: ["GET"], path: "/", handler: homePage },
  ];
}

/** The app as one handler. */
export function createApp(config: AppConfig): Handler {
  return createRouter(appRoutes(config));
}
