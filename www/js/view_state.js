/**
 * How the folder is shown — sort key and order, list or grid, the filter text and a server
 * search — kept in the URL's hash after the folder (`#/docs/?sort=size&order=desc&view=grid`),
 * so a reload, a bookmark or a shared link shows the same view. Pure functions, no DOM.
 * @module
 */

import { folderHash, segmentsFromHash } from "./paths.js";

/** The view when the hash says nothing: by name, ascending, as a list, unfiltered. */
export const DEFAULT_VIEW = Object.freeze({
  sort: "name",
  order: "asc",
  view: "list",
  filter: "",
  search: "",
});
const SORT_KEYS = new Set(["name", "size", "date"]);
const ORDERS = new Set(["asc", "desc"]);
const VIEWS = new Set(["list", "grid"]);

/** The folder and view a hash names; unknown or malformed settings fall back to the default. */
export function parseHash(hash) {
  const segments = segmentsFromHash(hash);
  const view = { ...DEFAULT_VIEW };
  const at = hash.indexOf("?");
  if (hash.startsWith("#/") && at !== -1) {
    let params;
    try {
      params = new URLSearchParams(hash.slice(at + 1));
    } catch {
      params = new URLSearchParams();
    }
    if (SORT_KEYS.has(params.get("sort"))) view.sort = params.get("sort");
    if (ORDERS.has(params.get("order"))) view.order = params.get("order");
    if (VIEWS.has(params.get("view"))) view.view = params.get("view");
    view.filter = params.get("filter") ?? "";
    view.search = params.get("search") ?? "";
  }
  return { segments, view };
}

/** The view another folder opens with: this sort and layout, no filter, no search. */
export function folderView(view) {
  return { ...view, filter: "", search: "" };
}

/** The hash for `segments` shown with `view`; settings at their default are left out. */
export function formatHash(segments, view) {
  const params = new URLSearchParams();
  for (const key of Object.keys(DEFAULT_VIEW)) {
    if (view[key] !== undefined && view[key] !== DEFAULT_VIEW[key]) params.set(key, view[key]);
  }
  const query = params.toString();
  return folderHash(segments) + (query ? `?${query}` : "");
}
