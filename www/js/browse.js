/**
 * The folder view: loads a folder (or the server's recursive search below it), keeps its
 * entries, and draws them as a sortable table or a grid of cards with the empty, no-match and
 * error states. The controls that change the view (view_controls.js), the selection
 * (selection.js), focus across redraws (listing_focus.js), the breadcrumbs and caption
 * (folder_heading.js) and the entries' links (listing_entries.js) are their own modules; the
 * view settings live in the URL's hash (view_state.js). This must not know what the entry
 * actions do (it is handed them), nor the upload panel, the dialogs or how the hash is followed
 * (main.js, deep_link.js).
 * @module
 */

import { fetchListing, RequestError, searchFolder } from "./api.js";
import { entryCard, entryRow } from "./entry_view.js";
import { showFolderHeading } from "./folder_heading.js";
import { createDrawer } from "./listing_draw.js";
import { createListingFocus } from "./listing_focus.js";
import { listingEntries } from "./listing_entries.js";
import { plural, visibleName } from "./format.js";
import { folderUrl } from "./paths.js";
import { createSelection } from "./selection.js";
import { createViewControls } from "./view_controls.js";
import { DEFAULT_VIEW } from "./view_state.js";
import { filterEntries, sortEntries } from "./entry_order.js";

export { filterEntries, sortEntries };

/** The most matches a search answers (src/files/folder_search.ts, docs/endpoints.md). */
const SEARCH_MAX_MATCHES = 1000;

/**
 * Why a search said `truncated`, in words: the JSON does not say which bound stopped it, but a
 * full set of matches can only be the count (the folders and the time leave fewer).
 */
function searchCutShort(found) {
  return found >= SEARCH_MAX_MATCHES
    ? "The search stopped at 1,000 matches: there may be more (a longer text finds fewer)."
    : "The search stopped early (it reads at most 10,000 folders, for 5 seconds): " +
      "there may be more.";
}

/**
 * The folder view bound to the page's elements. `getInfo()` returns the server's info;
 * `announce(text)` speaks to screen readers; `onSignInNeeded(retry)` opens the sign-in form;
 * `onFolderChange(segments, ok)` runs after each load; `actions` holds the entry actions
 * (entry_actions.js); `thumbnails()` says whether grid cards show images (an `<img>` carries only
 * the browser's own credentials, never the page's).
 */
