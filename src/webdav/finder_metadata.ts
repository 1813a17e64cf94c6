/**
 * Fast refusals for the metadata files macOS Finder writes on every share it mounts: AppleDouble
 * `._<name>` companions and `.DS_Store`, plus the volume-level `.Trashes`, `.Spotlight-V100`,
 * `.fseventsd`, `.TemporaryItems` and `.metadata_never_index`. Without `--dotfiles` they are
 * dotfiles the share would refuse anyway; answering before any disk access keeps a mounted share
 * quick (Finder asks for them around every file it shows) and keeps them off the disk:
 * a change gets 403 (Finder then carries on without them), a read 404. A change is asked for
 * its credentials first (401), as every write is: 401 comes before 403, so a client without
 * them learns nothing of the share's rules (docs/endpoints.md).
 *
 * With `--dotfiles` nothing is refused here: the user asked for dotfiles to be files.
 *
 * This module must not touch the disk.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpRequest } from "../http/types.ts";
import type { AppConfig } from "../app/app_config.ts";
import { authGuard } from "../app/auth.ts";
import { percentDecode } from "../app/percent_decode.ts";
import type { Route } from "../app/router.ts";
import { FILES_MOUNT } from "../files/mod.ts";
import { plainAnswer } from "./dav_context.ts";

const VOLUME_NAMES = new Set([
  ".DS_Store",
  ".Trashes",
  ".Spotlight-V100",
  ".fseventsd",
  ".TemporaryItems",
  ".metadata_never_index",
]);
/** Methods that only read: a refused read is a missing file (404). */
const READS = new Set(["GET", "HEAD", "PROPFIND"]);

/** Whether the raw URL path names Finder metadata (in its last segment). */
export function isFinderMetadata(path: string): boolean {
  const trimmed = path.endsWith("/") ? path.slice(0, -1) : path;
  const raw = trimmed.slice(trimmed.lastIndexOf("/") + 1);
  // Cheap first look: every such name starts with "." (maybe written %2E).
  if (!raw.startsWith(".") && !raw.startsWith("%2")) return false;
  const name = percentDecode(raw);
  if (name === null) return false;
  return name.startsWith("._") || VOLUME_NAMES.has(name);
}

/**
 * `routes` with the handlers of the `/files/` lines wrapped to refuse Finder metadata (see the
 * module doc); the same lines unchanged with `--dotfiles`.
 */
export function hideFinderMetadata(config: AppConfig, routes: Route[]): Route[] {
  if (config.dotfiles) return routes;
  const guard = authGuard(config);
  return routes.map((route) => {
    if (!route.path.startsWith(FILES_MOUNT)) return route;
    const inner = route.handler;
    return {
      ...route,
      handler: (req: HttpRequest) => {
        if (req.method === "OPTIONS" || !isFinderMetadata(req.path)) return inner(req);
        if (READS.has(req.method)) return plainAnswer(STATUS.NotFound, "Not found");
        // refuse: without credentials a write learns nothing but that it needs them (401)
        return guard(req, "write") ??
          plainAnswer(STATUS.Forbidden, "Finder metadata is not stored on this share");
      },
    };
  });
}
