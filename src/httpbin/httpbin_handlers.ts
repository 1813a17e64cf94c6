/**
 * Every httpbin handler, in one module the route table imports on demand (`httpbin_routes.ts`):
 * none of them is loaded in a worker before its first httpbin request.
 * @module
 */

export { basicAuthHandler, bearerHandler } from "./auth.ts";
export { cacheForHandler, cacheHandler, etagHandler } from "./cache.ts";
export { cookiesHandler, setCookiesHandler } from "./cookies.ts";
export { digestAuthHandler } from "./digest_auth.ts";
export { DOCUMENTS } from "./documents.ts";
export { imageAcceptHandler, imageKindHandler } from "./images.ts";
export { linksHandler } from "./links.ts";
export {
  dumpRequestHandler,
  envHandler,
  hostnameHandler,
  unstableHandler,
  uploadHandler,
  versionHandler,
} from "./service_info.ts";
export { jsonlHandler, streamHandler } from "./stream.ts";
export { trailersHandler } from "./trailers.ts";
export {
  base64Handler,
  bytesHandler,
  compressedHandler,
  streamBytesHandler,
  uuidHandler,
} from "./data.ts";
export { rangeHandler } from "./range.ts";
export { redirectChain, redirectToHandler } from "./redirect.ts";
export { describingHandler, headersHandler, ipHandler } from "./request.ts";
export { responseHeadersHandler, statusHandler } from "./status.ts";
export { sseHandler } from "./sse.ts";
export { delayHandler, dripHandler } from "./timed.ts";
