/**
 * What the main thread hosts of WebDAV without loading the feature's routes: the lock table
 * every worker shares, as the service `LOCK_SERVICE`. A pool's main thread serves no request, so
 * it imports this instead of `mod.ts` and stays small (see src/app/services.ts).
 * @module
 */

export { LOCK_SERVICE, LockServiceHost } from "./lock_service.ts";
