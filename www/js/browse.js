/**
 * The folder view: breadcrumbs, the sortable listing (folders first), open and download links,
 * and the delete buttons when the server allows deleting.
 *
 * Names come from the disk and may hold anything (`<`, quotes, newlines, emoji): they are only
 * ever set with `textContent` or as encoded URL segments, never parsed as HTML.
 * @module
 */

import { authorization, deleteEntry, fetchListing, RequestError } from "./api.js";
import { formatBytes, formatDate, plural } from "./format.js";
import { fileUrl, folderHash, folderUrl } from "./paths.js";

const SVG_NS = "http://www.w3.org/2000/svg";
/** How long a blob URL handed to the browser stays valid: long enough to start a download. */
const BLOB_URL_LIFETIME_MS = 60_000;
/** Icon outlines on a 16×16 grid: a folder and a sheet of paper. */
const ICON_PATHS = {
  folder: "M1.5 3.5h4.5l1.5 1.5h7v8.5h-13z",
  file: "M3.5 1.5h6l3 3v10h-9z M9.5 1.5v3h3",
};
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
const ARIA_SORT = { asc: "ascending", desc: "descending" };

/**
 * An entry of the listing as the UI holds it.
 * @typedef {{name: string, folder: boolean, size: number, mtime: Date | null}} Entry
 */

/**
 * Entries sorted in place: folders first, then by `key` in `order`, ties by name.
 * @param {Entry[]} entries
 * @param {string} key "name", "size" or "date"
 * @param {string} order "asc" or "desc"
 * @returns {Entry[]} the same array
 */
export function sortEntries(entries, key, order) {
  const sign = order === "desc" ? -1 : 1;
  return entries.sort((a, b) => {
    if (a.folder !== b.folder) return a.folder ? -1 : 1;
    let d = 0;
    if (key === "size") d = a.size - b.size;
    else if (key === "date") d = (a.mtime?.getTime() ?? 0) - (b.mtime?.getTime() ?? 0);
    if (d === 0) d = collator.compare(a.name, b.name);
    return sign * d;
  });
}

function icon(kind) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("class", `icon icon-${kind}`);
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", ICON_PATHS[kind]);
  svg.append(path);
  return svg;
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * The folder view bound to the page's elements. `getInfo()` returns the server's info;
 * `announce(text)` speaks a status to screen readers; `onSignInNeeded()` opens the sign-in form.
 */
