/**
 * The httpbin-style route table, one line per endpoint, in go-httpbin's paths and shapes so
 * client test suites written against httpbin can point at wireserve.
 *
 * This module must not touch sockets.
 * @module
 */

import type { AppConfig } from "../app/app_config.ts";
import { onDemand } from "../app/on_demand.ts";
import { ANY_METHOD, type Route } from "../app/router.ts";
import type { Handler } from "../http/types.ts";
import { DOCUMENT_PATHS } from "./document_paths.ts";
import type * as Handlers from "./httpbin_handlers.ts";
import { STATUS_PREFIX } from "./status_prefix.ts";

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
/** One line of the table: its handler is made from the handlers' module once it is loaded. */
interface Line {
  methods: readonly string[];
  path: string;
  make: (h: typeof Handlers) => Handler;
}

/**
 * The httpbin routes for `config`. The handlers' modules are imported by the first httpbin
 * request (on_demand.ts): a worker that never serves one never holds them.
 */
export function httpbinRoutes(config: AppConfig): Route[] {
  const handlers = onDemand(() => import("./httpbin_handlers.ts"));
  return lines(config).map(({ methods, path, make }) => {
    let made: Handler | null = null;
    const ready = (h: typeof Handlers) => made ??= make(h);
    return {
      methods,
      path,
      handler: (req) => {
        if (made !== null) return made(req);
        const h = handlers();
        return h instanceof Promise ? h.then((m) => ready(m)(req)) : ready(h)(req);
      },
    };
  });
}

/** The table, one line per endpoint. */
function lines(config: AppConfig): Line[] {
  return [
    { methods: ALL, path: "/anything", make: (h) => h.describingHandler(config, true) },
    { methods: ALL, path: "/anything/*", make: (h) => h.describingHandler(config, true) },
    { methods: GET, path: "/get", make: (h) => h.describingHandler(config, false) },
    { methods: ["POST"], path: "/post", make: (h) => h.describingHandler(config, true) },
    { methods: ["PUT"], path: "/put", make: (h) => h.describingHandler(config, true) },
    { methods: ["PATCH"], path: "/patch", make: (h) => h.describingHandler(config, true) },
    { methods: ["DELETE"], path: "/delete", make: (h) => h.describingHandler(config, true) },
    { methods: ["HEAD"], path: "/head", make: (h) => h.describingHandler(config, false) },
    { methods: ["POST", "PUT", "PATCH"], path: "/upload", make: (h) => h.uploadHandler(config) },
    { methods: ALL, path: "/dump/request", make: (h) => h.dumpRequestHandler(config) },
    { methods: ANY, path: "/headers", make: (h) => h.headersHandler },
    { methods: ANY, path: "/ip", make: (h) => h.ipHandler },
    { methods: ANY, path: `${STATUS_PREFIX}*`, make: (h) => h.statusHandler },
    { methods: ANY, path: "/delay/*", make: (h) => h.delayHandler("/delay/", config) },
    { methods: ANY, path: "/bytes/*", make: (h) => h.bytesHandler("/bytes/", config) },
    {
      methods: ANY,
      path: "/stream-bytes/*",
      make: (h) => h.streamBytesHandler("/stream-bytes/", config),
    },
    { methods: ANY, path: "/drip", make: (h) => h.dripHandler(config) },
    { methods: ANY, path: "/redirect/*", make: (h) => h.redirectChain("/redirect/", "redirect") },
    {
      methods: ANY,
      path: "/relative-redirect/*",
      make: (h) => h.redirectChain("/relative-redirect/", "relative"),
    },
    {
      methods: ANY,
      path: "/absolute-redirect/*",
      make: (h) => h.redirectChain("/absolute-redirect/", "absolute"),
    },
    { methods: ANY, path: "/redirect-to", make: (h) => h.redirectToHandler(config) },
    { methods: ANY, path: "/response-headers", make: (h) => h.responseHeadersHandler },
    { methods: ANY, path: "/cache", make: (h) => h.cacheHandler(config) },
    { methods: ANY, path: "/cache/*", make: (h) => h.cacheForHandler("/cache/", config) },
    { methods: ANY, path: "/etag/*", make: (h) => h.etagHandler("/etag/", config) },
    { methods: ANY, path: "/range/*", make: (h) => h.rangeHandler("/range/", config) },
    { methods: ANY, path: "/basic-auth/*", make: (h) => h.basicAuthHandler("/basic-auth/", false) },
    {
      methods: ANY,
      path: "/digest-auth/*",
      make: (h) => h.digestAuthHandler("/digest-auth/", config),
    },
    {
      methods: ANY,
      path: "/hidden-basic-auth/*",
      make: (h) => h.basicAuthHandler("/hidden-basic-auth/", true),
    },
    { methods: ANY, path: "/bearer", make: (h) => h.bearerHandler },
    { methods: ANY, path: "/gzip", make: (h) => h.compressedHandler("gzip", config) },
    { methods: ANY, path: "/deflate", make: (h) => h.compressedHandler("deflate", config) },
    { methods: ANY, path: "/brotli", make: (h) => h.compressedHandler("br", config) },
    { methods: ANY, path: "/base64/*", make: (h) => h.base64Handler("/base64/") },
    { methods: ANY, path: "/uuid", make: (h) => h.uuidHandler },
    { methods: ANY, path: "/sse", make: (h) => h.sseHandler(config) },
    { methods: ANY, path: "/stream/*", make: (h) => h.streamHandler("/stream/") },
    { methods: ANY, path: "/jsonl", make: (h) => h.jsonlHandler(config) },
    { methods: ANY, path: "/cookies", make: (h) => h.cookiesHandler },
    { methods: ANY, path: "/cookies/set", make: (h) => h.setCookiesHandler(false) },
    { methods: ANY, path: "/cookies/delete", make: (h) => h.setCookiesHandler(true) },
    { methods: ANY, path: "/image", make: (h) => h.imageAcceptHandler },
    { methods: ANY, path: "/image/*", make: (h) => h.imageKindHandler("/image/") },
    { methods: ANY, path: "/links/*", make: (h) => h.linksHandler("/links/") },
    // /json, /html…; go-httpbin takes any method on them but /encoding/utf8 and /forms/post.
    ...DOCUMENT_PATHS.map((path): Line => ({
      methods: GET_ONLY_DOCUMENTS.has(path) ? GET : ANY,
      path,
      make: (h) => h.DOCUMENTS[path],
    })),
    { methods: ANY, path: "/unstable", make: (h) => h.unstableHandler },
    { methods: ANY, path: "/hostname", make: (h) => h.hostnameHandler },
    { methods: ANY, path: "/version", make: (h) => h.versionHandler(config) },
    { methods: ANY, path: "/env", make: (h) => h.envHandler },
    { methods: ANY, path: "/trailers", make: (h) => h.trailersHandler(config) },
  ];
}
