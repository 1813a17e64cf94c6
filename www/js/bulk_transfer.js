/**
 * A move or copy of several items (the bulk bar's Move… and Copy…): each item sent in turn, one
 * failure not stopping the next, and what was done and what was not told in one message. This
 * must not know the dialog, the listing or the selection (entry_actions.js holds them).
 * @module
 */

import { MAX_NAMED_MEMBERS, RequestError, transferEntry } from "./api.js";
import { plural, visibleName } from "./format.js";
import { encodeName, folderUrl } from "./paths.js";

/**
 * The statuses that say nothing about the item: the server did not answer (0) or wants
 * credentials (401); every other item would fail the same way.
 */
const STOPS_THE_REST = [0, 401];

/**
 * Sends `entries` one by one into the folder `target` (segments); a failure of one item does not
 * stop the next, but one that would fail them all alike (no answer, sign-in needed) leaves the
 * rest untried. Returns the entries `done`, `failed` as `[entry, err]`, and `untried`.
 */
export async function transferEach(entries, target, copy) {
  const done = [];
  const failed = [];
  let at = 0;
  for (; at < entries.length; at++) {
    const entry = entries[at];
    const to = folderUrl(target) + encodeName(entry.parts.at(-1)) + (entry.folder ? "/" : "");
    try {
      await transferEntry(entry.url, to, { copy });
      done.push(entry);
    } catch (err) {
      failed.push([entry, err]);
      if (!(err instanceof RequestError) || STOPS_THE_REST.includes(err.status)) {
        at += 1;
        break;
      }
    }
  }
  return { done, failed, untried: entries.slice(at) };
}

/** A failure's sentence as a clause inside a list: "Not allowed: x." → "not allowed: x". */
function asClause(sentence) {
  return String(sentence).replace(/\.$/, "").replace(/^[A-Z](?![A-Z])/, (c) => c.toLowerCase());
}

/** Up to {@link MAX_NAMED_MEMBERS} of `items`, each drawn by `draw`, then how many more. */
function namedList(items, draw) {
  const named = items.slice(0, MAX_NAMED_MEMBERS).map(draw);
  const more = items.length - named.length;
  return `${named.join(", ")}${more ? ` and ${more} more` : ""}`;
}

/**
 * What a move or copy of several items did when not all of them went: how many went where,
 * then those that did not, each with why, then those not tried — named as a 207's members are
 * (api.js). `failed` is `[name, reason]` pairs, `untried` names.
 */
export function describeBulkTransfer({ copy, path, done, failed, untried }) {
  const parts = [];
  if (done) parts.push(`${copy ? "Copied" : "Moved"} ${plural(done, "item", "items")} to ${path}.`);
  if (failed.length) {
    const list = namedList(failed, ([name, why]) => `“${visibleName(name)}” (${asClause(why)})`);
    parts.push(`Not ${copy ? "copied" : "moved"}: ${list}.`);
  }
  if (untried.length) {
    parts.push(`Not tried: ${namedList(untried, (name) => `“${visibleName(name)}”`)}.`);
  }
  return parts.join(" ");
}