export function createBrowser({ getInfo, announce, onSignInNeeded, onFolderChange }) {
  const $ = (id) => document.getElementById(id);
  const body = $("listing-body");
  const table = $("listing");
  const errorBox = $("listing-error");
  const state = { segments: [], entries: [], key: "name", order: "asc", loading: 0 };

  for (const button of table.querySelectorAll("th button[data-sort]")) {
    button.addEventListener("click", () => {
      const key = button.dataset.sort;
      state.order = state.key === key && state.order === "asc" ? "desc" : "asc";
      state.key = key;
      render();
      announce(`Sorted by ${button.textContent.toLowerCase()}, ${ARIA_SORT[state.order]}.`);
    });
  }

  function renderCrumbs() {
    const list = $("crumbs");
    list.replaceChildren();
    const names = ["Home", ...state.segments];
    names.forEach((name, i) => {
      const li = element("li");
      const link = element("a", "", name);
      link.href = folderHash(state.segments.slice(0, i));
      if (i === names.length - 1) link.setAttribute("aria-current", "page");
      li.append(link);
      list.append(li);
    });
  }

  function row(entry) {
    const tr = element("tr", entry.folder ? "is-folder" : "is-file");
    const nameCell = element("td", "col-name");
    const link = element("a", "name");
    link.append(icon(entry.folder ? "folder" : "file"), element("span", "", entry.name));
    if (entry.folder) {
      link.href = folderHash([...state.segments, entry.name]);
    } else {
      link.href = fileUrl(state.segments, entry.name);
      link.addEventListener("click", (e) => openWithCredentials(e, link.href, false));
    }
    nameCell.append(link);
    const size = element("td", "col-size", entry.folder ? "—" : formatBytes(entry.size));
    if (!entry.folder) size.title = `${entry.size} bytes`;
    const date = element("td", "col-date", formatDate(entry.mtime));
    const actions = element("td", "col-actions");
    if (!entry.folder) {
      const download = element("a", "action", "Download");
      download.href = link.href;
      download.download = entry.name;
      download.setAttribute("aria-label", `Download ${entry.name}`);
      download.addEventListener("click", (e) => openWithCredentials(e, download.href, true));
      actions.append(download);
    }
    if (getInfo()?.allowDelete) {
      const del = element("button", "action danger", "Delete");
      del.type = "button";
      del.setAttribute("aria-label", `Delete ${entry.name}`);
      del.addEventListener("click", () => remove(entry));
      actions.append(del);
    }
    tr.append(nameCell, size, date, actions);
    return tr;
  }

  function render() {
    for (const th of table.querySelectorAll("th[aria-sort]")) {
      const key = th.querySelector("button").dataset.sort;
      th.setAttribute("aria-sort", key === state.key ? ARIA_SORT[state.order] : "none");
    }
    sortEntries(state.entries, state.key, state.order);
    body.replaceChildren(...state.entries.map(row));
    $("listing-empty").hidden = state.entries.length !== 0 || !errorBox.hidden;
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = message === "";
  }

  /**
   * Reading needs credentials and the user gave a token: a plain link cannot carry an
   * Authorization field, so fetch the file and hand the browser a blob URL instead.
   */
  async function openWithCredentials(event, url, asDownload) {
    if (!getInfo()?.authRequired?.reads || !authorization()) return;
    event.preventDefault();
    const res = await fetch(url, { headers: { Authorization: authorization() } });
    if (!res.ok) return showError(`Could not open the file (status ${res.status}).`);
    const blobUrl = URL.createObjectURL(await res.blob());
    const a = element("a");
    a.href = blobUrl;
    if (asDownload) a.download = event.currentTarget.download;
    else a.target = "_blank";
    a.click();
    setTimeout(() => URL.revokeObjectURL(blobUrl), BLOB_URL_LIFETIME_MS);
  }

  async function remove(entry) {
    const what = entry.folder ? "folder" : "file";
    if (!confirm(`Delete the ${what} “${entry.name}”? This cannot be undone.`)) return;
    const url = entry.folder
      ? folderUrl([...state.segments, entry.name])
      : fileUrl(state.segments, entry.name);
    try {
      await deleteEntry(url);
      await load(state.segments, { quiet: true });
      announce(`Deleted ${entry.name}.`);
    } catch (err) {
      showError(`Could not delete “${entry.name}”: ${err.message}`);
      if (err instanceof RequestError && err.status === 401) onSignInNeeded();
    }
  }

  /**
   * Shows the folder `segments`; `focus` moves keyboard focus to the list afterwards, `quiet`
   * skips the spoken summary (a refresh after uploads, which announce themselves).
   */
  async function load(segments, { focus = false, quiet = false } = {}) {
    const ticket = ++state.loading;
    state.segments = segments;
    renderCrumbs();
    onFolderChange(segments);
    const where = segments.length ? segments[segments.length - 1] : "Home";
    document.title = `${where} — wireserve`;
    $("listing-caption").textContent = `Contents of ${where}`;
    table.setAttribute("aria-busy", "true");
    try {
      const listing = await fetchListing(folderUrl(segments));
      if (ticket !== state.loading) return; // a newer navigation won the race
      state.entries = listing.entries;
      $("listing-truncated").hidden = !listing.truncated;
      showError("");
      render();
      if (!quiet) announce(`${where}: ${plural(listing.entries.length, "item", "items")}.`);
    } catch (err) {
      if (ticket !== state.loading) return;
      state.entries = [];
      showError(err.message);
      render();
      if (err instanceof RequestError && err.status === 401) onSignInNeeded();
    } finally {
      if (ticket === state.loading) table.removeAttribute("aria-busy");
    }
    if (focus) table.focus();
  }

  return {
    load,
    refresh: (options) => load(state.segments, options),
    rerender: render,
    get segments() {
      return state.segments;
    },
  };
}
