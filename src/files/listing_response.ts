/**
 * The answer for a folder under `/files/`: its listing as HTML (browsers, no JavaScript needed)
 * or JSON (`?format=json`, or an Accept that prefers `application/json` to `text/html`), sorted
 * by `?sort=name|size|date&order=asc|desc`, compressed when the client accepts it, tagged by
 * its bytes when made whole (`folder_page.ts`).
 *
 * A folder is listed whole up to `--max-listing` entries (then marked truncated). A page of
 * STREAM_FROM_ENTRIES entries or more is streamed, STREAM_ROWS_PER_PIECE rows at a time, rather
 * than made as one string (100,000 entries make a 20 MB page); a smaller one keeps one body
 * with its length. Concurrent listings of one folder share its read and each sort order
 * (`shared_listings.ts`), and each renders its own page from those entries as its client reads.
 * A streamed page holds its entries until the client has read it, so such pages — and WebDAV's
 * `PROPFIND Depth: 1` of large folders, through `holdingEntries` — count what they hold against
 * one server-wide cap (MAX_HELD_ENTRIES, a counter shared by the workers); a shared read counts
 * once.
 *
 * This module must not resolve paths: it receives a checked folder.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { folderPage } from "./folder_page.ts";
import { holdingPlace } from "./held_place.ts";
import { type HeldEntries, heldEntries, MAX_HELD_ENTRIES } from "./held_entries.ts";
import { ListingBusy, nextTurn, type SortKey, type SortOrder } from "./listing.ts";
import {
  type LentListing,
  type ListedFolder,
  ListingAbandoned,
  SharedListings,
} from "./shared_listings.ts";
import { textResponse } from "../app/router.ts";
import { listingHtmlPieces, renderListingHtml } from "./listing_html.ts";
import { listingJsonPieces, renderListingJson } from "./listing_json.ts";
import { acceptRanksJsonAbove } from "../app/prefers_json.ts";
import { firstValue, parseQuery } from "../app/query_params.ts";
import { notFound, type ServedRoot, unreadableFolder } from "./served_root.ts";
import { SEARCH_BOUNDS, searchFolder } from "./folder_search.ts";
import { SearchTurns } from "./search_turns.ts";
import { renderSearchHtml, renderSearchJson } from "./search_render.ts";
import { throwIfOutOfDescriptors } from "../app/out_of_descriptors.ts";

export { type HeldEntries, heldEntries, MAX_HELD_ENTRIES };

/** Listings of this many entries or more are streamed; smaller ones are one body. */
export const STREAM_FROM_ENTRIES = 1_000;
/** Rows (HTML) or entries (JSON) in each piece of a streamed listing. */
export const STREAM_ROWS_PER_PIECE = 500;
/** Seconds a refused listing is told to wait (`Retry-After`). */
const HELD_RETRY_AFTER_SECONDS = 5;

const SORT_KEYS: readonly SortKey[] = ["name", "size", "date"];

/** How a listing page is made. */
export interface ListingPage {
  /** Most entries shown (`--max-listing`); past it the page is marked truncated. */
  maxEntries: number;
  /** Where a streamed page counts the entries it holds. */
  held: HeldEntries;
  /**
   * The folder reads concurrent listings share (the files handler's); without it each listing
   * reads for itself.
   */
  reads?: SharedListings;
  /** The write forms the HTML page offers (none by default). */
  forms?: { upload: boolean; mkdir: boolean };
}

