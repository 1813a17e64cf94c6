/**
 * The folder view: breadcrumbs, the listing as a sortable table or a grid of cards, the filter
 * that narrows it as you type, the server's recursive search, and the selection the bulk
 * actions work on. The view settings live in the URL's hash (view_state.js).
 * @module
 */

import { fetchListing, RequestError, searchFolder } from "./api.js";
import { entryCard, entryRow } from "./entry_view.js";
import { createDrawer } from "./listing_draw.js";
import { fileKind } from "./file_kinds.js";
import { plural } from "./format.js";
import { entryUrl, folderUrl } from "./paths.js";
import { DEFAULT_VIEW, formatHash } from "./view_state.js";
import { filterEntries, sortEntries } from "./entry_order.js";

export { filterEntries, sortEntries };

const ARIA_SORT = { asc: "ascending", desc: "descending" };
/** Folders with more entries than this redraw the filtered list only once typing pauses. */
const FILTER_DEBOUNCE_FROM_ENTRIES = 500;
/** That pause, in milliseconds. */
const FILTER_DEBOUNCE_MS = 150;
/** How long the filter waits after the last key before saying how many items are shown. */
const FILTER_ANNOUNCE_DELAY_MS = 600;

/**
 * The folder view bound to the page's elements. `getInfo()` returns the server's info;
 * `announce(text)` speaks to screen readers; `onSignInNeeded(retry)` opens the sign-in form;
 * `onFolderChange(segments, ok)` runs after each load; `actions` holds the entry actions
 * (entry_actions.js) and `thumbnailSrc(entry)` the image source of a grid thumbnail.
 */
