/**
 * The answer for a folder under `/files/`: its listing as HTML (browsers, no JavaScript needed)
 * or JSON (`?format=json`, or an Accept that prefers `application/json` to `text/html`), sorted
 * by `?sort=name|size|date&order=asc|desc`, compressed when the client accepts it.
 *
 * This module must not resolve paths: it receives a checked folder.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { compressResponse } from "../app/compress_response.ts";
import type { ContentCoding } from "../app/content_coding.ts";
import { type SortKey, sortListing, type SortOrder } from "./listing.ts";
import { renderListingHtml } from "./listing_html.ts";
import { renderListingJson } from "./listing_json.ts";
import { acceptRanksJsonAbove } from "../app/prefers_json.ts";
import { firstValue, parseQuery } from "../app/query_params.ts";
import { notFound, type ServedRoot } from "./served_root.ts";
import { searchFolder } from "./folder_search.ts";
import { renderSearchHtml, renderSearchJson } from "./search_render.ts";
import { throwIfOutOfDescriptors } from "../app/out_of_descriptors.ts";

const SORT_KEYS: readonly SortKey[] = ["name", "size", "date"];
const OFFERED: readonly ContentCoding[] = ["br", "gzip", "identity"];
const HTML_TYPE = "text/html; charset=utf-8";
const JSON_TYPE = "application/json; charset=utf-8";
/**
 * The caching fields of a listing or search page, which its 304 repeats (RFC 9110 §15.4.5):
 * revalidate every time (a folder has no validator of its own), and the same URL answers HTML or
 * JSON by Accept, compressed or not by Accept-Encoding, so caches must key on both.
 */
export const FOLDER_PAGE_CACHING: ReadonlyArray<[string, string]> = [
  ["Cache-Control", "no-cache"],
  ["Vary", "Accept, Accept-Encoding"],
];
/**
 * Our listing and search pages: no script can run (script-src falls back to 'none'), styles
 * inline only, forms post only to this server, nothing may frame them.
 */
export const OWN_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; " +
  "base-uri 'none'; frame-ancestors 'self'";

/** The listing of the folder `realDir`, named by `segments` below `mount`. */
export async function listingResponse(
  req: HttpRequest,
  root: ServedRoot,
  mount: string,
  segments: readonly string[],
  realDir: string,
  forms?: { upload: boolean; mkdir: boolean },
): Promise<HttpResponse> {
  let listing;
  try {
    listing = await root.list(realDir);
  } catch (err) {
    throwIfOutOfDescriptors(err);
    return notFound(); // unreadable (permissions) or gone: nothing to show
  }
  // An invalid query is ignored rather than refused: it only chooses a presentation.
  const query = parseQuery(req.query) ?? [];
  const sortParam = firstValue(query, "sort");
  const sort = SORT_KEYS.find((k) => k === sortParam) ?? "name";
  const order: SortOrder = firstValue(query, "order") === "desc" ? "desc" : "asc";
  sortListing(listing.entries, sort, order);
  const json = wantsJson(req, firstValue(query, "format"));
  const body = json
    ? renderListingJson(mount, segments, listing.entries, listing.truncated)
    : renderListingHtml({ mount, segments, ...listing, sort, order, forms });
  return folderPage(req, json, body);
}

/** The answer to `?q=<text>` on the folder `realDir`: its matches as JSON or HTML. */
export async function searchResponse(
  req: HttpRequest,
  root: ServedRoot,
  mount: string,
  segments: readonly string[],
  realDir: string,
  text: string,
): Promise<HttpResponse> {
  const { hits, truncated } = await searchFolder(root, realDir, text);
  const json = wantsJson(req, firstValue(parseQuery(req.query) ?? [], "format"));
  const body = json
    ? renderSearchJson(mount, segments, text, hits, truncated)
    : renderSearchHtml(mount, segments, text, hits, truncated);
  return folderPage(req, json, body);
}

/** A listing or search page as JSON or our own HTML, compressed when the client accepts it. */
function folderPage(req: HttpRequest, json: boolean, body: string): HttpResponse {
  const res: HttpResponse = {
    status: STATUS.OK,
    headers: [
      ["Content-Type", json ? JSON_TYPE : HTML_TYPE],
      ...FOLDER_PAGE_CACHING,
      ...(json ? [] : [["Content-Security-Policy", OWN_PAGE_CSP] as [string, string]]),
    ],
    body,
  };
  return compressResponse(req, res, { offered: OFFERED });
}

/**
 * JSON for `format=json`, HTML for `format=html`; otherwise JSON only when Accept ranks
 * `application/json` above `text/html` (wildcards ignored: browsers and curl send them).
 */
function wantsJson(req: HttpRequest, format: string | undefined): boolean {
  if (format === "json") return true;
  if (format === "html") return false;
  return acceptRanksJsonAbove(req, "text/html");
}
