/**
 * The web root's route line: `GET`/`HEAD` of every path no other route claims (`/` is the UI),
 * kept out of other sites' frames when it is the built-in UI (`frame_protection.ts`); and, for a
 * site of the user's (`--www`), what it holds first: a GET or HEAD of a path the site has a file
 * or folder at is the site's, not a built-in test endpoint's (`/robots.txt`, `/image/logo.png`,
 * `/status/`…).
 *
 * This module must not touch sockets.
 * @module
 */

import type { AppConfig } from "../app/app_config.ts";
import type { ChangeBoard } from "../app/change_board.ts";
import type { AppHooks } from "../app/app_hooks.ts";
import type { Route } from "../app/router.ts";
import type { Handler, HttpRequest, HttpResponse } from "../http/types.ts";
import { withFrameProtection } from "./frame_protection.ts";
import { webRoot } from "./web_root_handler.ts";

/** The web root's route line, and how other routes give way to a `--www` site. */
export interface WebRootLines {
  /** The catch-all read route of the web root (`--www`, or the embedded UI). */
  routes: Route[];
  /**
   * `lines` giving way to the site: with `--www`, a GET or HEAD of a path the site holds is
   * answered by the site (hidden names aside); `lines` unchanged for the built-in UI, whose
   * names never collide with an endpoint's.
   */
  siteFirst(lines: Route[]): Route[];
  /** Closes what the web root keeps open between requests (at shutdown). */
  close(): void;
}

/** The web root's lines for `config`. */
export function webRootRoutes(
  config: AppConfig,
  hooks?: AppHooks,
  changes?: ChangeBoard,
): WebRootLines {
  const root = webRoot(config, hooks, changes);
  // The built-in UI may not be framed by other sites; a --www site is its author's to decide.
  const served = config.www === null ? withFrameProtection(root.handler) : root.handler;
  return {
    routes: [{ methods: ["GET"], path: "/*", handler: served }], // / → index.html
    siteFirst: (lines) =>
      config.www === null
        ? lines
        : lines.map((line) => ({ ...line, handler: siteFirst(root.holds, served, line.handler) })),
    close: root.close,
  };
}

/** `handler`, except for a GET or HEAD of a path the site `holds`, which `site` answers. */
function siteFirst(
  holds: (req: HttpRequest) => boolean | Promise<boolean>,
  site: Handler,
  handler: Handler,
): Handler {
  return (req): HttpResponse | Promise<HttpResponse> => {
    if (req.method !== "GET" && req.method !== "HEAD") return handler(req);
    const held = holds(req);
    if (held instanceof Promise) return held.then((yes) => yes ? site(req) : handler(req));
    return held ? site(req) : handler(req);
  };
}
