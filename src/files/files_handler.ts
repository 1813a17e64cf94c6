/**
 * `GET`/`HEAD /files/<path>`: the shared folder (`--directory`). A file comes back with its
 * type, validators, ranges and compression (`file_response.ts`); a folder named with a final "/"
 * is listed (`listing_response.ts`), searched (`?q=`, `folder_search.ts`) or zipped (`?zip`,
 * `folder_zip.ts`), without the "/" redirected (308) to that form; anything refused or
 * missing is 404 (400 for malformed paths). `POST /files/<dir>/?zip` with the names in a form
 * body is the same zip (`zip_form.ts`, `zipFormHandler`). Write methods on the same prefix are
 * another route's (uploads).
 *
 * This module must not touch sockets.
 * @module
 */

import type { Handler, HttpRequest, HttpResponse } from "../http/types.ts";
import type { AppConfig } from "../app/app_config.ts";
import type { ChangeBoard } from "../app/change_board.ts";
import { hiddenPathsFor } from "../app/secret_files.ts";
import type { PathFacts } from "./file_cache.ts";
import type { SafePathOk } from "./safe_path.ts";
import { folderRedirect, notFound, refused, ServedRoot } from "./served_root.ts";
import {
  type HeldEntries,
  heldEntries,
  listingResponse,
  searchResponse,
  STREAM_FROM_ENTRIES,
} from "./listing_response.ts";
import { SharedListings } from "./shared_listings.ts";
import { ZIP_CACHING, zipResponse } from "./folder_zip.ts";
import { evaluatePreconditions, type Validators } from "../app/conditional.ts";
import { parseQuery } from "../app/query_params.ts";
import { textResponse } from "../app/router.ts";
import { localCount, type SharedCount } from "../http/shared_count.ts";
import { STATUS } from "../http/status.ts";
import { closingUnread } from "../http/drain_body.ts";
import { SEARCH_MAX_QUERY_CHARS } from "./folder_search.ts";
import { readZipForm, zipNamesRefusal } from "./zip_form.ts";

/** What preconditions see of a folder: it exists, with no tag and no date of its own. */
const FOLDER_VALIDATORS: Validators = { etag: "", lastModifiedMs: null };

/** Where the shared folder is mounted. */
export const FILES_MOUNT = "/files/";
/** The mount without its slash, which redirects to the mount. */
export const FILES_BARE = "/files";

/**
 * The shared folder as served for `config`. One per app: the upload routes tell its cache about
 * every write (`root.cache.invalidate`), so a GET right after an upload sees the new file. It
 * keeps large files open for short reads: the app closes them (`closeHeldFiles`) at shutdown.
 */
export function sharedFolderRoot(config: AppConfig, changes?: ChangeBoard): ServedRoot {
  return new ServedRoot({
    changes,
    root: config.directory,
    dotfiles: config.dotfiles,
    followSymlinks: config.followSymlinks,
    statCacheMs: config.statCacheMs,
    cacheSeconds: config.cacheSeconds,
    hidden: hiddenPathsFor(config, config.directory),
    holdFiles: true,
  });
}

/**
 * The handler for `/files` and `/files/*`, serving `config.directory` through `root`;
 * `zipsRunning` and `listed` are the server-wide counts of archives being made and of entries
 * held by streamed listings.
 */
