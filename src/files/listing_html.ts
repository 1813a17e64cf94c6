/**
 * The HTML listing of a folder: breadcrumbs, a search form, the upload and new-folder forms when
 * the server takes them, a table sortable by name, size and date through plain links (no
 * JavaScript anywhere), folders first, human-readable sizes, and a note when the listing
 * was truncated. Every name is escaped for HTML and percent-encoded in links (`listing_text.ts`).
 * Every link is an absolute path, the sort links too: wget2 resolved a bare `?sort=…` against the
 * page's decoded path, so a folder named `a%20b` led it to `a b`.
 *
 * A large page is made piece by piece (`listingHtmlPieces`), so it can be streamed without
 * ever being one string.
 *
 * This module must not touch the disk or know about requests.
 * @module
 */

import { isFolder, type ListingEntry, type SortKey, type SortOrder } from "./listing.ts";
import {
  encodeSegment,
  escapeHtml,
  humanSize,
  segmentsUrl,
  shortDate,
  visibleName,
} from "./listing_text.ts";

/** What the HTML page shows. */
export interface HtmlListing {
  /** The mount's URL path, ending with "/" (`/files/`). */
  mount: string;
  /** The folder's decoded segments below the mount. */
  segments: readonly string[];
  /** Entries, already sorted. */
  entries: readonly ListingEntry[];
  truncated: boolean;
  /** How the entries were sorted (the active column and its direction). */
  sort: SortKey;
  order: SortOrder;
  /**
   * Which write forms the page offers (none by default): `upload` posts the picked files as
   * `multipart/form-data` (field `file`), `mkdir` posts `mkdir=<name>` to make a folder. They
   * work without JavaScript; the server answers a form post with 303 back to this page.
   */
  forms?: { upload: boolean; mkdir: boolean };
}

const STYLE = `body{font:15px/1.4 system-ui,sans-serif;margin:1.5rem;color:#222;background:#fff}
@media (prefers-color-scheme:dark){body{color:#ddd;background:#161616}a{color:#8ab4f8}}
h1{font-size:1.2rem;word-break:break-all}nav{margin-bottom:.5rem}
table{border-collapse:collapse;width:100%}th,td{padding:.25rem .6rem;text-align:left}
th{border-bottom:1px solid #8884}td.n{text-align:right;white-space:nowrap}
td.d{white-space:nowrap}tbody tr:hover{background:#8881}p.note{color:#a60}
form{margin:.4rem 0}fieldset{border:1px solid #8884;margin:.8rem 0;padding:.4rem .8rem}`;

const COLUMNS: ReadonlyArray<[SortKey, string]> = [["name", "Name"], ["size", "Size"], [
  "date",
  "Modified",
]];

/** The page for `listing`, as one string. */
export function renderListingHtml(listing: HtmlListing): string {
  return [...listingHtmlPieces(listing, listing.entries.length + 1)].join("");
}

/**
 * The page for `listing` in pieces: the head, then `rowsPerPiece` rows at a time, then the end.
 * Joined, they are exactly {@link renderListingHtml}'s page.
 */
export function* listingHtmlPieces(
  listing: HtmlListing,
  rowsPerPiece: number,
): Generator<string> {
  const { mount, segments, entries } = listing;
  const here = segmentsUrl(mount, segments, true);
  const rows: string[] = [];
  if (segments.length > 0) {
    const parent = escapeHtml(segmentsUrl(mount, segments.slice(0, -1), true));
    rows.push(`<tr><td><a href="${parent}">../</a></td><td class="n">—</td><td></td></tr>`);
  }
  yield pageHead(here, listing);
  // Rows are separated by newlines, also across pieces: the page is the same however cut.
  let first = true;
  for (let i = 0; i < entries.length; i++) {
    rows.push(row(here, entries[i]));
    if (rows.length === rowsPerPiece) {
      yield (first ? "" : "\n") + rows.join("\n");
      first = false;
      rows.length = 0;
    }
  }
  if (rows.length > 0 || first) yield (first ? "" : "\n") + rows.join("\n");
  const note = listing.truncated
    ? `<p class="note">Only the first ${entries.length} entries are shown.</p>\n`
    : "";
  yield `
</tbody>
</table>
${note}</body></html>
`;
}

