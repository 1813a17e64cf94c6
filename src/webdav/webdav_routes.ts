/**
 * WebDAV's route lines (RFC 4918) on the shared folder, beside the read route (GET, HEAD) and the
 * uploads' (PUT, POST, DELETE, MKCOL), so the share mounts as a drive:
 *
 * | method | path | what |
 * |---|---|---|
 * | OPTIONS | `/files`, `/files/<path>` | `DAV: 1, 2` and the router's `Allow`, no credentials |
 * | OPTIONS | `/` | `DAV: 1, 2` for Windows' probe, `Allow` of the web root (GET, HEAD) |
 * | PROPFIND | `/files[/<path>]` | properties, Depth 0 or 1, streamed (`propfind.ts`) |
 * | PROPPATCH | `/files[/<path>]` | dead properties, all or nothing (`proppatch.ts`) |
 * | COPY | `/files/<path>` | to `Destination` (`copy_move.ts`) |
 * | MOVE | `/files/<path>` | only with `--allow-delete` (it removes the source) |
 * | LOCK, UNLOCK | `/files[/<path>]` | write locks (`lock_handler.ts`) |
 *
 * Turned-off methods are left out, as the uploads do: MOVE without `--allow-delete` is 405 and
 * absent from `Allow`; under `--read-only` every method is routed and every change refused (403),
 * and the changing methods' line is `unlisted`, so `Allow` offers reads only. `OPTIONS` answers
 * the fields WebDAV adds; its `Allow` is the router's, made from every line on the path (RFC 9110
 * §10.2.1), so it lists exactly what a 405 there lists: at `/files`, where no upload line reaches,
 * WebDAV's methods and GET; at `/`, the web root's.
 * `OPTIONS /` answers at the server root because Windows' WebDAV client probes the root before
 * it maps any folder below it; `--auth-all` lets OPTIONS through (`src/app/auth.ts`).
 *
 * This module must not touch sockets.
 * @module
 */

import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { STATUS } from "../http/status.ts";
import type { AppConfig } from "../app/app_config.ts";
import type { Route } from "../app/router.ts";
import { FILES_BARE, FILES_MOUNT } from "../files/mod.ts";
import { onDemand } from "../app/on_demand.ts";
import type { DavContext } from "./dav_context.ts";
import type * as DavMethods from "./dav_methods.ts";

/** The WebDAV methods `config` turns on for `/files/`. */
export function davMethods(config: AppConfig): string[] {
  return ["PROPFIND", ...davChanges(config)];
}

/** The WebDAV methods that change the share (refused under `--read-only`). */
function davChanges(config: AppConfig): string[] {
  const methods = ["PROPPATCH", "COPY", "LOCK", "UNLOCK"];
  // Read-only: routed so that MOVE is answered 403 like every other change.
  if (config.allowDelete || config.readOnly) methods.push("MOVE");
  return methods;
}

/**
 * WebDAV compliance classes for `DAV` (RFC 4918 §10.1, §18): 1 and 2 (locks). A read-only share
 * says class 1 only: no write can succeed, so locking has nothing to protect, and macOS Finder
 * mounts a server without locking read-only instead of offering edits that fail.
 */
function davClasses(config: AppConfig): string {
  return config.readOnly ? "1" : "1, 2";
}

/**
 * The WebDAV route lines for `ctx`. Windows probes `OPTIONS /` for the `DAV` field before it maps
 * a folder below it, so the root says DAV too; its `Allow`, as every OPTIONS answer's, is the
 * router's: `/` answers PROPFIND, PUT or LOCK with 405, and lists what the 405 lists.
 */
export function davRoutes(ctx: DavContext): Route[] {
  const options = (): HttpResponse => ({
    status: STATUS.OK,
    headers: [
      ["DAV", davClasses(ctx.config)],
      // Microsoft Office opens documents for editing only from servers that say this.
      ["MS-Author-Via", "DAV"],
      ...(ctx.optionsFields ?? []),
    ],
  });
  // The methods' modules (PROPFIND's renderer, the XML parser, COPY/MOVE's tree walks, LOCK)
  // are imported by the first WebDAV request (on_demand.ts): a worker that only serves files and
  // uploads never holds them. OPTIONS, which every client sends first, needs none of them.
  const loadMethods = onDemand(() => import("./dav_methods.ts"));
  const answer = (m: typeof DavMethods, req: HttpRequest): Promise<HttpResponse> => {
    switch (req.method) {
      case "PROPFIND":
        return m.propfind(ctx, req);
      case "PROPPATCH":
        return m.proppatch(ctx, req);
      case "COPY":
        return m.copyMove(ctx, req, false);
      case "MOVE":
        return m.copyMove(ctx, req, true);
      case "LOCK":
        return m.lock(ctx, req);
      default:
        return m.unlock(ctx, req);
    }
  };
  const handler = (req: HttpRequest): HttpResponse | Promise<HttpResponse> => {
    if (req.method === "OPTIONS") return options();
    const m = loadMethods();
    return m instanceof Promise ? m.then((loaded) => answer(loaded, req)) : answer(m, req);
  };
  // Under --read-only the changes are routed only to be refused (403): not offered in Allow.
  const reads = ["PROPFIND", "OPTIONS"];
  const changes = davChanges(ctx.config);
  const unlisted = ctx.config.readOnly;
  return [
    { methods: reads, path: `${FILES_MOUNT}*`, handler },
    { methods: changes, path: `${FILES_MOUNT}*`, handler, unlisted },
    { methods: reads, path: FILES_BARE, handler },
    { methods: changes, path: FILES_BARE, handler, unlisted },
    { methods: ["OPTIONS"], path: "/", handler: options },
  ];
}
