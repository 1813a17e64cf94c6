/**
 * What names the folder shown: the breadcrumbs (each a link that keeps the sort and the layout,
 * not the filter or the search), the tab's title and the listing's caption for screen readers.
 * This must not know the entries, how the folder is loaded, or what the links do once followed.
 * @module
 */

import { visibleName } from "./format.js";
import { folderView, formatHash } from "./view_state.js";

/** Names the folder `segments` shown with `view` (its `search`: the caption says results). */
export function showFolderHeading(segments, view) {
  const $ = (id) => document.getElementById(id);
  const list = $("crumbs");
  list.replaceChildren();
  const names = ["Home", ...segments];
  names.forEach((name, i) => {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.textContent = visibleName(name);
    link.href = formatHash(segments.slice(0, i), folderView(view));
    if (i === names.length - 1) link.setAttribute("aria-current", "page");
    li.append(link);
    list.append(li);
  });
  const where = segments.length ? visibleName(segments[segments.length - 1]) : "Home";
  document.title = `${where} — wireserve`;
  $("listing-caption").textContent = view.search
    ? `Search results for ${visibleName(view.search)} below ${where}`
    : `Contents of ${where}`;
}
