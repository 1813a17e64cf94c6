/**
 * What this browser left unfinished (a reload, a closed tab), listed in the upload panel to be
 * resumed by picking the same file again, each with a _Forget_ button, which also ends the
 * upload on the server (its partial bytes would otherwise wait there for the sweeper). The list
 * itself is kept by resumable.js; this only shows it, with what the server holds of each upload
 * (tus `HEAD`): the saved figure only moves when a whole slice is stored, and a pause or a drop
 * mid-slice leaves the server with more. This must not know the upload queue or how
 * a file is sent.
 * @module
 */

import { uiHeaders } from "./api.js";
import { formatBytes, plural, visibleName } from "./format.js";
import { forget, terminate, TUS_VERSION, unfinishedUploads } from "./resumable.js";

/** The words of an offer: `sent` bytes of upload `u` are on the server. */
function offerText(u, sent) {
  return `${visibleName(u.path)} — ${formatBytes(sent)} of ${formatBytes(u.size)} sent`;
}

/**
 * The bytes the server holds of the upload at `url` (tus `Upload-Offset`), or null when it
 * cannot say (no answer, the upload gone, an error): the saved figure is shown then.
 */
async function heldOnServer(url) {
  try {
    const res = await fetch(url, {
      method: "HEAD",
      headers: uiHeaders({ "Tus-Resumable": TUS_VERSION }),
      cache: "no-store",
    });
    const offset = res.headers.get("Upload-Offset") ?? "";
    return res.ok && /^[0-9]+$/.test(offset) ? Number(offset) : null;
  } catch {
    return null;
  }
}

/**
 * The offers, drawn at the end of `panel`. `show()` lists what is unfinished now; `drop(key)`
 * takes one away (its upload has started again). After a _Forget_, focus moves to the next
 * offer's button (or the one before), and to `restFocus` when none is left, never to the page's
 * body.
 */
export function createResumeOffers(panel, restFocus) {
  const offers = document.createElement("div");
  offers.id = "resume-offers";
  offers.className = "resume-offers";
  offers.setAttribute("role", "status");
  panel.append(offers);

  function show() {
    offers.replaceChildren();
    const list = unfinishedUploads();
    if (list.length === 0) return;
    const title = document.createElement("p");
    title.textContent = `Unfinished ${
      plural(list.length, "upload", "uploads")
    }: pick the same file again to resume.`;
    const ul = document.createElement("ul");
    for (const u of list) {
      const li = document.createElement("li");
      li.dataset.key = u.key;
      const text = document.createElement("span");
      text.textContent = offerText(u, u.sent ?? 0);
      if (u.url) {
        heldOnServer(u.url).then((held) => {
          if (held !== null && text.isConnected) text.textContent = offerText(u, held);
        });
      }
      const button = document.createElement("button");
      button.type = "button";
      button.className = "quiet small";
      button.textContent = "Forget";
      button.setAttribute("aria-label", `Forget the unfinished upload of ${visibleName(u.path)}`);
      button.addEventListener("click", () => {
        const place = list.indexOf(u);
        forget(u.key);
        if (u.url) terminate(u.url);
        show();
        const left = offers.querySelectorAll("li button");
        (left[Math.min(place, left.length - 1)] ?? restFocus)?.focus();
      });
      li.append(text, " ", button);
      ul.append(li);
    }
    offers.append(title, ul);
  }

  function drop(key) {
    offers.querySelector(`li[data-key="${CSS.escape(key)}"]`)?.remove();
    if (offers.querySelector("li") === null) offers.replaceChildren();
  }

  return { show, drop };
}
