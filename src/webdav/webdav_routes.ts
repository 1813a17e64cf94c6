/**
 * WebDAV's route lines (RFC 4918) on the shared folder, beside the read route (GET, HEAD) and the
 * uploads' (PUT, POST, DELETE, MKCOL), so the share mounts as a drive:
 *
 * | method | path | what |
 * |---|---|---|
 * | OPTIONS | `/files`, `/files/<path>` | `DAV: 1, 2` and the full `Allow`, no credentials |
 * | OPTIONS | `/` | `DAV: 1, 2` for Windows' probe, `Allow` of the web root (GET, HEAD) |
 * | PROPFIND | `/files[/<path>]` | properties, Depth 0 or 1, streamed (`propfind.ts`) |
 * | PROPPATCH | `/files[/<path>]` | dead properties, all or nothing (`proppatch.ts`) |
 * | COPY | `/files/<path>` | to `Destination` (`copy_move.ts`) |
 * | MOVE | `/files/<path>` | only with `--allow-delete` (it removes the source) |
 * | LOCK, UNLOCK | `/files[/<path>]` | write locks (`lock_handler.ts`) |
 *
 * Turned-off methods are left out, as the uploads do: MOVE without `--allow-delete` is 405 and
 * absent from `Allow`; under `--read-only` every method is routed and every change refused (403).
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
import { uploadMethods } from "../uploads/mod.ts";
import { onDemand } from "../app/on_demand.ts";
import type { DavContext } from "./dav_context.ts";
import type * as DavMethods from "./dav_methods.ts";

/** The WebDAV methods `config` turns on for `/files/`. */
export function davMethods(config: AppConfig): string[] {
  const methods = ["PROPFIND", "PROPPATCH", "COPY", "LOCK", "UNLOCK"];
  // Read-only: listed so that MOVE is answered 403 like every other change.
  if (config.allowDelete || config.readOnly) methods.push("MOVE");
  return methods;
}

/**
 * The methods `/files/` advertises under `config`, for `Allow` (RFC 9110 §10.2.1). A read-only
 * share answers the write methods with 403, but does not advertise them: clients plan from this
 * list, and a mount offered PUT would offer editing that can only fail.
 */
export function filesAllow(config: AppConfig): string {
  if (config.readOnly) return "OPTIONS, GET, HEAD, PROPFIND";
  return ["OPTIONS", "GET", "HEAD", ...uploadMethods(config), ...davMethods(config)].join(", ");
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
 * What `/` itself answers — the web root's page — for the `Allow` of `OPTIONS /`. Windows probes
 * `OPTIONS /` for the `DAV` field before it maps a folder below it, so the root says DAV too; but
 * `Allow` is about the resource asked (RFC 9110 §10.2.1), and `/` answers PROPFIND, PUT or LOCK
 * with 405: it lists what the 405 lists.
 */
const WEB_ROOT_ALLOW = "OPTIONS, GET, HEAD";

/** The WebDAV route lines for `ctx`. */
export function davRoutes(ctx: DavContext): Route[] {
  const methods = [...davMethods(ctx.config), "OPTIONS"];
  const allow = filesAllow(ctx.config);
  const optionsWith = (allow: string) => (): HttpResponse => ({
    status: STATUS.OK,
    headers: [
      ["DAV", davClasses(ctx.config)],
      ["Allow", allow],
      // Microsoft Office opens documents for editing only from servers that say this.
      ["MS-Author-Via", "DAV"],
      ...(ctx.optionsFields ?? []),
    ],
  });
  const options = optionsWith(allow);
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
  return [
    { methods, path: `${FILES_MOUNT}*`, handler },
    { methods, path: FILES_BARE, handler },
    { methods: ["OPTIONS"], path: "/", handler: optionsWith(WEB_ROOT_ALLOW) },
  ];
}
