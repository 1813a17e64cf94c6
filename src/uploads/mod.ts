/**
 * The receiving-files feature as the rest of the app sees it: its route lines, the hooks it
 * calls after every write, and — for features that assemble a file some other way (resumable
 * uploads) — the rules every upload lands by, so there is one set of them:
 *
 * - `uploadContext` / `writeRefusal`: the root, auth guard and write hook; auth and
 *   `--read-only` for each request.
 * - `planWrite` / `publishFinished`: the path, name, size, precondition and `--no-overwrite`
 *   checks before data, the same again at the end, and the one atomic move into the final name
 *   (`finished_file.ts`).
 * - `pumpBody`: a request body to disk with two overlapping buffers and the size limit.
 * - `uploadNameProblem` / `baseName`: the rules for names a write creates.
 * - `plain`, `tooLarge`, `storageFailure`: the answers every write handler gives.
 *
 * Everything else in `src/uploads/` is the feature's own.
 * @module
 */

export { type UploadHooks, uploadMethods, uploadRoutes } from "./upload_routes.ts";
export {
  pathBelowMount,
  plain,
  storageFailure,
  tooLarge,
  UPLOAD_MOUNT,
  type UploadContext,
  uploadContext,
  writeRefusal,
} from "./upload_context.ts";
export {
  type FinishedDigest,
  planWrite,
  publishFinished,
  type WritePlan,
} from "./finished_file.ts";
export { type PieceConsumer, pumpBody } from "./upload_pump.ts";
export { baseName, uploadNameProblem } from "./upload_name.ts";
