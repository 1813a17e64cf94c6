/**
 * The WebDAV feature (RFC 4918 class 1 and 2 on `/files/`) as the rest of the app sees it:
 * `webdav()` builds its route lines, the two hooks the uploads call — the write guard (locks
 * and the `If` header for PUT, POST, DELETE, MKCOL) and `removed` (a deleted resource's dead
 * properties and locks go with it) — and the read guard (the `If` header on the read side's GET
 * and HEAD). It is built from the app's config, the read side's served root, the `changed`
 * hook and the lock service — the shared service `LOCK_SERVICE` (`LockServiceHost`), one table
 * for every worker. Everything else in `src/webdav/` is the feature's own.
 * @module
 */

import type { AppConfig } from "../app/app_config.ts";
import type { HttpRequest } from "../http/types.ts";
import type { Route } from "../app/router.ts";
import { type HeldEntries, heldEntries, type ServedRoot } from "../files/mod.ts";
import { uploadContext, type WriteGuard } from "../uploads/mod.ts";
import type { DavContext } from "./dav_context.ts";
import { resourcePath } from "./dav_path.ts";
import { removeDeadProps } from "./dead_props.ts";
import type { LockService } from "./lock_service.ts";
import { davRoutes } from "./webdav_routes.ts";
import { guardFileReads } from "./read_guard.ts";
import { RealResources } from "./real_resource.ts";
import { lockHeldBy, uploadWriteGuard } from "./write_guard.ts";

export {
  localLockService,
  LOCK_SERVICE,
  type LockService,
  LockServiceHost,
} from "./lock_service.ts";
export { LockTable } from "./lock_table.ts";
export { hideFinderMetadata } from "./finder_metadata.ts";

/** What WebDAV needs from the app. */
export interface WebdavDeps {
  /** The read side's root for `/files/` (what it refuses, WebDAV does not show). */
  files: ServedRoot;
  /** Tells the read cache that a path changed (the same hook the uploads get). */
  changed: (fsPath: string) => void;
  /** The lock table, reached asynchronously (see `lock_service.ts`). */
  locks: LockService;
  /** Fields other features add to `OPTIONS` on the share (resumable uploads' discovery). */
  optionsFields?: ReadonlyArray<[string, string]>;
  /**
   * The server-wide count of entries held by answers being sent, shared with the listings: a
   * large `PROPFIND Depth: 1` holds its folder's names there (a count of its own by default).
   */
  listed?: HeldEntries;
}

/** The feature: its routes and the hooks it lends the uploads. */
export interface Webdav {
  routes: Route[];
  /** The uploads' write guard: locks and `If` for PUT, POST, DELETE, MKCOL. */
  guard: WriteGuard;
  /** Whether a request holds a lock on a resource (`--no-overwrite`'s lock-then-write). */
  lockHeld: (req: HttpRequest, segments: readonly string[]) => Promise<boolean>;
  /** The uploads' `removed` hook: drops a deleted resource's dead properties and locks. */
  removed: (
    segments: readonly string[],
    fsPath: string,
    isDir: boolean,
    replacing?: boolean,
  ) => Promise<void>;
  /** The read side's `/files/` routes with the `If` header checked on GET and HEAD. */
  guardFileReads: (routes: Route[]) => Route[];
}

/** Builds the WebDAV feature for `config`. */
export function webdav(config: AppConfig, deps: WebdavDeps): Webdav {
  const removed = async (
    segments: readonly string[],
    fsPath: string,
    isDir: boolean,
    replacing = false,
  ) => {
    await removeDeadProps(fsPath, isDir).catch(() => {}); // a leftover record is harmless
    // The locks on the name by its real spelling go too (a file removed through a link to its
    // folder); the name itself is not followed: a removed link leaves its target and its locks.
    const real = await new RealResources(ctx).of(segments, false);
    await deps.locks.release(resourcePath(segments), replacing, real);
  };
  const ctx: DavContext = {
    config,
    uploads: uploadContext(config, { changed: deps.changed, removed }),
    files: deps.files,
    locks: deps.locks,
    optionsFields: deps.optionsFields ?? [],
    listed: deps.listed ?? heldEntries(),
  };
  return {
    routes: davRoutes(ctx),
    guard: uploadWriteGuard(ctx),
    lockHeld: lockHeldBy(ctx),
    removed,
    guardFileReads: (routes) => guardFileReads(ctx, routes),
  };
}
