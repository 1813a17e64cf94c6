/**
 * WebDAV's methods (PROPFIND, PROPPATCH, COPY, MOVE, LOCK, UNLOCK) in one module the route lines
 * import on demand (`webdav_routes.ts`): with them the XML parser, the property renderer and the
 * tree walks, none of which a worker loads before its first WebDAV request.
 * @module
 */

export { copyMove } from "./copy_move.ts";
export { lock, unlock } from "./lock_handler.ts";
export { propfind } from "./propfind.ts";
export { proppatch } from "./proppatch.ts";
