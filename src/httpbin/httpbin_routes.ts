/**
 * The httpbin-style route table, one line per endpoint, in go-httpbin's paths and shapes so
 * client test suites written against httpbin can point at wireserve.
 *
 * This module must not touch sockets.
 * @module
 */

import type { AppConfig } from "../app/app_config.ts";
import { ANY_METHOD, type Route } from "../app/router.ts";
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
/**
 * The usual methods, for the routes go-httpbin answers whatever the method (a client's redirect
 * test POSTs to `/redirect/1`, its auth test PUTs to `/basic-auth/…`): OPTIONS is left to the
 * router (204 with Allow).
 */
const ANY = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"] as const;
/** The routes go-httpbin restricts to GET (`/get`, `/encoding/utf8`, `/forms/post`). */
const GET = ["GET"] as const;
/** The sample documents go-httpbin serves to GET only. */
const GET_ONLY_DOCUMENTS = new Set(["/encoding/utf8", "/forms/post"]);
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
    { methods: ["HEAD"], path: "/head", handler: describingHandler(config, false) },
    { methods: ["POST", "PUT", "PATCH"], path: "/upload", handler: uploadHandler(config) },
    { methods: ALL, path: "/dump/request", handler: dumpRequestHandler(config) },
    { methods: ANY, path: "/headers", handler: headersHandler },
    { methods: ANY, path: "/ip", handler: ipHandler },
    { methods: ANY, path: `${STATUS_PREFIX}*`, handler: statusHandler },
    { methods: ANY, path: "/delay/*", handler: delayHandler("/delay/", config) },
    { methods: ANY, path: "/bytes/*", handler: bytesHandler("/bytes/", config) },
    {
      methods: ANY,
      path: "/stream-bytes/*",
      handler: streamBytesHandler("/stream-bytes/", config),
    },
    { methods: ANY, path: "/drip", handler: dripHandler(config) },
    { methods: ANY, path: "/redirect/*", handler: redirectChain("/redirect/", "redirect") },
    {
      methods: ANY,
      path: "/relative-redirect/*",
      handler: redirectChain("/relative-redirect/", "relative"),
    },
    {
      methods: ANY,
      path: "/absolute-redirect/*",
      handler: redirectChain("/absolute-redirect/", "absolute"),
    },
    { methods: ANY, path: "/redirect-to", handler: redirectToHandler(config) },
    { methods: ANY, path: "/response-headers", handler: responseHeadersHandler },
    { methods: ANY, path: "/cache", handler: cacheHandler(config) },
    { methods: ANY, path: "/cache/*", handler: cacheForHandler("/cache/", config) },
    { methods: ANY, path: "/etag/*", handler: etagHandler("/etag/", config) },
    { methods: ANY, path: "/range/*", handler: rangeHandler("/range/", config) },
    { methods: ANY, path: "/basic-auth/*", handler: basicAuthHandler("/basic-auth/", false) },
    { methods: ANY, path: "/digest-auth/*", handler: digestAuthHandler("/digest-auth/", config) },
    {
      methods: ANY,
      path: "/hidden-basic-auth/*",
      handler: basicAuthHandler("/hidden-basic-auth/", true),
    },
    { methods: ANY, path: "/bearer", handler: bearerHandler },
    { methods: ANY, path: "/gzip", handler: compressedHandler("gzip", config) },
    { methods: ANY, path: "/deflate", handler: compressedHandler("deflate", config) },
    { methods: ANY, path: "/brotli", handler: compressedHandler("br", config) },
    { methods: ANY, path: "/base64/*", handler: base64Handler("/base64/") },
    { methods: ANY, path: "/uuid", handler: uuidHandler },
    { methods: ANY, path: "/sse", handler: sseHandler(config) },
    { methods: ANY, path: "/stream/*", handler: streamHandler("/stream/") },
    { methods: ANY, path: "/jsonl", handler: jsonlHandler(config) },
    { methods: ANY, path: "/cookies", handler: cookiesHandler },
    { methods: ANY, path: "/cookies/set", handler: setCookiesHandler(false) },
    { methods: ANY, path: "/cookies/delete", handler: setCookiesHandler(true) },
    { methods: ANY, path: "/image", handler: imageAcceptHandler },
    { methods: ANY, path: "/image/*", handler: imageKindHandler("/image/") },
    { methods: ANY, path: "/links/*", handler: linksHandler("/links/") },
    // /json, /html…; go-httpbin takes any method on them but /encoding/utf8 and /forms/post.
    ...DOCUMENTS.map(([path, handler]) => ({
      methods: GET_ONLY_DOCUMENTS.has(path) ? GET : ANY,
      path,
      handler,
    })),
    { methods: ANY, path: "/unstable", handler: unstableHandler },
    { methods: ANY, path: "/hostname", handler: hostnameHandler },
    { methods: ANY, path: "/version", handler: versionHandler(config) },
    { methods: ANY, path: "/env", handler: envHandler },
    { methods: ANY, path: "/trailers", handler: trailersHandler(config) },
  ];
}
