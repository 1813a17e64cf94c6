/**
 * What every write handler on `/files/` shares: the resolved root, the auth guard, the hook that
 * tells the read side a path changed, and the answers for refusals that come before any body
 * byte is read (so a client waiting on `Expect: 100-continue` gets them at once) and for storage
 * failures after.
 *
 * Status decisions:
 * - 401 (auth) before 403 (`--read-only`): a client learns about the server's policy only once
 *   it is allowed to talk to it.
 * - Storage errors: no space or quota (ENOSPC, EDQUOT) → 507 Insufficient Storage (RFC 4918
 *   §11.5); permission denied or a read-only file system → 403; a path segment that is a file,
 *   or a folder where a file should go → 409 Conflict; anything else → 500. The message names
 *   the problem, never the server's paths.
 * - A folder that vanishes while an upload streams into it or publishes there (a DELETE, a MOVE,
 *   another program; ENOENT on the temp file or the final name) → 409 Conflict
 *   (`uploadFailure`): the tree changed under the request, as RFC 9110 §15.5.10 describes, not a
 *   fault of the server. Only the upload handlers map it: elsewhere a missing name means other
 *   things (a 404, a member that went away).
 * - A conditional write that cannot get the lock on the file it replaces within its bound (another
 *   program holds it) → 503 with `Retry-After` (`lockBusy`, `guarded_publish.ts`).
 *
 * This module must not touch sockets.
 * @module
 */

import { resolve } from "node:path";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import type { AppConfig } from "../app/app_config.ts";
import { type AuthGuard, authGuard } from "../app/auth.ts";
import type { HiddenPaths } from "../app/hidden_paths.ts";
import { hiddenPathsFor } from "../app/secret_files.ts";
import { isOutOfDescriptors, outOfDescriptorsResponse } from "../app/out_of_descriptors.ts";
import { textResponse } from "../app/router.ts";

/** Where the shared folder is mounted (the same prefix the read routes use). */
export const UPLOAD_MOUNT = "/files/";

/** What a write is about to change, as the write guard sees it. */
export interface WriteIntent {
  /**
   * `create`: a new name appears in its folder (PUT of a new file, MKCOL); `replace`: an
   * existing file gets new contents; `remove`: the name and everything below it go (DELETE).
   */
  kind: "create" | "replace" | "remove";
  /** Decoded segments below the root (empty for the shared folder itself). */
  segments: readonly string[];
  /** The path on disk. */
  fsPath: string;
  /** What is there now, or null. */
  existing: Deno.FileInfo | null;
}

/**
 * Asked before a write changes anything (after auth, `--read-only`, the path and the HTTP
 * preconditions passed, before the body is read): an answer refuses the write, null lets it
 * go ahead. WebDAV plugs its locks and `If` header in here (423, 412).
 */
export type WriteGuard = (req: HttpRequest, intent: WriteIntent) => Promise<HttpResponse | null>;

/** Optional links from the write side to the rest of the app. */
export interface UploadHooks {
  /**
   * Called with the file-system path of every file or folder a write created, replaced or
   * removed (and of its folder), so caches on the read side can forget it at once.
   */
  changed?: (fsPath: string) => void;
  /** Asked before every write (see {@link WriteGuard}); none lets every write through. */
  guard?: WriteGuard;
  /**
   * Whether `req` holds a lock on the resource at `segments` (WebDAV: a lock covers it and the
   * request's `If` header submits its token). None: no request holds one.
   */
  lockHeld?: (req: HttpRequest, segments: readonly string[]) => Promise<boolean>;
  /**
   * Called after a file or folder was deleted, with its segments, so what other features keep
   * about it (WebDAV's dead properties and locks) goes with it. `replacing`: the name is about to
   * hold a new resource (an overwriting COPY or MOVE), so what belongs to the name rather than to
   * the old resource — a lock rooted at it — stays.
   */
  removed?: (
    segments: readonly string[],
    fsPath: string,
    isDir: boolean,
    replacing?: boolean,
  ) => Promise<void>;
  /**
   * Every method `/files/` answers, for the `Allow` of a 405 (RFC 9110 §15.5.6: it lists the
   * resource's methods), when another feature adds its own (WebDAV); the uploads' own otherwise.
   */
  allow?: string;
}

/** Shared state of the write handlers for one config. */
export interface UploadContext {
  config: AppConfig;
  /** `config.directory` made absolute once, exactly as the read side does. */
  root: string;
  guard: AuthGuard;
  /** `--hide` patterns: a write to a private path is answered 404, like a read. */
  hidden: HiddenPaths;
  changed(fsPath: string): void;
  /** The write guard (a pass-through when no feature gave one). */
  writeGuard: WriteGuard;
  /** Whether a request holds a lock on a resource (see {@link UploadHooks.lockHeld}). */
  lockHeld(req: HttpRequest, segments: readonly string[]): Promise<boolean>;
  removed(
    segments: readonly string[],
    fsPath: string,
    isDir: boolean,
    replacing?: boolean,
  ): Promise<void>;
}

const PASS: WriteGuard = () => Promise.resolve(null);

/** Builds the context for `config`. */
export function uploadContext(config: AppConfig, hooks: UploadHooks = {}): UploadContext {
  return {
    config,
    root: resolve(config.directory),
    guard: authGuard(config),
    hidden: hiddenPathsFor(config, config.directory),
    changed: changedWithSiblings(hooks.changed ?? (() => {})),
    writeGuard: hooks.guard ?? PASS,
    lockHeld: hooks.lockHeld ?? (() => Promise.resolve(false)),
    removed: hooks.removed ?? (() => Promise.resolve()),
  };
}