/** The listing of `folder` (its path and real path from a lookup), named by `segments` below `mount`. */
export async function listingResponse(
  req: HttpRequest,
  root: ServedRoot,
  mount: string,
  segments: readonly string[],
  folder: ListedFolder,
  page: ListingPage,
): Promise<HttpResponse> {
  // An invalid query is ignored rather than refused: it only chooses a presentation.
  const query = parseQuery(req.query) ?? [];
  const sortParam = firstValue(query, "sort");
  const sort = SORT_KEYS.find((k) => k === sortParam) ?? "name";
  const order: SortOrder = firstValue(query, "order") === "desc" ? "desc" : "asc";
  const reads = page.reads ?? new SharedListings(null, 0, page.held, STREAM_FROM_ENTRIES);
  // A large folder counts against the held-entries cap from its reading on, once however many
  // requests share the read, until the last answer made from it is sent.
  let lent: LentListing;
  try {
    lent = await reads.sorted(
      folder,
      sort,
      order,
      req.signal,
      (realDir, hold, signal) => root.list(realDir, page.maxEntries, hold, signal),
    );
  } catch (err) {
    if (err instanceof ListingBusy) return tooManyHeld();
    // Nothing will read this answer: the connection closed while the folder was read.
    if (err instanceof ListingAbandoned) return textResponse(STATUS.ServiceUnavailable, "Gone\n");
    throwIfOutOfDescriptors(err);
    // A folder the server may not read is there: 403, as nginx answers and WebDAV's PROPFIND
    // (an empty listing or a 404 would tell a syncing client it is empty or gone).
    if (err instanceof Deno.errors.PermissionDenied) return unreadableFolder();
    return notFound(); // gone meanwhile: nothing to show
  }
  const { entries, truncated } = lent;
  const json = wantsJson(req, firstValue(query, "format"));
  const html = { mount, segments, entries, truncated, sort, order, forms: page.forms };
  if (entries.length < STREAM_FROM_ENTRIES) {
    try {
      const body = json
        ? renderListingJson(mount, segments, entries, truncated)
        : renderListingHtml(html);
      return folderPage(req, json, body);
    } finally {
      lent.release();
    }
  }
  return untilSent(() => {
    const pieces = json
      ? listingJsonPieces(mount, segments, entries, truncated, STREAM_ROWS_PER_PIECE)
      : listingHtmlPieces(html, STREAM_ROWS_PER_PIECE);
    return folderPage(req, json, { kind: "stream", stream: encoded(pieces, req.signal) });
  }, lent.release);
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
  return untilSent(answer, () => {
    if (holding) held.count.add(-places);
    holding = false;
  });
}

/**
 * The answer `answer()` makes, calling `release` once its streamed body is sent, ended, failed,
 * cancelled or discarded unsent — at once when it has no streamed body, or `answer` throws.
 * `release` must be safe to call twice.
 */
function untilSent(answer: () => HttpResponse, release: () => void): HttpResponse {
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

/** The 503 for a search past the waiting ones a worker keeps. */
function tooManySearches(): HttpResponse {
  return busy("Too many searches at once; try again shortly\n");
}

/** The 503 for an answer that would take the held entries past their cap. */
function tooManyHeld(): HttpResponse {
  return busy("Too many large folder listings are being sent at once; try again shortly\n");
}

/** A 503 saying `text`, with the `Retry-After` of a server busy with large folders. */
function busy(text: string): HttpResponse {
  return {
    status: STATUS.ServiceUnavailable,
    headers: [
      ["Content-Type", "text/plain; charset=utf-8"],
      ["Retry-After", String(HELD_RETRY_AFTER_SECONDS)],
    ],
    body: text,
  };
}

const encoder = new TextEncoder();

/**
 * Text pieces as UTF-8, made one at a time as the writer asks for them, with a turn of the event
 * loop before each but the first: a socket with room takes a write at once, so without the turn
 * a fast or well-buffered client had its whole page rendered in one go (50 listings of 20,000
 * entries at once kept `/echo` waiting 2 s: the probe). None once `signal` aborted (the
 * connection closed: nothing would read them).
 */
async function* encoded(
  pieces: Iterable<string>,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  let first = true;
  for (const piece of pieces) {
    if (!first) await nextTurn();
    first = false;
    if (signal.aborted) return;
    yield encoder.encode(piece);
  }
}

/** The least a search walks once it has its turn, however long it waited for it, in ms. */
const SEARCH_MIN_WALK_MS = 250;

/** This worker's search turns (see `search_turns.ts`). */
const SEARCH_TURNS = new SearchTurns();

/**
 * The answer to `?q=<text>` on the folder `realDir`: its matches as JSON or HTML, once the search
 * has a turn (`turns`); 503 when too many searches are waiting already.
 */
export async function searchResponse(
  req: HttpRequest,
  root: ServedRoot,
  mount: string,
  segments: readonly string[],
  realDir: string,
  text: string,
  held: HeldEntries = heldEntries(),
  turns: SearchTurns = SEARCH_TURNS,
): Promise<HttpResponse> {
  const arrived = performance.now();
  if (!await turns.take()) return tooManySearches();
  let found;
  try {
    // A client that went away while its search waited is not searched for.
    if (req.signal.aborted) return tooManySearches();
    // The time bound counts from the request's arrival, so waiting for a turn does not add a
    // whole walk to the answer's time (40 at once would take minutes); a search that waited
    // long still walks for a short while, and says it was cut short.
    const waited = performance.now() - arrived;
    const maxMs = Math.max(SEARCH_MIN_WALK_MS, SEARCH_BOUNDS.maxMs - waited);
    found = await searchFolder(root, realDir, text, { ...SEARCH_BOUNDS, maxMs }, held);
  } catch (err) {
    if (err instanceof ListingBusy) return tooManyHeld();
    throw err;
  } finally {
    turns.release();
  }
  const { hits, truncated } = found;
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
