/**
 * What the user can do with entries: open (a folder, or a file in the preview), download (a
 * folder or a selection as a zip), copy a link, rename, move, copy and delete — one item from
 * its row, or the selection from the bulk bar. Renames, moves and copies are WebDAV `MOVE` and
 * `COPY` (never replacing: `Overwrite: F`); a bulk delete is one `DELETE` per item.
 * @module
 */

import { deleteEntry, MULTI_STATUS, RequestError, transferEntry } from "./api.js";
import { describeBulkTransfer, transferEach } from "./bulk_transfer.js";
import { copyText, downloadSelection, followWithCredentials } from "./download.js";
import { previewable } from "./file_kinds.js";
import { plural, visibleName } from "./format.js";
import { askName, retitle } from "./name_dialog.js";
import { encodeName, folderHash, folderUrl, nameProblem, segmentsFromPath } from "./paths.js";

/** Why a folder path typed for a move or copy cannot work, or null. */
export function folderPathProblem(path) {
  if (!path.startsWith("/")) return "Start the folder with “/”, the top of the share.";
  const parts = path.split("/").filter((p) => p !== "");
  for (const part of parts) {
    const problem = part === "." || part === ".." ? "“.” and “..” are not folder names." : null;
    if (problem) return problem;
  }
  return null;
}

/** Whether `err` is a 207: the request changed part of the tree before it failed on the rest. */
function isPartial(err) {
  return err instanceof RequestError && err.status === MULTI_STATUS;
}

/**
 * The entry actions bound to the page. `browser()` returns the folder view, `preview` the
 * preview dialog, `getInfo()` the server's info; `announce`, `showError` and
 * `onSignInNeeded(retry)` report back.
 */