/** Everything before the first row. */
function pageHead(here: string, listing: HtmlListing): string {
  const { mount, segments } = listing;
  const title = escapeHtml(visibleName(`${mount}${segments.map((s) => `${s}/`).join("")}`));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Index of ${title}</title><style>${STYLE}</style></head>
<body>
<nav aria-label="Breadcrumbs">${breadcrumbs(mount, segments)}</nav>
<h1>Index of <bdi>${title}</bdi></h1>
${forms(here, listing)}<table>
<thead><tr>${COLUMNS.map(([key, label]) => header(here, key, label, listing)).join("")}</tr></thead>
<tbody>
`;
}

/** The search form, and the write forms the server accepts here. */
function forms(here: string, listing: HtmlListing): string {
  const action = escapeHtml(here);
  const parts = [
    `<form method="get" action="${action}" role="search">` +
    `<label>Find names below this folder <input type="search" name="q"></label> ` +
    `<button type="submit">Search</button></form>`,
  ];
  const writes: string[] = [];
  if (listing.forms?.upload) {
    writes.push(
      `<form method="post" enctype="multipart/form-data" action="${action}">` +
        `<label>Upload files <input type="file" name="file" multiple required></label> ` +
        `<button type="submit">Upload</button></form>`,
    );
  }
  if (listing.forms?.mkdir) {
    writes.push(
      `<form method="post" action="${action}">` +
        `<label>New folder <input name="mkdir" required maxlength="255"></label> ` +
        `<button type="submit">Create</button></form>`,
    );
  }
  if (writes.length > 0) {
    parts.push(`<fieldset><legend>Add to this folder</legend>\n${writes.join("\n")}\n</fieldset>`);
  }
  return `${parts.join("\n")}\n`;
}

function row(here: string, e: ListingEntry): string {
  const folder = isFolder(e);
  const href = escapeHtml(here + encodeSegment(e.name) + (folder ? "/" : ""));
  const name = `<bdi>${escapeHtml(visibleName(e.name))}</bdi>` + (folder ? "/" : "");
  const link = e.type === "symlink" ? `${name} <small>(link)</small>` : name;
  const size = folder
    ? "—"
    : `<span title="${e.size} ${e.size === 1 ? "byte" : "bytes"}">${humanSize(e.size)}</span>`;
  const when = e.mtime === null
    ? ""
    : `<time datetime="${e.mtime.toISOString()}">${shortDate(e.mtime)}</time>`;
  return `<tr><td><a href="${href}">${link}</a></td><td class="n">${size}</td>` +
    `<td class="d">${when}</td></tr>`;
}

function breadcrumbs(mount: string, segments: readonly string[]): string {
  const parts = [`<a href="${escapeHtml(mount)}">${escapeHtml(mount.replaceAll("/", ""))}</a>`];
  for (let i = 0; i < segments.length; i++) {
    const href = escapeHtml(segmentsUrl(mount, segments.slice(0, i + 1), true));
    const text = `<bdi>${escapeHtml(visibleName(segments[i]))}</bdi>`;
    parts.push(
      i === segments.length - 1
        ? `<span aria-current="page">${text}</span>`
        : `<a href="${href}">${text}</a>`,
    );
  }
  return `${parts.join(" / ")} /`;
}

/** A column header: a link sorting by it, toggling the order when it is the active column. */
function header(here: string, key: SortKey, label: string, listing: HtmlListing): string {
  const active = listing.sort === key;
  const next: SortOrder = active && listing.order === "asc" ? "desc" : "asc";
  const arrow = active ? (listing.order === "asc" ? " ▲" : " ▼") : "";
  const aria = active ? ` aria-sort="${listing.order === "asc" ? "ascending" : "descending"}"` : "";
  const href = escapeHtml(`${here}?sort=${key}&order=${next}`);
  return `<th${aria}><a href="${href}">${label}${arrow}</a></th>`;
}
