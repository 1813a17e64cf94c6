/**
 * The selection the bulk actions work on: the names checked, the "select every item shown" box,
 * and the bulk bar with only the actions the server allows. What the filter hides stays checked
 * but is not acted on: the bulk actions take the selected entries shown. This must not know how
 * the listing is loaded or drawn, nor what the bulk actions do (main.js and entry_actions.js).
 * @module
 */

import { plural } from "./format.js";

/**
 * The selection bound to the page's elements. `shown()` returns the entries shown, in display
 * order; `can()` what the server allows (`{delete, move}`); `getInfo()` the server's info;
 * `searching()` whether search results are shown; `redraw()` draws the listing anew.
 */
export function createSelection({ shown, can, getInfo, searching, redraw }) {
  const $ = (id) => document.getElementById(id);
  const names = new Set();

  $("select-all").addEventListener("change", (event) => {
    for (const entry of shown()) {
      if (event.target.checked) names.add(entry.name);
      else names.delete(entry.name);
    }
    redraw();
  });

  /** Checks or unchecks `entry` (its own box was clicked). */
  function choose(entry, checked) {
    if (checked) names.add(entry.name);
    else names.delete(entry.name);
    draw();
  }

  /** Shows the selection: the bulk bar and its count, the select-all box, every row's box. */
  function draw() {
    const entries = shown();
    const count = entries.filter((e) => names.has(e.name)).length;
    const info = getInfo();
    $("bulk-bar").hidden = count === 0;
    $("bulk-count").textContent = `${plural(count, "item", "items")} selected`;
    $("bulk-move").hidden = !can().move;
    $("bulk-rename").hidden = !can().move || count !== 1;
    $("bulk-copy").hidden = !info || info.readOnly;
    $("bulk-delete").hidden = !can().delete;
    // A zip names single entries of one folder: search results from deeper folders cannot go.
    $("bulk-zip").hidden = searching();
    const all = $("select-all");
    all.checked = count > 0 && count === entries.length;
    all.indeterminate = count > 0 && count < entries.length;
    for (const box of document.querySelectorAll("#listing-box .select-box")) {
      const name = box.closest("[data-name]").dataset.name;
      box.checked = names.has(name);
    }
  }

  return {
    choose,
    draw,
    /** Whether `entry` is checked. */
    has: (entry) => names.has(entry.name),
    /** Unchecks everything (another folder, or the bulk bar's Clear). */
    clear: () => names.clear(),
    /** Unchecks the entries named `done` (a bulk action did them; the rest stay checked). */
    drop: (done) => done.forEach((name) => names.delete(name)),
    /** The checked entries among `entries`, in their order. */
    among: (entries) => entries.filter((e) => names.has(e.name)),
  };
}