export function createEntryActions(
  { browser, preview, getInfo, announce, showError, onSignInNeeded },
) {
  function failed(what, err, retry) {
    showError(`${what}: ${err.message}`);
    if (err instanceof RequestError && err.status === 401) onSignInNeeded(retry);
  }

  /** A file opens in the preview when the page can show it; a modified click stays a link. */
  function open(event, entry) {
    if (entry.folder) return;
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    const files = browser().shownFiles.filter((f) => previewable(f.kind));
    const index = files.findIndex((f) => f.url === entry.url);
    if (index === -1) return followWithCredentials(event, getInfo(), false);
    event.preventDefault();
    preview.open(files, index);
  }

  /**
   * Opens the file `entry` in the preview as a click on it would (the gallery walks the files
   * shown); one the filter hides is previewed alone. False when the page cannot show its kind.
   */
  function previewFile(entry) {
    if (entry.folder || !previewable(entry.kind)) return false;
    const files = browser().shownFiles.filter((f) => previewable(f.kind));
    const index = files.findIndex((f) => f.url === entry.url);
    if (index === -1) preview.open([entry], 0);
    else preview.open(files, index);
    return true;
  }

  function onDownload(event, entry) {
    followWithCredentials(event, getInfo(), true);
    if (entry.folder) announce(`Downloading ${visibleName(entry.name)} as a zip.`);
  }

  /**
   * A folder's link opens this page on it (`/#/docs/`); a file's is the file itself
   * (`/files/docs/a.txt`), which any browser, `curl` or chat preview can open without the page.
   */
  async function copyLink(entry) {
    const href = entry.folder
      ? location.origin + location.pathname + folderHash(entry.path)
      : new URL(entry.url, location.href).href;
    const ok = await copyText(href);
    announce(
      ok ? `Copied the link to ${visibleName(entry.name)}.` : "The browser refused to copy.",
    );
  }

  /** Removes `entries` after one confirmation; reports those that could not be removed. */
  async function remove(entries) {
    if (entries.length === 0) return;
    const what = entries.length === 1
      ? `the ${entries[0].folder ? "folder" : "file"} “${visibleName(entries[0].name)}”`
      : plural(entries.length, "item", "items");
    if (!confirm(`Delete ${what}? This cannot be undone.`)) return;
    await removeConfirmed(entries);
  }

  /**
   * Deletes `entries`, already confirmed. Those refused for want of credentials go again by
   * themselves once the user has signed in, without asking a second time.
   */
  async function removeConfirmed(entries) {
    const place = browser().indexOf(entries[0].name);
    const failures = [];
    for (const entry of entries) {
      try {
        await deleteEntry(entry.url);
      } catch (err) {
        failures.push([entry, err]);
      }
    }
    browser().clearSelection();
    await browser().refresh({ quiet: true });
    // The Delete button went with its row (or with the selection's bar): focus goes to the
    // entry now in that place, not to the top of the page.
    browser().recoverFocus(place);
    const done = entries.length - failures.length;
    if (failures.length) {
      const [entry, err] = failures[0];
      const unsigned = failures.filter(([, e]) => e instanceof RequestError && e.status === 401);
      failed(
        `Could not delete “${visibleName(entry.name)}”`,
        err,
        () => removeConfirmed(unsigned.map(([e]) => e)),
      );
    }
    if (done) {
      announce(
        entries.length === 1
          ? `Deleted ${visibleName(entries[0].name)}.`
          : `Deleted ${done} items.`,
      );
    }
  }

  function rename(entry) {
    const oldName = entry.parts.at(-1);
    askName({
      title: `Rename ${visibleName(oldName)}`,
      label: "New name",
      value: oldName,
      submit: "Rename",
      validate: (name) => nameProblem(name) ?? (name === oldName ? "That is its name now." : null),
      async action(name) {
        // The entry's own folder, from its URL: not the folder on screen, which Back or Forward
        // may have changed while the dialog was open.
        const parent = entry.url.replace(/[^/]*\/?$/, "");
        await transferEntry(entry.url, parent + encodeName(name) + (entry.folder ? "/" : ""))
          .catch(async (err) => {
            // A 207 moved part of the folder: the listing shows what is there now.
            if (isPartial(err)) await browser().refresh({ quiet: true });
            throw err;
          });
        await browser().refresh({ quiet: true });
        announce(`Renamed ${visibleName(oldName)} to ${visibleName(name)}.`);
      },
      // The row was drawn anew under its new name: focus follows it there.
      afterClose: (name) => browser().focusEntry([...entry.parts.slice(0, -1), name].join("/")),
    });
  }

  /**
   * Moves or copies `entries` into a folder the user types ("/docs/old/"). One item that fails
   * does not stop the others; the dialog then stays open saying what was done and what was not,
   * and sending it again (or the sign-in it asked for) covers only what is left to do.
   */
  function transfer(entries, { copy }) {
    if (entries.length === 0) return;
    const verb = copy ? "Copy" : "Move";
    const here = "/" + browser().segments.map((s) => s + "/").join("");
    const place = browser().indexOf(entries[0].name);
    const titleFor = (list) =>
      `${verb} ${
        list.length === 1 ? visibleName(list[0].name) : plural(list.length, "item", "items")
      }`;
    let pending = entries;
    askName({
      title: titleFor(entries),
      label: "Into the folder",
      value: here,
      submit: verb,
      note: "A path from the top of the share, like /docs/old/. Existing names are never replaced.",
      validate: folderPathProblem,
      async action(path) {
        const { done, failed, untried } = await transferEach(pending, segmentsFromPath(path), copy);
        pending = [...failed.map(([entry]) => entry), ...untried];
        if (pending.length === 0) {
          browser().clearSelection();
          await browser().refresh({ quiet: true });
          announce(
            `${copy ? "Copied" : "Moved"} ${plural(done.length, "item", "items")} to ${path}.`,
          );
          return;
        }
        // What is left stays selected, for another folder if this one will not do.
        browser().deselect(done.map((e) => e.name));
        // A 207 moved or copied part of an item: the listing shows what is there now.
        if (done.length || failed.some(([, err]) => isPartial(err))) {
          await browser().refresh({ quiet: true });
        }
        const [first] = failed;
        if (entries.length === 1 && first) throw first[1];
        retitle(titleFor(pending));
        const signIn = failed.find(([, err]) => err.status === 401);
        throw new RequestError(
          (signIn ?? first)[1].status ?? 0,
          describeBulkTransfer({
            copy,
            path,
            done: done.length,
            failed: failed.map(([entry, err]) => [entry.parts.at(-1), err.message]),
            untried: untried.map((entry) => entry.parts.at(-1)),
          }),
        );
      },
      afterClose: () => browser().recoverFocus(place),
    });
  }

  function zipSelection(entries) {
    if (entries.length === 0) return;
    const segments = browser().segments;
    const names = entries.map((e) => e.name);
    const filename = `${segments.at(-1) ?? "files"}.zip`;
    const onFailure = (message) => showError(`Could not download the selection: ${message}`);
    downloadSelection(folderUrl(segments), names, filename, getInfo(), onFailure).catch((err) =>
      failed("Could not download the selection", err, () => zipSelection(entries))
    );
  }

  return {
    row: {
      open,
      download: onDownload,
      copyLink,
      rename,
      remove: (entry) => remove([entry]),
    },
    remove,
    transfer,
    zipSelection,
    previewFile,
  };
}
