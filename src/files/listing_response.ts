/**
 * The answer for a folder under `/files/`: its listing as HTML (browsers, no JavaScript needed)
 * or JSON (`?format=json`, or an Accept that prefers `application/json` to `text/html`), sorted
 * by `?sort=name|size|date&order=asc|desc`, compressed when the client accepts it, tagged by
 * its bytes when made whole (`folder_page.ts`).
 *
 * A folder is listed whole up to `--max-listing` entries (then marked truncated). A page of
 * STREAM_FROM_ENTRIES entries or more is streamed, STREAM_ROWS_PER_PIECE rows at a time, rather
 * than made as one string (100,000 entries make a 20 MB page); a smaller one keeps one body
 * with its length. A streamed page holds its entries until the client has read it, so such pages
 * — and WebDAV's `PROPFIND Depth: 1` of large folders, through the same `holdingEntries` — count
 * what they hold against one server-wide cap (MAX_HELD_ENTRIES, a counter shared by the workers).
 *
 * This module must not resolve paths: it receives a checked folder.
 * @module
 */

import { localCount, type SharedCount } from "../http/shared_count.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { folderPage } from "./folder_page.ts";
import { holdingPlace } from "./held_place.ts";
import {
  type Listing,
  ListingBusy,
  type SortKey,
  sortListingInTurns,
  type SortOrder,
} from "./listing.ts";
import { listingHtmlPieces, renderListingHtml } from "./listing_html.ts";
import { listingJsonPieces, renderListingJson } from "./listing_json.ts";
import { acceptRanksJsonAbove } from "../app/prefers_json.ts";
import { firstValue, parseQuery } from "../app/query_params.ts";
import { notFound, type ServedRoot } from "./served_root.ts";
import { searchFolder } from "./folder_search.ts";
import { renderSearchHtml, renderSearchJson } from "./search_render.ts";
import { throwIfOutOfDescriptors } from "../app/out_of_descriptors.ts";

/** Listings of this many entries or more are streamed; smaller ones are one body. */
export const STREAM_FROM_ENTRIES = 1_000;
/** Rows (HTML) or entries (JSON) in each piece of a streamed listing. */
export const STREAM_ROWS_PER_PIECE = 500;
/**
 * Most listing entries held in memory at once, in the whole server, by answers still being sent
 * (streamed listings, large `PROPFIND Depth: 1`); past it such a request gets 503. A held listing
 * entry costs about 200 bytes of heap (measured: 50,000 entries, 10 MB), a `PROPFIND`'s raw
 * directory entry about 400 (measured: 200,000 entries, 81 MB), so this bounds them to 200–400 MB
 * however many clients read slowly. A listing counts its entries from the moment it reads them
 * (`readingPlaces`), so reads refused here hold nothing either.
 */
export const MAX_HELD_ENTRIES = 1_000_000;
/** Seconds a refused listing is told to wait (`Retry-After`). */
const HELD_RETRY_AFTER_SECONDS = 5;

const SORT_KEYS: readonly SortKey[] = ["name", "size", "date"];
/** The server-wide count of entries held by answers being sent, and its cap. */
export interface HeldEntries {
  /** Shared by every worker (`LISTED_ENTRIES`); a local count in one isolate. */
  count: SharedCount;
  /** The cap (MAX_HELD_ENTRIES; tests pass a smaller one). */
  max: number;
}

/** A count of held entries of its own, capped at `max` (a handler made without the app's). */
export function heldEntries(
  count: SharedCount = localCount(),
  max: number = MAX_HELD_ENTRIES,
): HeldEntries {
  return { count, max };
}

/** How a listing page is made. */
export interface ListingPage {
  /** Most entries shown (`--max-listing`); past it the page is marked truncated. */
  maxEntries: number;
  /** Where a streamed page counts the entries it holds. */
  held: HeldEntries;
  /** The write forms the HTML page offers (none by default). */
  forms?: { upload: boolean; mkdir: boolean };
}