export function createBrowser(
  { getInfo, announce, onSignInNeeded, onFolderChange, actions, thumbnailSrc },
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
    selected: new Set(),
    failed: false,
    /** The status of the failed load (0: no answer), when `failed`. */
    failedStatus: 0,
    loading: 0,
  };

  /** Writes the view into the hash without a new history entry (sorting is not navigation). */
  function saveView() {
    history.replaceState(null, "", formatHash(state.segments, state.view));
  }

  for (const button of table.querySelectorAll("th button[data-sort]")) {
    button.addEventListener("click", () => {
      const key = button.dataset.sort;
      state.view.order = state.view.sort === key && state.view.order === "asc" ? "desc" : "asc";
      state.view.sort = key;
      saveView();
      render();
      announce(`Sorted by ${button.textContent.toLowerCase()}, ${ARIA_SORT[state.view.order]}.`);
    });
  }
  // Phones hide the size and date columns (and their sort buttons): this menu sorts instead.
  $("sort-select").addEventListener("change", (event) => {
    const [key, order] = event.target.value.split(" ");
    state.view.sort = key;
    state.view.order = order;
    saveView();
    render();
  });
  const filterInput = $("filter");
  let filterTimer = 0;
  let renderTimer = 0;
  filterInput.addEventListener("input", () => {
    state.view.filter = filterInput.value;
    saveView();
    // A big folder's layout costs more than a keystroke: draw once typing pauses briefly.
    clearTimeout(renderTimer);
    if (state.entries.length > FILTER_DEBOUNCE_FROM_ENTRIES) {
      renderTimer = setTimeout(render, FILTER_DEBOUNCE_MS);
    } else {
      render();
    }
    // Said once typing pauses, not at every key: "3 of 12 items shown."
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => {
      announce(`${state.shown.length} of ${plural(state.entries.length, "item", "items")} shown.`);
    }, FILTER_ANNOUNCE_DELAY_MS);
  });
  for (const [id, view] of [["view-list", "list"], ["view-grid", "grid"]]) {
    $(id).addEventListener("click", () => {
      state.view.view = view;
      saveView();
      render();
    });
  }
  $("select-all").addEventListener("change", (event) => {
    for (const entry of state.shown) {
      if (event.target.checked) state.selected.add(entry.name);
      else state.selected.delete(entry.name);
    }
    render();
  });
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const search = $("search").value.trim();
    location.hash = formatHash(state.segments, { ...state.view, search, filter: "" });
  });
  $("clear-search").addEventListener("click", () => {
    location.hash = formatHash(state.segments, { ...state.view, search: "" });
  });

  function renderCrumbs() {
    const list = $("crumbs");
    list.replaceChildren();
    const names = ["Home", ...state.segments];
    names.forEach((name, i) => {
      const li = document.createElement("li");
      const link = document.createElement("a");
      link.textContent = name;
      link.href = formatHash(state.segments.slice(0, i), folderView());
      if (i === names.length - 1) link.setAttribute("aria-current", "page");
      li.append(link);
      list.append(li);
    });
  }

  /** The view another folder opens with: this sort and layout, no filter, no search. */
  function folderView() {
    return { ...state.view, filter: "", search: "" };
  }

  function capabilities() {
    const info = getInfo();
    return {
      delete: info?.allowDelete === true,
      move: info?.allowDelete === true,
      // Thumbnails depend on it (an <img> cannot carry credentials): part of what is drawn.
      readsNeedAuth: info?.authRequired?.reads === true,
    };
  }

  function onSelect(entry, checked) {
    if (checked) state.selected.add(entry.name);
    else state.selected.delete(entry.name);
    renderSelection();
  }

  function renderSelection() {
    // What the filter hides is not acted on: the bulk actions take the selected rows shown.
    const count = state.shown.filter((e) => state.selected.has(e.name)).length;
    const info = getInfo();
    $("bulk-bar").hidden = count === 0;
    $("bulk-count").textContent = `${plural(count, "item", "items")} selected`;
    $("bulk-move").hidden = !capabilities().move;
    $("bulk-rename").hidden = !capabilities().move || count !== 1;
    $("bulk-copy").hidden = !info || info.readOnly;
    $("bulk-delete").hidden = !capabilities().delete;
    // A zip names single entries of one folder: search results from deeper folders cannot go.
    $("bulk-zip").hidden = state.view.search !== "";
    const all = $("select-all");
    const shownSelected = state.shown.filter((e) => state.selected.has(e.name)).length;
    all.checked = shownSelected > 0 && shownSelected === state.shown.length;
    all.indeterminate = shownSelected > 0 && shownSelected < state.shown.length;
    for (const box of document.querySelectorAll("#listing-box .select-box")) {
      const name = box.closest("[data-name]").dataset.name;
      box.checked = state.selected.has(name);
    }
  }

  function render() {
    const { sort, order, view, filter, search } = state.view;
    for (const th of table.querySelectorAll("th[aria-sort]")) {
      const key = th.querySelector("button").dataset.sort;
      th.setAttribute("aria-sort", key === sort ? ARIA_SORT[order] : "none");
    }
    if (filterInput.value !== filter) filterInput.value = filter;
    $("sort-select").value = `${sort} ${order}`;
    $("search").value = search;
    $("view-list").setAttribute("aria-pressed", String(view === "list"));
    $("view-grid").setAttribute("aria-pressed", String(view === "grid"));
    sortEntries(state.entries, sort, order);
    state.shown = filterEntries(state.entries, filter);
    const showTable = !state.failed && view === "list";
    const showGrid = !state.failed && view === "grid";
    table.hidden = !showTable;
    grid.hidden = !showGrid;
    drawer.draw(state.failed ? [] : state.shown, view, {
      can: capabilities(),
      on: { ...actions, select: onSelect },
      thumbnailSrc,
      isSelected: (entry) => state.selected.has(entry.name),
    });
    // A search that found nothing says so in its summary: the folder itself is not empty.
    $("listing-empty").hidden = state.failed || state.entries.length !== 0 || search !== "";
    $("listing-no-match").hidden = state.failed || state.entries.length === 0 ||
      state.shown.length !== 0;
    $("search-summary").hidden = search === "" || state.failed;
    const where = state.segments.length ? state.segments.join("/") : "Home";
    $("search-summary-text").textContent = `${
      plural(state.entries.length, "match", "matches")
    } for “${search}” below ${where}.`;
    $("zip-link").href = `${folderUrl(state.segments)}?zip`;
    $("zip-link").download = `${state.segments.at(-1) ?? "files"}.zip`;
    renderSelection();
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = message === "";
  }

  /** Listing entries with what the views need: path parts, kind, links. */
  function decorate(entries) {
    return entries.map((e) => {
      const parts = e.name.split("/");
      const folder = e.folder;
      const url = entryUrl(state.segments, parts, folder);
      return {
        ...e,
        parts,
        // From the top of the share: the row may outlive the folder shown (a load under way).
        path: [...state.segments, ...parts],
        kind: folder ? "folder" : fileKind(parts.at(-1)),
        url,
        // Into a folder: the sort and the view go along, the filter and search stay here.
        href: folder ? formatHash([...state.segments, ...parts], folderView()) : url,
        downloadHref: folder ? `${url}?zip` : url,
      };
    });
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
    if (!sameFolder) state.selected.clear();
    renderCrumbs();
    const where = segments.length ? segments[segments.length - 1] : "Home";
    document.title = `${where} — wireserve`;
    $("listing-caption").textContent = view.search
      ? `Search results for ${view.search} below ${where}`
      : `Contents of ${where}`;
    table.setAttribute("aria-busy", "true");
    try {
      const url = folderUrl(segments);
      const listing = view.search ? await searchFolder(url, view.search) : await fetchListing(url);
      if (ticket !== state.loading) return; // a newer navigation won the race
      // The rows are drawn anew: the keyboard's place among them has to be carried over.
      const spot = sameFolder ? focusSpot() : null;
      state.entries = decorate(listing.entries);
      state.failed = false;
      $("listing-truncated").hidden = !listing.truncated;
      showError("");
      render();
      if (spot) restoreFocus(spot);
      onFolderChange(segments, true);
      if (!quiet) announce(`${where}: ${plural(listing.entries.length, "item", "items")}.`);
    } catch (err) {
      if (ticket !== state.loading) return;
      state.entries = [];
      // A folder that cannot be shown has no table, no upload target, no actions: the error
      // says everything there is to say.
      state.failed = true;
      state.failedStatus = err instanceof RequestError ? err.status : 0;
      $("listing-truncated").hidden = true;
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

  /** The drawn row or card of the entry named `name`, if shown. */
  function itemNamed(name) {
    return [...$("listing-box").querySelectorAll("[data-name]")].find((el) =>
      el.dataset.name === name
    );
  }

  /** Whether keyboard focus went nowhere: its element was removed, hidden or never set. */
  function focusLost() {
    const active = document.activeElement;
    return !active || active === document.body || !active.isConnected ||
      active.getClientRects().length === 0;
  }

  /** Where focus is among the entries: `{name, index, control}` (which of its controls), or null. */
  function focusSpot() {
    const active = document.activeElement;
    const item = active?.closest?.("#listing-box [data-name]");
    if (!item) return null;
    const name = item.dataset.name;
    return {
      name,
      index: state.shown.findIndex((e) => e.name === name),
      control: [...item.querySelectorAll("a, button, input")].indexOf(active),
    };
  }

  /**
   * Puts focus back on the same control of the same entry after a redraw; an entry that went
   * (deleted, renamed, moved) hands it to the one now in its place, or to the list.
   */
  function restoreFocus({ name, index, control }) {
    if (!focusLost()) return; // the user has moved on meanwhile
    const item = itemNamed(name);
    if (item) {
      const controls = [...item.querySelectorAll("a, button, input")];
      return (controls[control] ?? controls[0]).focus();
    }
    focusNear(index);
  }

  /** Focuses the link of the entry shown at `index` (or the last one), else the list. */
  function focusNear(index) {
    const entry = state.shown[Math.min(Math.max(index, 0), state.shown.length - 1)];
    const link = entry && itemNamed(entry.name)?.querySelector("a.name, a.card-link");
    (link ?? listElement()).focus();
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
      state.selected.clear();
      render();
    },
    /** The selected entries, in display order. */
    get selection() {
      return state.shown.filter((e) => state.selected.has(e.name));
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
    entryFrom: (raw) => decorate([raw])[0],
    /** Focuses the link of the entry named `name` (the list when it is not shown). */
    focusEntry(name) {
      const link = itemNamed(name)?.querySelector("a.name, a.card-link");
      (link ?? listElement()).focus();
    },
    /**
     * When focus was lost (its button went with the selection or the row), gives it to the entry
     * shown at `index`, or to the list.
     */
    recoverFocus(index) {
      if (focusLost()) focusNear(index);
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
