/**
 * The controls that change how the folder is shown: the sort buttons of the table's head (and
 * the phone's sort menu), the filter box, list or grid, the server search and its clearing. A
 * change is written into the URL's hash (view_state.js) and the view is redrawn; `show(view)`
 * makes the controls say the view in force. This must not know the entries, the listing's
 * drawing or how a folder is loaded: the browser (browse.js) hands it the view and the counts.
 * @module
 */

import { plural } from "./format.js";
import { formatHash } from "./view_state.js";

const ARIA_SORT = { asc: "ascending", desc: "descending" };
/** Folders with more entries than this redraw the filtered list only once typing pauses. */
const FILTER_DEBOUNCE_FROM_ENTRIES = 500;
/** That pause, in milliseconds. */
const FILTER_DEBOUNCE_MS = 150;
/** How long the filter waits after the last key before saying how many items are shown. */
const FILTER_ANNOUNCE_DELAY_MS = 600;

/**
 * The view's controls bound to the page's elements. `getView()` returns the view in force (the
 * controls change it in place), `getSegments()` the folder shown, `counts()` `{shown, total}`
 * entries; `redraw()` draws the view anew and `announce(text)` speaks to screen readers.
 */
export function createViewControls({ table, getView, getSegments, counts, redraw, announce }) {
  const $ = (id) => document.getElementById(id);

  /** Writes the view into the hash without a new history entry (sorting is not navigation). */
  function saveView() {
    history.replaceState(null, "", formatHash(getSegments(), getView()));
  }

  for (const button of table.querySelectorAll("th button[data-sort]")) {
    button.addEventListener("click", () => {
      const view = getView();
      const key = button.dataset.sort;
      view.order = view.sort === key && view.order === "asc" ? "desc" : "asc";
      view.sort = key;
      saveView();
      redraw();
      announce(`Sorted by ${button.textContent.toLowerCase()}, ${ARIA_SORT[view.order]}.`);
    });
  }
  // Phones hide the size and date columns (and their sort buttons): this menu sorts instead.
  $("sort-select").addEventListener("change", (event) => {
    const [key, order] = event.target.value.split(" ");
    const view = getView();
    view.sort = key;
    view.order = order;
    saveView();
    redraw();
  });
  const filterInput = $("filter");
  let filterTimer = 0;
  let renderTimer = 0;
  filterInput.addEventListener("input", () => {
    getView().filter = filterInput.value;
    saveView();
    // A big folder's layout costs more than a keystroke: draw once typing pauses briefly.
    clearTimeout(renderTimer);
    if (counts().total > FILTER_DEBOUNCE_FROM_ENTRIES) {
      renderTimer = setTimeout(redraw, FILTER_DEBOUNCE_MS);
    } else {
      redraw();
    }
    // Said once typing pauses, not at every key: "3 of 12 items shown."
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => {
      const { shown, total } = counts();
      announce(`${shown} of ${plural(total, "item", "items")} shown.`);
    }, FILTER_ANNOUNCE_DELAY_MS);
  });
  for (const [id, layout] of [["view-list", "list"], ["view-grid", "grid"]]) {
    $(id).addEventListener("click", () => {
      getView().view = layout;
      saveView();
      redraw();
    });
  }
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const search = $("search").value.trim();
    location.hash = formatHash(getSegments(), { ...getView(), search, filter: "" });
  });
  $("clear-search").addEventListener("click", () => {
    location.hash = formatHash(getSegments(), { ...getView(), search: "" });
  });

  /** Makes the controls say `view`: the sorted column, the filter, the search, the layout. */
  function show({ sort, order, view, filter, search }) {
    for (const th of table.querySelectorAll("th[aria-sort]")) {
      const key = th.querySelector("button").dataset.sort;
      th.setAttribute("aria-sort", key === sort ? ARIA_SORT[order] : "none");
    }
    if (filterInput.value !== filter) filterInput.value = filter;
    $("sort-select").value = `${sort} ${order}`;
    $("search").value = search;
    $("view-list").setAttribute("aria-pressed", String(view === "list"));
    $("view-grid").setAttribute("aria-pressed", String(view === "grid"));
  }

  return { show };
}