/** The listing of the folder `realDir`, named by `segments` below `mount`. */
export async function listingResponse(
  req: HttpRequest,
  root: ServedRoot,
  mount: string,
  segments: readonly string[],
  realDir: string,
  page: ListingPage,
): Promise<HttpResponse> {
  // A large folder counts against the held-entries cap from its reading on, not only once its
  // page is made: many concurrent reads would otherwise each hold it whole, uncounted.
  const reading = readingPlaces(page.held);
  let listing: Listing;
  try {
    listing = await root.list(realDir, page.maxEntries, reading.hold);
  } catch (err) {
    reading.release();
    if (err instanceof ListingBusy) return tooManyHeld();
    throwIfOutOfDescriptors(err);
    return notFound(); // unreadable (permissions) or gone: nothing to show
  }
  // An invalid query is ignored rather than refused: it only chooses a presentation.
  const query = parseQuery(req.query) ?? [];
  const sortParam = firstValue(query, "sort");
  const sort = SORT_KEYS.find((k) => k === sortParam) ?? "name";
  const order: SortOrder = firstValue(query, "order") === "desc" ? "desc" : "asc";
  let entries: typeof listing.entries;
  try {
    entries = await sortListingInTurns(listing.entries, sort, order);
  } finally {
    // Handed over without a turn between: the answer below takes the places it holds itself.
    reading.release();
  }
  const truncated = listing.truncated;
  const json = wantsJson(req, firstValue(query, "format"));
  const html = { mount, segments, entries, truncated, sort, order, forms: page.forms };
  if (entries.length < STREAM_FROM_ENTRIES) {
    const body = json
      ? renderListingJson(mount, segments, entries, truncated)
      : renderListingHtml(html);
    return folderPage(req, json, body);
  }
  return holdingEntries(page.held, entries.length, () => {
    const pieces = json
      ? listingJsonPieces(mount, segments, entries, truncated, STREAM_ROWS_PER_PIECE)
      : listingHtmlPieces(html, STREAM_ROWS_PER_PIECE);
    return folderPage(req, json, { kind: "stream", stream: encoded(pieces) });
  });
}

/**
 * The answer `answer()` makes, holding `entries` places of `held` until its streamed body has
 * been sent — or ended, failed, been cancelled, or discarded unsent (HEAD, a client gone before
 * the answer) — or a 503 with `Retry-After` when they would take `held` past its cap. One answer
 * alone may hold more than the cap (it is charged the whole cap): a folder larger than the cap
 * is still listed, one at a time.
 */
export function holdingEntries(
  held: HeldEntries,
  entries: number,
  answer: () => HttpResponse,
): HttpResponse {
  const places = Math.min(entries, held.max);
  // refuse: a streamed answer keeps its entries (and their sort) in memory until a client reads
  // it, however slowly; without a server-wide bound slow readers could hold any amount. The
  // place is taken here, atomically, so two workers can never both take the last one.
  if (!held.count.tryAdd(places, held.max)) return tooManyHeld();
  let holding = true;
  const release = () => {
    if (holding) held.count.add(-places);
    holding = false;
  };
  let res: HttpResponse;
  try {
    res = answer();
  } catch (err) {
    release();
    throw err;
  }
  const body = res.body;
  if (
    body === null || body === undefined || typeof body !== "object" || !("kind" in body) ||
    body.kind !== "stream"
  ) {
    release(); // nothing left to send later: the entries are no longer needed
    return res;
  }
  // Wrapped last (after compression), so whatever the writer does with the body ends here.
  res.body = { ...body, stream: holdingPlace(body.stream, release) };
  return res;
}

/** The 503 for an answer that would take the held entries past their cap. */
function tooManyHeld(): HttpResponse {
  return {
    status: STATUS.ServiceUnavailable,
    headers: [
      ["Content-Type", "text/plain; charset=utf-8"],
      ["Retry-After", String(HELD_RETRY_AFTER_SECONDS)],
    ],
    body: "Too many large folder listings are being sent at once; try again shortly\n",
  };
}

/**
 * Places of `held` taken while a folder is read (`ListingOptions.hold`), up to the whole cap for
 * one folder larger than it (as `holdingEntries` charges it), and given back by `release`.
 */
function readingPlaces(held: HeldEntries): {
  hold: (entries: number) => boolean;
  release: () => void;
} {
  let taken = 0;
  return {
    hold(entries) {
      const more = Math.min(entries, held.max - taken);
      if (more <= 0) return true;
      if (!held.count.tryAdd(more, held.max)) return false;
      taken += more;
      return true;
    },
    release() {
      if (taken > 0) held.count.add(-taken);
      taken = 0;
    },
  };
}

const encoder = new TextEncoder();

/** Text pieces as UTF-8, made one at a time as the writer asks for them. */
async function* encoded(pieces: Iterable<string>): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) yield encoder.encode(piece);
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

/**
 * JSON for `format=json`, HTML for `format=html`; otherwise JSON only when Accept ranks
 * `application/json` above `text/html` (RFC 9110 §12.5.1: a browser's `text/html,…,*\/*;q=0.8`
 * and curl's `*\/*` keep HTML, `text/html;q=0, *\/*` does not).
 */
function wantsJson(req: HttpRequest, format: string | undefined): boolean {
  if (format === "json") return true;
  if (format === "html") return false;
  return acceptRanksJsonAbove(req, "text/html");
}
