/**
 * `GET`/`HEAD /…`: the web root. By default the embedded `www/` UI; with `--www <dir>` a folder
 * of the user's (a static site). A folder answers with its `index.html` (never a listing: that
 * is `/files/`'s job), `--spa` answers unknown extensionless paths — and any unknown path a
 * browser navigates to (see {@link isNavigation}) — with `/index.html` and 200 (never a path `--hide` holds: every spelling of one is a 404), and a `404.html` at the root is
 * the body of every 404 when present. With `--templates`, the `.html` files of `--www` (index
 * pages and `404.html` included) are rendered by `src/templates/`; the
 * embedded UI and every other file are served as they are.
 *
 * Locating `www/`: it is resolved from this module's URL (`new URL("../../www/",
 * import.meta.url)`), not from the working directory, so `deno run` works from any folder. In a
 * binary built with `deno compile --include www`, `import.meta.url` points into the binary's
 * embedded file system (a `file:` URL below a temporary-looking root such as
 * `/tmp/deno-compile-wireserve/`), and the Deno fs calls used here (realPath, stat, open, read,
 * readDir) are served from the embedded copy, so the same URL arithmetic finds the bundled
 * files.
 *
 * This module must not touch sockets.
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { STATUS } from "../http/status.ts";
import type { Handler, HttpRequest, HttpResponse } from "../http/types.ts";
import type { AppConfig } from "../app/app_config.ts";
import type { ChangeBoard } from "../app/change_board.ts";
import { type AppHooks, NO_HOOKS } from "../app/app_hooks.ts";
import { hiddenPathsFor } from "../app/secret_files.ts";
import { acceptRanksAbove } from "../app/accept_ranks.ts";
import {
  type FileFacts,
  folderRedirect,
  notFound,
  type PathFacts,
  refused,
  type SafePathOk,
  ServedRoot,
} from "../files/mod.ts";
import { isTemplateName, templatePagesOnDemand } from "../templates/mod.ts";

/** The embedded UI folder, next to `src/` in the repository (and in the compiled binary). */
export const EMBEDDED_WWW: string = fileURLToPath(new URL("../../www/", import.meta.url));
/** Where the web root is mounted. */
const MOUNT = "/";
const INDEX = "index.html";
const NOT_FOUND_PAGE = "404.html";
/** What a browser's navigation asks for first, and a type no page is: see isNavigation. */
const HTML_TYPE = "text/html";
const OCTET_STREAM = "application/octet-stream";
const STATUS_NOT_FOUND = 404;
const STATUS_OK = STATUS.OK;

type Reply = HttpResponse | Promise<HttpResponse>;
/** Characters of a version string kept in an ETag (a subset of etagc). */
const VERSION_TAG_CHARS = /[^0-9A-Za-z.]/g;

/** The version as ETag-safe text: `1.2.0+build 7` → `1.2.0build7`. */
function versionTag(version: string): string {
  return version.replace(VERSION_TAG_CHARS, "");
}

/** The web root: its handler, and what its folder holds. */
export interface WebRoot {
  /** The handler for every path not claimed by another route. */
  handler: Handler;
  /**
   * Whether the folder holds something (a file, a folder) at the request's path, hidden and
   * refused names aside: synchronous when the cache knows.
   */
  holds(req: HttpRequest): boolean | Promise<boolean>;
  /** Closes the large files a `--www` folder keeps open for short reads (at shutdown). */
  close(): void;
}

/**
 * Whether `req` asks for a page rather than a file: its `Accept` ranks HTML above an arbitrary type
 * (`text/html,…,*\/*;q=0.8`, a browser's navigation), as a script's, a stylesheet's or an image's
 * fetch (`*\/*`, `image/avif,…,*\/*;q=0.8`) does not. So a `--spa` route whose last segment holds
 * a dot (`/users/john.doe`, `/docs/v1.2`) opens the app, while a missing `app.js` stays a 404.
 */
function isNavigation(req: HttpRequest): boolean {
  const accept = req.headers.list("accept");
  return accept !== undefined && acceptRanksAbove(accept, HTML_TYPE, OCTET_STREAM);
}

/** The handler for every path not claimed by another route. */
export function webRootHandler(
  config: AppConfig,
  hooks: AppHooks = NO_HOOKS,
  changes?: ChangeBoard,
): Handler {
  return webRoot(config, hooks, changes).handler;
}

