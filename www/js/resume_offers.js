/**
 * What this browser left unfinished (a reload, a closed tab), listed in the upload panel to be
 * resumed by picking the same file again, each with a _Forget_ button. The list itself is kept
 * by resumable.js; this only shows it. This must not know the upload queue or how a file is sent.
 * @module
 */

import { formatBytes, plural } from "./format.js";
import { forget, unfinishedUploads } from "./resumable.js";

/**
 * The offers, drawn at the end of `panel`. `show()` lists what is unfinished now; `drop(key)`
 * takes one away (its upload has started again).
 */
export function createResumeOffers(panel) {
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
      text.textContent = `${u.path} — ${formatBytes(u.sent ?? 0)} of ${formatBytes(u.size)} sent`;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "quiet small";
      button.textContent = "Forget";
      button.setAttribute("aria-label", `Forget the unfinished upload of ${u.path}`);
      button.addEventListener("click", () => {
        forget(u.key);
        show();
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
