/**
 * The 404 for a path that one of our prefix routes (`/status/*`) caught but go-httpbin's route
 * pattern (`/status/{code}`) would not match: a missing or extra path segment. Its text is the one
 * go-httpbin answers there (Go's `http.NotFound`), which go-httpbin's own tests look for
 * (`BodyContains("not found")` on `/base64/`); other unknown paths get the web root's 404.
 *
 * This module must not touch sockets.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpResponse } from "../http/types.ts";
import { textResponse } from "../app/router.ts";

/** go-httpbin's 404 answer. */
export function notFound(): HttpResponse {
  return textResponse(STATUS.NotFound, "404 page not found\n");
}

/**
 * The `/`-separated segments after `prefix` when there are exactly `count`, none empty (the
 * shape of go-httpbin's `{name}` wildcards), else null.
 */
export function pathSegments(path: string, prefix: string, count: number): string[] | null {
  const segments = path.slice(prefix.length).split("/");
  if (segments.length !== count || segments.some((s) => s === "")) return null;
  return segments;
}
