/**
 * The entries of a listing with what the views need to draw them: the name's path parts (a
 * search result lies deeper down), the path from the top of the share, the kind (icon, viewer)
 * and the links (open, into a folder with the view, download). Pure functions, no DOM: this
 * must not know how the entries are drawn, sorted or filtered.
 * @module
 */

import { fileKind } from "./file_kinds.js";
import { entryUrl } from "./paths.js";
import { folderView, formatHash } from "./view_state.js";

/**
 * `entries` (`{name, folder, size, mtime}` as the server lists them) of the folder `segments`
 * shown with `view`, each with `parts`, `path`, `kind`, `url`, `href` and `downloadHref`.
 */
export function listingEntries(entries, segments, view) {
  return entries.map((e) => {
    const parts = e.name.split("/");
    const folder = e.folder;
    const url = entryUrl(segments, parts, folder);
    return {
      ...e,
      parts,
      // From the top of the share: the row may outlive the folder shown (a load under way).
      path: [...segments, ...parts],
      kind: folder ? "folder" : fileKind(parts.at(-1)),
      url,
      // Into a folder: the sort and the view go along, the filter and search stay here.
      href: folder ? formatHash([...segments, ...parts], folderView(view)) : url,
      downloadHref: folder ? `${url}?zip` : url,
    };
  });
}