export function createBrowser(
  { getInfo, announce, onSignInNeeded, onFolderChange, actions, thumbnails },
) {
  const $ = (id) => document.getElementById(id);
  const body = $("listing-body");
  const table = $("listing");
  const grid = $("grid");
  const errorBox = $("listing-error");
  const drawer = createDrawer({ body, grid, rowOf: entryRow, cardOf: entryCard });
  const state = {
    segments: [],
    view: { ...DEFAULT_VIEW },
    entries: [],
    shown: [],
    failed: false,
    /** The status of the failed load (0: no answer), when `failed`. */
    failedStatus: 0,
    /** The server cut the listing or the search short (`truncated` in its JSON). */
    truncated: false,
    loading: 0,
  };
  const controls = createViewControls({
    table,
    getView: () => state.view,
    getSegments: () => state.segments,
    counts: () => ({ shown: state.shown.length, total: state.entries.length }),
    redraw: render,
    announce,
  });
  const selection = createSelection({
    shown: () => state.shown,
    can: capabilities,
    getInfo,
    searching: () => state.view.search !== "",
    redraw: render,
  });
  const listFocus = createListingFocus({
    box: $("listing-box"),
    shown: () => state.shown,
    listElement,
  });

  function capabilities() {
    const info = getInfo();
    return {
      delete: info?.allowDelete === true,
      move: info?.allowDelete === true,
      // Part of what is drawn: a change rebuilds the cards with or without their images.
      thumbnails: thumbnails(),
    };
  }

  function render() {
    const { sort, order, view, filter, search } = state.view;
    controls.show(state.view);
    sortEntries(state.entries, sort, order);
    state.shown = filterEntries(state.entries, filter);
    const showTable = !state.failed && view === "list";
    const showGrid = !state.failed && view === "grid";
    table.hidden = !showTable;
    grid.hidden = !showGrid;
    drawer.draw(state.failed ? [] : state.shown, view, {
      can: capabilities(),
      on: { ...actions, select: selection.choose },
      thumbnailSrc: (entry) => (thumbnails() ? entry.url : null),
      isSelected: selection.has,
    });
    // A search that found nothing says so in its summary: the folder itself is not empty.
    $("listing-empty").hidden = state.failed || state.entries.length !== 0 || search !== "";
    $("listing-no-match").hidden = state.failed || state.entries.length === 0 ||
      state.shown.length !== 0;
    $("search-summary").hidden = search === "" || state.failed;
    const where = state.segments.length ? visibleName(state.segments.join("/")) : "Home";
    $("search-summary-text").textContent =
      `${plural(state.entries.length, "match", "matches")} for “${
        visibleName(search)
      }” below ${where}.` +
      (state.truncated ? ` ${searchCutShort(state.entries.length)}` : "");
    // The note about a folder too big for one listing is not about a search.
    $("listing-truncated").hidden = state.failed || !state.truncated || search !== "";
    $("zip-link").href = `${folderUrl(state.segments)}?zip`;
    $("zip-link").download = `${state.segments.at(-1) ?? "files"}.zip`;
    selection.draw();
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = message === "";
  }

  /**
   * Shows the folder `segments` with `view`; `focus` moves keyboard focus to the list
   * afterwards, `quiet` skips the spoken summary (a refresh after uploads, which announce
   * themselves).
   */
  async function load(segments, view = state.view, { focus = false, quiet = false } = {}) {
    const ticket = ++state.loading;
    const sameFolder = segments.join("/") === state.segments.join("/") &&
      view.search === state.view.search;
    state.segments = segments;
    state.view = { ...view };
    if (!sameFolder) selection.clear();
    showFolderHeading(state.segments, state.view);
    const where = segments.length ? visibleName(segments[segments.length - 1]) : "Home";
    table.setAttribute("aria-busy", "true");
    try {
      const url = folderUrl(segments);
      const listing = view.search ? await searchFolder(url, view.search) : await fetchListing(url);
      if (ticket !== state.loading) return; // a newer navigation won the race
      // The rows are drawn anew: the keyboard's place among them has to be carried over.
      const spot = sameFolder ? listFocus.spot() : null;
      state.entries = listingEntries(listing.entries, state.segments, state.view);
      state.failed = false;
      state.truncated = listing.truncated;
      showError("");
      render();
      if (spot) listFocus.restore(spot);
      onFolderChange(segments, true);
      if (!quiet) announce(`${where}: ${plural(listing.entries.length, "item", "items")}.`);
    } catch (err) {
      if (ticket !== state.loading) return;
      state.entries = [];
      // A folder that cannot be shown has no table, no upload target, no actions: the error
      // says everything there is to say.
      state.failed = true;
      state.failedStatus = err instanceof RequestError ? err.status : 0;
      state.truncated = false;
      showError(err.message);
      render();
      onFolderChange(segments, false);
      if (err instanceof RequestError && err.status === 401) {
        onSignInNeeded(() => load(state.segments, state.view));
      }
    } finally {
      if (ticket === state.loading) table.removeAttribute("aria-busy");
    }
    if (focus) listElement().focus();
  }

  /** The list or the grid, whichever is shown: where focus goes when no entry can take it. */
  function listElement() {
    return state.view.view === "grid" ? grid : table;
  }

  /** Applies a view from the hash: reloads only when the folder or the search changed. */
  function show(segments, view, options) {
    const sameFolder = segments.join("/") === state.segments.join("/") &&
      view.search === state.view.search;
    if (sameFolder && state.loading > 0) {
      state.view = { ...view };
      render();
      return;
    }
    return load(segments, view, options);
  }

  return {
    load,
    show,
    refresh: (options) => load(state.segments, state.view, options),
    rerender: render,
    clearSelection() {
      selection.clear();
      render();
    },
    /** Unchecks the entries named `names`, leaving the rest of the selection as it is. */
    deselect(names) {
      selection.drop(names);
      render();
    },
    /** The selected entries, in display order. */
    get selection() {
      return selection.among(state.shown);
    },
    /** The files shown, in display order (the preview's gallery walks them). */
    get shownFiles() {
      return state.shown.filter((e) => !e.folder);
    },
    get segments() {
      return state.segments;
    },
    /** The entry of the folder's listing named `name`, shown or filtered out; null if none. */
    entryNamed(name) {
      return state.entries.find((e) => e.name === name) ?? null;
    },
    /** `{name, folder, size, mtime}` of this folder as the views describe an entry. */
    entryFrom: (raw) => listingEntries([raw], state.segments, state.view)[0],
    /** Focuses the link of the entry named `name` (the list when it is not shown). */
    focusEntry: listFocus.entry,
    /**
     * When focus was lost (its button went with the selection or the row), gives it to the entry
     * shown at `index`, or to the list.
     */
    recoverFocus(index) {
      if (listFocus.lost()) listFocus.near(index);
    },
    /** Where the entry named `name` is in the list as shown (-1: not shown). */
    indexOf(name) {
      return state.shown.findIndex((e) => e.name === name);
    },
    get failed() {
      return state.failed;
    },
    /**
     * Whether the failed load may work if tried again: no answer (the server stopped, the
     * network dropped), a timeout, a busy or failing server. A missing folder or a refusal will
     * not.
     */
    get mayRecover() {
      const status = state.failedStatus;
      return state.failed &&
        (status === 0 || status === 408 || status === 429 || status >= 500);
    },
    get searching() {
      return state.view.search !== "";
    },
    /** The server search shown ("" when the folder's own listing is shown). */
    get search() {
      return state.view.search;
    },
  };
}
