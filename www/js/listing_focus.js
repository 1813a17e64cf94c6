/**
 * Keyboard focus among the entries of the listing when they are drawn anew (a refresh, a
 * rename, a delete, a move): where focus was, put back on the same control of the same entry,
 * or on the entry now in its place, or on the list, never lost to the page's top. This must not
 * know how the entries are loaded or drawn: it reads the drawn rows and cards by `data-name`.
 * @module
 */

/** The controls of a row or card, in document order: what a saved spot counts in. */
const CONTROLS = "a, button, input";
/** The link that opens an entry, in a row or in a card. */
const ENTRY_LINK = "a.name, a.card-link";

/**
 * Focus for the listing in `box` (the element holding the table and the grid). `shown()`
 * returns the entries shown, in display order; `listElement()` the list or the grid, whichever
 * is shown: where focus goes when no entry can take it.
 */
export function createListingFocus({ box, shown, listElement }) {
  /** The drawn row or card of the entry named `name`, if shown. */
  function itemNamed(name) {
    return [...box.querySelectorAll("[data-name]")].find((el) => el.dataset.name === name);
  }

  /** Whether keyboard focus went nowhere: its element was removed, hidden or never set. */
  function lost() {
    const active = document.activeElement;
    return !active || active === document.body || !active.isConnected ||
      active.getClientRects().length === 0;
  }

  /** Where focus is among the entries: `{name, index, control}` (which of its controls), or null. */
  function spot() {
    const active = document.activeElement;
    const item = active?.closest?.("#listing-box [data-name]");
    if (!item) return null;
    const name = item.dataset.name;
    return {
      name,
      index: shown().findIndex((e) => e.name === name),
      control: [...item.querySelectorAll(CONTROLS)].indexOf(active),
    };
  }

  /**
   * Puts focus back on the same control of the same entry after a redraw; an entry that went
   * (deleted, renamed, moved) hands it to the one now in its place, or to the list.
   */
  function restore({ name, index, control }) {
    if (!lost()) return; // the user has moved on meanwhile
    const item = itemNamed(name);
    if (item) {
      const controls = [...item.querySelectorAll(CONTROLS)];
      return (controls[control] ?? controls[0]).focus();
    }
    near(index);
  }

  /** Focuses the link of the entry shown at `index` (or the last one), else the list. */
  function near(index) {
    const entries = shown();
    const entry = entries[Math.min(Math.max(index, 0), entries.length - 1)];
    const link = entry && itemNamed(entry.name)?.querySelector(ENTRY_LINK);
    (link ?? listElement()).focus();
  }

  /** Focuses the link of the entry named `name` (the list when it is not shown). */
  function entry(name) {
    const link = itemNamed(name)?.querySelector(ENTRY_LINK);
    (link ?? listElement()).focus();
  }

  return { lost, spot, restore, near, entry };
}
