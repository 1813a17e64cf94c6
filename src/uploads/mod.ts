/**
 * The receiving-files feature as the rest of the app sees it: its route lines, the hooks it calls
 * around every write, and the building blocks other features that write into the shared folder
 * (resumable uploads assembling a file elsewhere; WebDAV's COPY, MOVE, PROPPATCH and LOCK) reuse
 * so they follow exactly the same rules:
 *
 * - `uploadContext` / `writeRefusal`: auth (401) and `--read-only` (403), in that order;
 * - `planWrite` / `publishFinished`: the path, name, size, precondition and `--no-overwrite`
 *   checks before data, the same again at the end, and the one atomic move into the final name
 *   (`finished_file.ts`); `guardPlannedWrite`: the write guard (WebDAV locks) on a planned write;
 * - `resolveWriteTarget`: the path inside the root, the name rules for new names (400), the
 *   server's reserved names (400), symlinks leading out (403), and what exists there now;
 * - `prepareFolder`: missing parent folders, re-checked against the root after creation;
 * - `TempFile`: the temp-file-then-rename that makes every write atomic for readers;
 * - `pumpBody`: a request body to disk with two overlapping buffers and the size limit;
 * - `uploadNameProblem` / `baseName`: the rules for names a write creates;
 * - `plainOnlyField`: what a request asks that only a plain upload does (a form, a range, a
 *   modification time), so a resumable upload must not take it over;
 * - `validatorsOf`: the ETag the read side sends for a stat;
 * - `plain`, `tooLarge`, `storageFailure` / `failure`: the answers every write handler gives
 *   (disk errors → 507, 403, 409, 400 or 500);
 * - `removeResource`: DELETE's removal of a file or a whole folder, with its hooks and the
 *   members that failed;
 * - `hiddenTreeRefusal`: the 403 for removing a folder that holds a private path (DELETE, and
 *   the folder a COPY or MOVE replaces).
 *
 * Everything else in `src/uploads/` is the feature's own.
 * @module
 */

export { type UploadHooks, uploadMethods, uploadRoutes } from "./upload_routes.ts";
export {
  pathBelowMount,
  plain,
  refusedByMachine,
  storageFailure,
  tooLarge,
  UPLOAD_MOUNT,
  type UploadContext,
  uploadContext,
  type WriteGuard,
  type WriteIntent,
  writeRefusal,
} from "./upload_context.ts";
export {
  type FinishedDigest,
  guardPlannedWrite,
  planWrite,
  publishFinished,
  type WritePlan,
} from "./finished_file.ts";
export { type PieceConsumer, PUMP_PIECE_BYTES, pumpBody } from "./upload_pump.ts";
export { rawUpload } from "./raw_upload.ts";
export { plainOnlyField } from "./plain_only_field.ts";
export { baseName, uploadNameProblem } from "./upload_name.ts";
export {
  codingEtagsOf,
  existingValidators,
  failure,
  prepareFolder,
  resolveWriteTarget,
  type TargetResult,
  validatorsOf,
  type WriteTarget,
} from "./write_target.ts";
export { preconditionsFail } from "./write_conditions.ts";
export { type CommitOutcome, TempFile } from "./temp_file.ts";
export { parseOcSeconds } from "./oc_mtime.ts";
export { type RemoveOutcome, removeResource } from "./delete_entry.ts";
export { hiddenTreeRefusal } from "./hidden_tree.ts";
