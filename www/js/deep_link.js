/**
 * Follows a link into the page: the hash names a folder (`#/docs/`) or an item of a folder
 * (`#/docs/readme.md`, no trailing "/"; paths.js). Whether an item is a file or a folder only
 * the folder's listing can say, so its folder is shown first. A file then opens in the preview
 * as a click on it would, with focus on its row (where focus returns when the preview closes).
 * A name the listing does not show is asked of the server before it is called missing: a
 * listing stops at the server's cap (`--max-listing`), and the file may be past it.
 *
 * The hash is rewritten to the folder's (`#/docs/`): it names a folder and its view, never a
 * preview, as after a click on a file — Back leaves the folder (closing the preview with it), as
 * it did, and closing the preview leaves the user in the folder.
 * @module
 */

import { RequestError, statEntry } from "./api.js";
import { visibleName } from "./format.js";
import { fileUrl, itemFromHash, malformedHashPart } from "./paths.js";
import { formatHash, parseHash } from "./view_state.js";

/**
 * The link follower bound to the folder view `browser` (browse.js) and the entry `actions`
 * (entry_actions.js); `showError` and `announce` report what could not be shown.
 */
export function createLinkFollower({ browser, actions, showError, announce }) {
  /** Counts links followed, so one resolved after a newer navigation does not act. */
  let navigation = 0;

  /** Shows what `hash` names; `focus` moves keyboard focus to the list (or the file's row). */
  async function follow(hash, { focus }) {
    const mine = ++navigation;
    const { segments, view } = parseHash(hash);
    const broken = malformedHashPart(hash);
    if (broken !== null) {
      // It names nothing: Home is shown (segmentsFromHash gives the root), with why.
      await browser.show(segments, view, { focus });
      if (mine !== navigation) return;
      showError(
        `This link is broken: “${
          visibleName(broken)
        }” is not a valid name in a link (a “%” must be ` +
          `followed by two hex digits). Home is shown instead.`,
      );
      return;
    }
    const { name } = itemFromHash(hash);
    if (name === null) return browser.show(segments, view, { focus });
    const folder = segments.slice(0, -1);
    // A search lists other folders' files: the name is looked up in the folder itself.
    const folderView = { ...view, search: "" };
    history.replaceState(null, "", formatHash(folder, folderView));
    await browser.load(folder, folderView, { focus });
    if (mine !== navigation || browser.failed) return; // a missing folder says so itself
    let entry = browser.entryNamed(name);
    if (entry?.folder) {
      history.replaceState(null, "", formatHash(segments, view));
      return browser.load(segments, view, { focus });
    }
    if (!entry) {
      let stat = null;
      try {
        stat = await statEntry(fileUrl(folder, name));
      } catch (err) {
        if (mine === navigation) showError(err instanceof RequestError ? err.message : String(err));
        return;
      }
      if (mine !== navigation) return;
      if (stat) entry = browser.entryFrom({ name, folder: false, ...stat });
    }
    if (!entry) {
      const where = folder.length ? visibleName(folder.join("/")) : "Home";
      const shown = visibleName(name);
      showError(
        `There is no file called “${shown}” in ${where}: it may have been moved, renamed or deleted.`,
      );
      return;
    }
    browser.focusEntry(name);
    if (!actions.previewFile(entry)) {
      announce(`${visibleName(name)} cannot be shown in the page: download it to open it.`);
    }
  }

  return { follow };
}