export function filesHandler(
  config: AppConfig,
  root: ServedRoot = sharedFolderRoot(config),
  zipsRunning: SharedCount = localCount(),
  listed: HeldEntries = heldEntries(),
): Handler {
  const page = {
    maxEntries: config.maxListingEntries,
    held: listed,
    // Concurrent listings of a folder share one read, unless a write came between (on any
    // worker: the change board), and only within the age file facts are trusted anyway.
    reads: new SharedListings(root.changes, config.statCacheMs, listed, STREAM_FROM_ENTRIES),
    // The listing page offers the forms the write routes will accept.
    forms: { upload: !config.readOnly, mkdir: config.allowMkdir && !config.readOnly },
  };
  // A zip holds what the listing shows: a folder the listing truncates is refused (413).
  const zipLimits = { folderEntries: config.maxListingEntries, held: listed };
  const answer = (req: HttpRequest, path: SafePathOk, facts: PathFacts) => {
    if (facts.kind === "missing") return notFound();
    if (facts.kind === "dir") {
      if (!path.trailingSlash) return folderRedirect(FILES_MOUNT, path.segments, req.query);
      // RFC 9110 §13.2.1: preconditions come after the request's own checks (a malformed query).
      const ask = folderAsk(req.query);
      if (ask.kind === "refused") return ask.response;
      // A folder exists without a strong tag: `If-Match: *` holds, a listed tag does not
      // (RFC 9110 §13.1.1). A zip has no tag either, so `If-None-Match: *` is its 304; a
      // listing or search page is tagged by its bytes, so its 304 waits until it is made
      // (`folderPage`).
      const pre = evaluatePreconditions(req.method, req.headers, FOLDER_VALIDATORS);
      if (pre === "failed") return textResponse(STATUS.PreconditionFailed, "Precondition failed\n");
      if (pre === "not-modified" && ask.kind === "zip") {
        // RFC 9110 §15.4.5: the 304 carries the Cache-Control the 200 would have.
        return { status: STATUS.NotModified, headers: [...ZIP_CACHING] };
      }
      const segments = path.segments;
      if (ask.kind === "zip") {
        const name = segments.at(-1) ?? "";
        return zipResponse(root, facts.realPath, name, ask.only, zipsRunning, zipLimits);
      }
      if (ask.kind === "search") {
        return searchResponse(req, root, FILES_MOUNT, segments, facts.realPath, ask.text, listed);
      }
      const folder = { fsPath: path.fsPath, realDir: facts.realPath };
      return listingResponse(req, root, FILES_MOUNT, segments, folder, page);
    }
    // A file named as a folder (`a.txt/`) does not exist, as on every file system.
    if (path.trailingSlash) return notFound();
    return root.serve(req, path.fsPath, facts);
  };

  return (req: HttpRequest): HttpResponse | Promise<HttpResponse> => {
    if (req.path === FILES_BARE) return folderRedirect(FILES_MOUNT, [], req.query);
    const path = root.resolve(req.path.slice(FILES_MOUNT.length));
    if (!path.ok) return refused(path.status);
    const facts = root.lookup(path.fsPath);
    // The cached case stays synchronous: no promise, no microtask, on the hot path.
    return facts instanceof Promise
      ? facts.then((f) => answer(req, path, f))
      : answer(req, path, facts);
  };
}

/**
 * The handler for `POST /files/<dir>/?zip` (`zip_form.ts`): the names come from the form body,
 * and the answer is the `GET`'s. Only a folder named with its final "/" has one; anything else
 * is 404, as a form cannot be redirected without being sent again.
 */
export function zipFormHandler(
  config: AppConfig,
  root: ServedRoot,
  zipsRunning: SharedCount = localCount(),
  listed: HeldEntries = heldEntries(),
): Handler {
  const zipLimits = { folderEntries: config.maxListingEntries, held: listed };
  return async (req: HttpRequest): Promise<HttpResponse> => {
    const path = root.resolve(req.path.slice(FILES_MOUNT.length));
    if (!path.ok) return closingUnread(refused(path.status), req);
    const form = await readZipForm(req);
    if ("refusal" in form) return form.refusal;
    const facts = await root.lookup(path.fsPath);
    if (facts.kind !== "dir" || !path.trailingSlash) return notFound();
    const name = path.segments.at(-1) ?? "";
    const only = form.names.length > 0 ? form.names : null;
    return zipResponse(root, facts.realPath, name, only, zipsRunning, zipLimits);
  };
}

/** What a folder URL's query asks for. */
type FolderAsk =
  | { kind: "listing" }
  | { kind: "zip"; only: readonly string[] | null }
  | { kind: "search"; text: string }
  | { kind: "refused"; response: HttpResponse };

const LISTING: FolderAsk = { kind: "listing" };

/**
 * What `?zip[&name=…]` or `?q=<text>` asks of a folder; a listing for anything else (the rest
 * of the query shapes the listing). A malformed query is refused (400) when it names what to
 * download or find, unlike sort options.
 */
function folderAsk(query: string): FolderAsk {
  if (query === "") return LISTING;
  const pairs = parseQuery(query);
  const asks = (name: string) => /(?:^|&)(?:zip|q)(?:[=&]|$)/.test(name);
  if (pairs === null) return asks(query) ? badRequest("Malformed query\n") : LISTING;
  if (pairs.some(([n]) => n === "zip")) {
    const names = pairs.filter(([n]) => n === "name").map(([, v]) => v);
    const refusal = zipNamesRefusal(names);
    if (refusal !== null) return { kind: "refused", response: refusal };
    return { kind: "zip", only: names.length > 0 ? names : null };
  }
  const q = pairs.find(([n]) => n === "q")?.[1];
  if (q === undefined || q.trim() === "") return LISTING; // an empty search shows the folder
  if (q.length > SEARCH_MAX_QUERY_CHARS) {
    return badRequest(`The search text is longer than ${SEARCH_MAX_QUERY_CHARS} characters\n`);
  }
  return { kind: "search", text: q.trim() };
}

function badRequest(text: string): FolderAsk {
  return { kind: "refused", response: textResponse(STATUS.BadRequest, text) };
}