/** A precompressed sibling (`x.js.br`) changes what is served for `x.js` too. */
const SIBLING_SUFFIX = /\.(br|gz)$/;

function changedWithSiblings(hook: (fsPath: string) => void): (fsPath: string) => void {
  return (fsPath) => {
    hook(fsPath);
    const m = SIBLING_SUFFIX.exec(fsPath);
    if (m !== null) hook(fsPath.slice(0, -m[0].length));
  };
}

/** The refusal that applies to any write before looking at its path (auth, read-only), or null. */
export function writeRefusal(ctx: UploadContext, req: HttpRequest): HttpResponse | null {
  const denied = ctx.guard(req, "write");
  if (denied !== null) return denied;
  if (ctx.config.readOnly) return plain(STATUS.Forbidden, "Writes are disabled (--read-only)");
  return null;
}

/** The raw URL path below the mount (`/files/a%20b` → `a%20b`). */
export function pathBelowMount(req: HttpRequest): string {
  return req.path.slice(UPLOAD_MOUNT.length);
}

/**
 * 413 for a declared length over the limit; the connection closes so an unread body (or one the
 * client is still holding back for `100 Continue`) never has to be drained.
 */
export function tooLarge(maxBytes: number): HttpResponse {
  const res = plain(STATUS.ContentTooLarge, `Upload larger than the limit of ${maxBytes} bytes`);
  res.close = true;
  return res;
}

/** A plain-text answer: `text` plus a newline. */
export function plain(status: number, text: string): HttpResponse {
  return textResponse(status, `${text}\n`);
}

/**
 * The answer to a guarded publish that did not happen: the file changed while the body came
 * (`null`, 412), or a file took the name meanwhile (`"exists"`: 409 under --no-overwrite, else 412).
 */
export function notPublished(outcome: null | "exists", noOverwrite: boolean): HttpResponse {
  if (outcome === null) {
    return plain(STATUS.PreconditionFailed, "Precondition failed: the file changed meanwhile");
  }
  return noOverwrite
    ? plain(STATUS.Conflict, "A file with this name exists and overwriting is disabled")
    : plain(STATUS.PreconditionFailed, "Precondition failed: the file exists");
}

/**
 * The answers `storageFailure` gave for the machine's state rather than the request's: the
 * disk's permissions, a read-only mount. A 403 to the client, but one an administrator can undo,
 * so a finished resumable upload keeps its data rather than taking it for a refusal.
 */
const MACHINE_REFUSALS = new WeakSet<HttpResponse>();

/** Whether `res` is a refusal by the machine's state (see {@link storageFailure}), not a rule. */
export function refusedByMachine(res: HttpResponse): boolean {
  return MACHINE_REFUSALS.has(res);
}

/** Seconds a conditional write refused for a held lock (`lockBusy`) asks the client to wait. */
export const LOCK_BUSY_RETRY_AFTER_SECONDS = 5;

/** 503 for a conditional write whose target stayed locked by someone else past the bound. */
export function lockBusy(): HttpResponse {
  const res = plain(STATUS.ServiceUnavailable, "The file is locked by another program; try again");
  res.headers!.push(["Retry-After", `${LOCK_BUSY_RETRY_AFTER_SECONDS}`]);
  return res;
}

/**
 * The answer for an error thrown while an upload stores or publishes its file: those of
 * {@link storageFailure}, and 409 when the folder was removed or moved meanwhile (see the module
 * doc); null if not one.
 */
export function uploadFailure(err: unknown): HttpResponse | null {
  const known = storageFailure(err);
  if (known !== null) return known;
  if (
    err instanceof Deno.errors.NotFound || (err as { code?: unknown } | null)?.code === "ENOENT"
  ) {
    return plain(STATUS.Conflict, "The folder was removed or moved during the upload");
  }
  return null;
}

/** The answer for an error thrown by a file-system call during a write, or null if not one. */
export function storageFailure(err: unknown): HttpResponse | null {
  // Out of descriptors (the temp file could not be created or opened): the server's moment, not
  // the folder's fault — 503 with Retry-After, never 403/409/500.
  if (isOutOfDescriptors(err)) return outOfDescriptorsResponse();
  const code = (err as { code?: unknown } | null)?.code;
  if (code === "ENOSPC" || code === "EDQUOT") {
    return plain(STATUS.InsufficientStorage, "Not enough disk space to store the upload");
  }
  if (err instanceof Deno.errors.PermissionDenied || code === "EACCES" || code === "EROFS") {
    const res = plain(STATUS.Forbidden, "The server may not write to this folder");
    MACHINE_REFUSALS.add(res);
    return res;
  }
  if (err instanceof Deno.errors.NotADirectory || code === "ENOTDIR") {
    return plain(STATUS.Conflict, "A folder in the path is a file");
  }
  if (err instanceof Deno.errors.IsADirectory || code === "EISDIR") {
    return plain(STATUS.Conflict, "A folder exists with this name");
  }
  // A loop of symlinks on the way (`a -> b`, `b -> a`): the tree's state is at fault, not the
  // server, so 409 like a file in the folder's place (RFC 9110 §15.5.10), never a 500.
  if (err instanceof Deno.errors.FilesystemLoop || code === "ELOOP") {
    return plain(STATUS.Conflict, "A loop of symbolic links in the path");
  }
  if (code === "ENAMETOOLONG") return plain(STATUS.BadRequest, "Path too long for the disk");
  return null;
}
