/**
 * The httpbin-style route table, one line per endpoint, in go-httpbin's paths and shapes so
 * client test suites written against httpbin can point at wireserve.
 *
 * This module must not touch sockets.
 * @module
 */

import type { AppConfig } from "../app/app_config.ts";
import { ANY_METHOD, type Route, textResponse } from "../app/router.ts";
import { STATUS } from "../http/status.ts";
import type { HttpResponse } from "../http/types.ts";
import { basicAuthHandler, bearerHandler } from "./auth.ts";
import { cacheForHandler, cacheHandler, etagHandler } from "./cache.ts";
import { cookiesHandler, setCookiesHandler } from "./cookies.ts";
import { digestAuthHandler } from "./digest_auth.ts";
import { DOCUMENTS } from "./documents.ts";
import { imageAcceptHandler, imageKindHandler } from "./images.ts";
import { linksHandler } from "./links.ts";
import {
  dumpRequestHandler,
  envHandler,
  hostnameHandler,
  unstableHandler,
  uploadHandler,
  versionHandler,
} from "./service_info.ts";
import { jsonlHandler, streamHandler } from "./stream.ts";
import { trailersHandler } from "./trailers.ts";
import {
  base64Handler,
  bytesHandler,
  compressedHandler,
  streamBytesHandler,
  uuidHandler,
} from "./data.ts";
import { rangeHandler } from "./range.ts";
import { redirectChain, redirectToHandler } from "./redirect.ts";
import { describingHandler, headersHandler, ipHandler } from "./request.ts";
import { responseHeadersHandler, STATUS_PREFIX, statusHandler } from "./status.ts";
import { sseHandler } from "./sse.ts";
import { delayHandler, dripHandler } from "./timed.ts";

/** `/anything` answers every method, including ones the rest of the server does not know. */
const ALL = [ANY_METHOD];
/** The usual methods: OPTIONS is left to the router (204 with Allow). */
const ANY = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"] as const;
const GET = ["GET"] as const;
/** The routes that describe a request body, with the one method each takes. */
const BODY_ROUTES = [["/post", "POST"], ["/put", "PUT"], ["/patch", "PATCH"], [
  "/delete",
  "DELETE",
]] as const;

/** A 405 naming `method` (and OPTIONS, which the router answers) in Allow (RFC 9110 §15.5.6). */
function methodNotAllowed(method: string) {
  return (): HttpResponse => {
    const res = textResponse(STATUS.MethodNotAllowed, "Method not allowed\n");
    res.headers!.push(["Allow", `${method}, OPTIONS`]);
    return res;
  };
}

/** The httpbin routes for `config`. */
export function httpbinRoutes(config: AppConfig): Route[] {
  const withBody = describingHandler(config, true);
  return [
    { methods: ALL, path: "/anything", handler: withBody },
    { methods: ALL, path: "/anything/*", handler: withBody },
    { methods: GET, path: "/get", handler: describingHandler(config, false) },
    { methods: ["POST"], path: "/post", handler: withBody },
    { methods: ["PUT"], path: "/put", handler: withBody },
    { methods: ["PATCH"], path: "/patch", handler: withBody },
    { methods: ["DELETE"], path: "/delete", handler: withBody },
    // GET (and so HEAD) would otherwise fall through to the web root's 404: go-httpbin says 405.
    ...BODY_ROUTES.map(([path, method]) => ({
      methods: GET,
      path,
      handler: methodNotAllowed(method),
    })),
    { methods: ["HEAD"], path: "/head", handler: describingHandler(config, false) },
    { methods: ["POST", "PUT", "PATCH"], path: "/upload", handler: uploadHandler(config) },
    { methods: ALL, path: "/dump/request", handler: dumpRequestHandler(config) },
    { methods: GET, path: "/headers", handler: headersHandler },
    { methods: GET, path: "/ip", handler: ipHandler },
    { methods: ANY, path: `${STATUS_PREFIX}*`, handler: statusHandler },
    { methods: ANY, path: "/delay/*", handler: delayHandler("/delay/", config) },
    { methods: GET, path: "/bytes/*", handler: bytesHandler("/bytes/", config) },
    {
      methods: GET,
      path: "/stream-bytes/*",
      handler: streamBytesHandler("/stream-bytes/", config),
    },
    { methods: GET, path: "/drip", handler: dripHandler(config) },
    { methods: GET, path: "/redirect/*", handler: redirectChain("/redirect/", "redirect") },
    {
      methods: GET,
      path: "/relative-redirect/*",
      handler: redirectChain("/relative-redirect/", "relative"),
    },
    {
      methods: GET,
      path: "/absolute-redirect/*",
      handler: redirectChain("/absolute-redirect/", "absolute"),
    },
    { methods: ANY, path: "/redirect-to", handler: redirectToHandler(config) },
    { methods: ["GET", "POST"], path: "/response-headers", handler: responseHeadersHandler },
    { methods: GET, path: "/cache", handler: cacheHandler(config) },
    { methods: GET, path: "/cache/*", handler: cacheForHandler("/cache/", config) },
    { methods: GET, path: "/etag/*", handler: etagHandler("/etag/", config) },
    { methods: GET, path: "/range/*", handler: rangeHandler("/range/", config) },
    { methods: GET, path: "/basic-auth/*", handler: basicAuthHandler("/basic-auth/", false) },
    { methods: ANY, path: "/digest-auth/*", handler: digestAuthHandler("/digest-auth/", config) },
    {
      methods: GET,
      path: "/hidden-basic-auth/*",
      handler: basicAuthHandler("/hidden-basic-auth/", true),
    },
    { methods: GET, path: "/bearer", handler: bearerHandler },
    { methods: GET, path: "/gzip", handler: compressedHandler("gzip", config) },
    { methods: GET, path: "/deflate", handler: compressedHandler("deflate", config) },
    { methods: GET, path: "/brotli", handler: compressedHandler("br", config) },
    { methods: GET, path: "/base64/*", handler: base64Handler("/base64/") },
    { methods: GET, path: "/uuid", handler: uuidHandler },
    { methods: GET, path: "/sse", handler: sseHandler(config) },
    { methods: GET, path: "/stream/*", handler: streamHandler("/stream/") },
    { methods: GET, path: "/jsonl", handler: jsonlHandler(config) },
    { methods: GET, path: "/cookies", handler: cookiesHandler },
    { methods: GET, path: "/cookies/set", handler: setCookiesHandler(false) },
    { methods: GET, path: "/cookies/delete", handler: setCookiesHandler(true) },
    { methods: GET, path: "/image", handler: imageAcceptHandler },
    { methods: GET, path: "/image/*", handler: imageKindHandler("/image/") },
    { methods: GET, path: "/links/*", handler: linksHandler("/links/") },
    ...DOCUMENTS.map(([path, handler]) => ({ methods: GET, path, handler })), // /json, /html…
    { methods: ANY, path: "/unstable", handler: unstableHandler },
    { methods: GET, path: "/hostname", handler: hostnameHandler },
    { methods: GET, path: "/version", handler: versionHandler(config) },
    { methods: GET, path: "/env", handler: envHandler },
    { methods: ANY, path: "/trailers", handler: trailersHandler(config) },
  ];
}
