/**
 * One entry of the folder as the page draws it: a table row (list view) or a card (grid view),
 * each with its selection box, its icon by file type, its link and, in the list, its actions.
 *
 * Names come from the disk and may hold anything (`<`, quotes, newlines, emoji, bidi overrides):
 * they are only ever set with `textContent` or as encoded URL segments, never parsed as HTML, and
 * shown through `visibleName` (controls made visible; isolated by the CSS).
 * @module
 */

import { formatBytes, formatDate, plural, visibleName } from "./format.js";
import { ICON_PATHS } from "./file_kinds.js";

const SVG_NS = "http://www.w3.org/2000/svg";

/** An element with a class and text. */
export function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** The icon of `kind` ("folder", "image", … see file_kinds.js), hidden from screen readers. */
export function icon(kind) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("class", `icon icon-${kind}`);
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", ICON_PATHS[kind] ?? ICON_PATHS.file);
  svg.append(path);
  return svg;
}

function selectBox(entry, selected, onSelect) {
  const box = element("input", "select-box");
  box.type = "checkbox";
  box.checked = selected;
  box.setAttribute("aria-label", `Select ${visibleName(entry.name)}`);
  box.addEventListener("change", () => onSelect(entry, box.checked));
  return box;
}

function entryLink(entry, className, onOpen) {
  const link = element("a", className);
  link.href = entry.href;
  link.addEventListener("click", (event) => onOpen(event, entry));
  return link;
}

/**
 * An icon action: the icon shows, the label is its accessible name and its tooltip — compact
 * enough that four actions leave a long name its room, on a phone too.
 */
function iconAction(el, kind, label) {
  el.classList.add("action", "icon-action");
  el.setAttribute("aria-label", label);
  el.title = label;
  el.append(icon(kind));
  return el;
}

function button(kind, label, onClick, extraClass = "") {
  const b = iconAction(element("button", extraClass), kind, label);
  b.type = "button";
  b.addEventListener("click", onClick);
  return b;
}

/**
 * The actions of one entry: Download (a folder as a zip), Copy link, Rename and Delete — the
 * same quiet button family; Delete only turns red on hover and focus (listing.css).
 */
function actions(entry, can, on) {
  const box = element("div", "row-actions");
  const download = iconAction(
    element("a"),
    "download",
    entry.folder
      ? `Download ${visibleName(entry.name)} as zip`
      : `Download ${visibleName(entry.name)}`,
  );
  download.href = entry.downloadHref;
  download.download = entry.folder ? `${entry.parts.at(-1)}.zip` : entry.parts.at(-1);
  download.addEventListener("click", (event) => on.download(event, entry));
  box.append(download);
  box.append(button("link", `Copy link to ${visibleName(entry.name)}`, () => on.copyLink(entry)));
  if (can.move) {
    box.append(button("rename", `Rename ${visibleName(entry.name)}`, () => on.rename(entry)));
  }
  if (can.delete) {
    box.append(
      button("delete", `Delete ${visibleName(entry.name)}`, () => on.remove(entry), "delete"),
    );
  }
  return box;
}

/** The table row of `entry`. */
export function entryRow(entry, { selected, can, on }) {
  const tr = element("tr", entry.folder ? "is-folder" : "is-file");
  tr.dataset.name = entry.name;
  const select = element("td", "col-select");
  select.append(selectBox(entry, selected, on.select));
  const nameCell = element("td", "col-name");
  const link = entryLink(entry, "name", on.open);
  link.append(icon(entry.kind), element("span", "entry-name", visibleName(entry.name)));
  const line = element("div", "name-line");
  // Size and date again under the name, shown only on phones where their columns go.
  const meta = element(
    "span",
    "row-meta muted",
    [entry.folder ? "Folder" : formatBytes(entry.size), formatDate(entry.mtime)]
      .filter(Boolean).join(" · "),
  );
  line.append(link, meta, actions(entry, can, on));
  nameCell.append(line);
  const size = element("td", "col-size", entry.folder ? "—" : formatBytes(entry.size));
  if (!entry.folder) size.title = plural(entry.size, "byte", "bytes");
  const date = element("td", "col-date", formatDate(entry.mtime));
  tr.append(select, nameCell, size, date);
  return tr;
}

/**
 * The grid card of `entry`: a thumbnail for images (the image itself, loaded lazily — the
 * server makes no thumbnails), the type icon otherwise and for an image that does not decode.
 */
export function entryCard(entry, { selected, on, thumbnailSrc }) {
  const li = element("li", `card ${entry.folder ? "is-folder" : "is-file"}`);
  li.dataset.name = entry.name;
  const link = entryLink(entry, "card-link", on.open);
  const thumb = element("span", "thumb");
  const src = entry.kind === "image" ? thumbnailSrc(entry) : null;
  if (src) {
    const img = element("img");
    img.src = src;
    img.alt = "";
    img.loading = "lazy";
    img.decoding = "async";
    // An image the browser cannot decode shows its type icon, not an empty box.
    img.addEventListener("error", () => img.replaceWith(icon(entry.kind)), { once: true });
    thumb.append(img);
  } else {
    thumb.append(icon(entry.kind));
  }
  link.append(thumb, element("span", "card-name", visibleName(entry.name)));
  const meta = element(
    "span",
    "card-meta muted",
    entry.folder ? "Folder" : formatBytes(entry.size),
  );
  li.append(selectBox(entry, selected, on.select), link, meta);
  return li;
}
