/**
 * What the main thread runs of the uploads without loading the feature's routes: the start-up
 * sweep of the temp files a crash left in the shared folder (`temp_sweep.ts`). It runs where the
 * server-wide tasks run, so once per server however many workers serve (see src/app/services.ts).
 * @module
 */

export { startTempSweep, type TempSweep } from "./temp_sweep.ts";