/** The web root for `config` (see {@link WebRoot}). */
export function webRoot(
  config: AppConfig,
  hooks: AppHooks = NO_HOOKS,
  changes?: ChangeBoard,
): WebRoot {
  const root = new ServedRoot({
    changes,
    root: config.www ?? EMBEDDED_WWW,
    dotfiles: config.dotfiles,
    // A site's /.well-known/ (ACME challenges, security.txt) is served as nginx would.
    wellKnown: config.www !== null,
    followSymlinks: config.followSymlinks,
    statCacheMs: config.statCacheMs,
    cacheSeconds: config.cacheSeconds,
    // Embedded files may carry no useful times: a new version must not revalidate as an old one.
    etagSalt: config.www === null ? versionTag(config.version) : undefined,
    // --hide is about the user's files: the built-in UI holds none, and hiding `*.js` there
    // would only break it. A user's folder hides the settings file too, when it holds it.
    hidden: config.www === null ? undefined : hiddenPathsFor(config, config.www),
    // A user's site may hold videos a player seeks in; the built-in UI's files are small.
    holdFiles: config.www !== null,
  });
  const rootIndex = join(root.root, INDEX);
  const notFoundPath = join(root.root, NOT_FOUND_PAGE);
  // Only a user's folder is ever rendered: the built-in UI is served byte for byte.
  const pages = config.templates && config.www !== null
    ? templatePagesOnDemand({
      root,
      version: config.version,
      statCacheMs: config.statCacheMs,
      cacheControl: config.cacheSeconds === null ? "no-cache" : `max-age=${config.cacheSeconds}`,
      env: (name) => hooks.templateVar(name),
      warn: (line) => hooks.warn(line),
    })
    : null;

  /**
   * The file at `fsPath` (`segments` below the root) with `status`: rendered when it is a
   * template, else as it is. A template that names a missing post answers 404 instead.
   */
  const serve = (
    req: HttpRequest,
    fsPath: string,
    segments: readonly string[],
    facts: FileFacts,
    status: number = STATUS_OK,
  ): Reply => {
    if (pages === null || !isTemplateName(fsPath)) return root.serve(req, fsPath, facts, status);
    // The 404 page itself cannot ask for a 404 page: that would never end.
    const onMissing = () => status === STATUS_NOT_FOUND ? notFound() : missing(req);
    const page = { fsPath, segments, facts };
    const ready = pages();
    return ready instanceof Promise
      ? ready.then((p) => p.serve(req, page, status, onMissing))
      : ready.serve(req, page, status, onMissing);
  };

  /** Runs `then` on the facts of `fsPath`, synchronously when they are cached. */
  const withFacts = (fsPath: string, then: (f: PathFacts) => Reply): Reply => {
    const facts = root.lookup(fsPath);
    return facts instanceof Promise ? facts.then(then) : then(facts);
  };

  /** 404, with the root's `404.html` as the body when there is one. */
  const missing = (req: HttpRequest): Reply =>
    withFacts(
      notFoundPath,
      (page) =>
        page.kind === "file"
          ? serve(req, notFoundPath, [NOT_FOUND_PAGE], page, STATUS_NOT_FOUND)
          : notFound(),
    );

  /** The file at `fsPath` (`segments` below the root) when it is one, else 404. */
  const fileOr404 = (req: HttpRequest, fsPath: string, segments: readonly string[]): Reply =>
    withFacts(fsPath, (f) => f.kind === "file" ? serve(req, fsPath, segments, f) : missing(req));

  const answer = (req: HttpRequest, path: SafePathOk, facts: PathFacts): Reply => {
    if (facts.kind === "dir") {
      if (!path.trailingSlash) return folderRedirect(MOUNT, path.segments, req.query);
      const index = path.segments.length === 0 ? rootIndex : join(path.fsPath, INDEX);
      return fileOr404(req, index, [...path.segments, INDEX]);
    }
    if (facts.kind === "file" && !path.trailingSlash) {
      return serve(req, path.fsPath, path.segments, facts);
    }
    // An app route the client-side router knows (`/settings/profile`): its page is index.html.
    // refuse: never for a path a --hide pattern would hide were it a folder. `/private/` and
    // `/private/x` are refused by name (404); `/private` reaches here as missing whether the
    // hidden folder exists or not, and must get their 404 too — decided on the name alone, so
    // a hidden folder that exists and one that does not answer alike.
    const last = path.segments[path.segments.length - 1] ?? "";
    if (
      config.spa && facts.kind === "missing" && (!last.includes(".") || isNavigation(req)) &&
      !root.hidden.hides(path.segments, null)
    ) {
      return fileOr404(req, rootIndex, [INDEX]);
    }
    return missing(req);
  };

  const handler = (req: HttpRequest): Reply => {
    const path = root.resolve(req.path.slice(MOUNT.length));
    if (!path.ok) return path.status === STATUS_NOT_FOUND ? missing(req) : refused(path.status);
    return withFacts(path.fsPath, (f) => answer(req, path, f));
  };
  const holds = (req: HttpRequest): boolean | Promise<boolean> => {
    const path = root.resolve(req.path.slice(MOUNT.length));
    if (!path.ok) return false;
    const facts = root.lookup(path.fsPath);
    return facts instanceof Promise
      ? facts.then((f) => f.kind !== "missing")
      : facts.kind !== "missing";
  };
  return { handler, holds, close: () => root.closeHeldFiles() };
}
