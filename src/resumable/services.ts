/**
 * What the main thread runs of resumable uploads without loading the feature's routes: the
 * sweeper that removes expired uploads (at start and periodically). A pool's main thread serves
 * no request, so it imports this instead of `mod.ts` and stays small (see src/app/services.ts).
 * @module
 */

export { startSweeper } from "./sweeper.ts";
