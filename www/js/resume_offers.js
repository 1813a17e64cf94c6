/**
 * What this browser left unfinished (a reload, a closed tab), listed in the upload panel to be
 * resumed by picking the same file again, each with a _Forget_ button, which also ends the
 * upload on the server (its partial bytes would otherwise wait there for the sweeper). The list
 * itself is kept by resumable.js; this only shows it. This must not know the upload queue or how
 * a file is sent.
 * @module
 */

import { formatBytes, plural, visibleName } from "./format.js";
import { forget, terminate, unfinishedUploads } from "./resumable.js";

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
      text.textContent = `${visibleName(u.path)} — ${formatBytes(u.sent ?? 0)} of ${
        formatBytes(u.size)
      } sent`;
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
