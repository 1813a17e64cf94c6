/**
 * The answers of a search (`folder_search.ts`): JSON in the listing's shape plus `query` —
 * `{ path, query, entries: [{ name, type, target?, size, mtime, url }], truncated }` with `name`
 * the path below the folder ("sub/photo.jpg") — or an HTML page of links, no JavaScript.
 *
 * This module must not touch the disk or know about requests.
 * @module
 */

import type { JsonListingEntry } from "./listing_json.ts";
import { isFolder } from "./listing.ts";
import {
  encodeSegment,
  escapeHtml,
  humanSize,
  segmentsUrl,
  shortDate,
  visibleName,
} from "./listing_text.ts";
import type { SearchHit } from "./folder_search.ts";

/** The JSON document of a search. */
export interface JsonSearch {
  path: string;
  query: string;
  entries: JsonListingEntry[];
  truncated: boolean;
}

/** The URL of a hit below the folder `here` (which ends with "/"). */
function hitUrl(here: string, hit: SearchHit): string {
  return here + hit.segments.map(encodeSegment).join("/") + (isFolder(hit) ? "/" : "");
}

/** The JSON text for a search of the folder `segments` below `mount`. */
export function renderSearchJson(
  mount: string,
  segments: readonly string[],
  query: string,
  hits: readonly SearchHit[],
  truncated: boolean,
): string {
  const here = segmentsUrl(mount, segments, true);
  const doc: JsonSearch = {
    path: here,
    query,
    entries: hits.map((h) => ({
      name: h.name,
      type: h.type,
      ...(h.target === undefined ? {} : { target: h.target }),
      size: h.size,
      mtime: h.mtime?.toISOString() ?? null,
      url: hitUrl(here, h),
    })),
    truncated,
  };
  return `${JSON.stringify(doc)}\n`;
}

const STYLE = `body{font:15px/1.4 system-ui,sans-serif;margin:1.5rem;color:#222;background:#fff}
@media (prefers-color-scheme:dark){body{color:#ddd;background:#161616}a{color:#8ab4f8}}
h1{font-size:1.2rem;word-break:break-all}table{border-collapse:collapse;width:100%}
th,td{padding:.25rem .6rem;text-align:left}th{border-bottom:1px solid #8884}
td.n{text-align:right;white-space:nowrap}td.d{white-space:nowrap}p.note{color:#a60}`;

/** The HTML page for a search of the folder `segments` below `mount`. */
export function renderSearchHtml(
  mount: string,
  segments: readonly string[],
  query: string,
  hits: readonly SearchHit[],
  truncated: boolean,
): string {
  const here = segmentsUrl(mount, segments, true);
  const where = escapeHtml(visibleName(`${mount}${segments.map((s) => `${s}/`).join("")}`));
  const q = escapeHtml(query);
  const shownQuery = escapeHtml(visibleName(query));
  const rows = hits.map((h) => {
    const folder = isFolder(h);
    const size = folder ? "—" : `<span title="${h.size} bytes">${humanSize(h.size)}</span>`;
    const when = h.mtime === null
      ? ""
      : `<time datetime="${h.mtime.toISOString()}">${shortDate(h.mtime)}</time>`;
    return `<tr><td><a href="${escapeHtml(hitUrl(here, h))}">` +
      `<bdi>${escapeHtml(visibleName(h.name))}</bdi>${folder ? "/" : ""}</a></td>` +
      `<td class="n">${size}</td><td class="d">${when}</td></tr>`;
  });
  const note = truncated
    ? `<p class="note">The search stopped early: only the first ${hits.length} matches are shown.</p>\n`
    : "";
  const none = hits.length === 0 ? "<p>No names match.</p>\n" : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Search for “${shownQuery}” in ${where}</title><style>${STYLE}</style></head>
<body>
<nav><a href="${escapeHtml(here)}">Back to <bdi>${where}</bdi></a></nav>
<h1>Names containing “<bdi>${shownQuery}</bdi>” in <bdi>${where}</bdi></h1>
<form method="get" action="${escapeHtml(here)}" role="search">
<label>Search <input type="search" name="q" value="${q}"></label> <button>Search</button>
</form>
<table>
<thead><tr><th>Name</th><th>Size</th><th>Modified</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>
${none}${note}</body></html>
`;
}
