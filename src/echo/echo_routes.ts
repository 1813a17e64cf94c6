/**
 * The echo feature's route lines: `/echo/<text>` and `/user-agent` (the CodeCrafters stages) and
 * `/inspect[/…]`, which takes any method and shows the request as it arrived, and
 * `/websocket/echo` (RFC 6455).
 *
 * This module must not touch sockets.
 * @module
 */

import type { AppConfig } from "../app/app_config.ts";
import { ANY_METHOD, type Route } from "../app/router.ts";
import { echo, ECHO_PREFIX, userAgent } from "./echo.ts";
import { inspectHandler } from "./inspect.ts";
import { WEBSOCKET_ECHO_PATH, websocketEcho } from "./websocket_echo.ts";

/** The echo and inspect routes. */
export function echoRoutes(config: AppConfig): Route[] {
  const inspect = inspectHandler(config);
  return [
    { methods: ["GET"], path: `${ECHO_PREFIX}*`, handler: echo }, // /echo/<text>
    { methods: ["GET"], path: "/user-agent", handler: userAgent }, // User-Agent as sent
    { methods: [ANY_METHOD], path: "/inspect", handler: inspect }, // the request, byte for byte
    { methods: [ANY_METHOD], path: "/inspect/*", handler: inspect },
    { methods: ["GET"], path: WEBSOCKET_ECHO_PATH, handler: websocketEcho }, // RFC 6455 echo
  ];
}
