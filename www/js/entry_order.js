/**
 * The order and the filter of a listing: folders first, then by name, size or date; the filter
 * keeps names holding a text, ignoring case and Unicode composition. Pure functions, no DOM.
 * @module
 */

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

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

/**
 * The entries whose name holds `filter`, ignoring case (all of them for an empty filter). Both
 * sides are compared in NFC, as the server's search does: macOS stores names decomposed ("e" and
 * U+0301), while what the user types is usually composed ("é").
 */
export function filterEntries(entries, filter) {
  const needle = comparable(filter.trim());
  if (needle === "") return entries;
  return entries.filter((e) => comparable(e.name).includes(needle));
}

/**
 * `text` as the filter compares it: composed (NFC), then lower case — as the server's search
 * (src/files/folder_search.ts), so the filter and the search find the same names.
 */
function comparable(text) {
  return text.normalize("NFC").toLowerCase();
}
