/**
 * Previews without leaving the page, in one dialog: images, audio and video in the browser's own
 * players, PDF in a frame (the browser's viewer), text and code as text, and Markdown rendered
 * by marked and sanitised by DOMPurify (both vendored in www/vendor/, loaded on first use).
 * Previous and Next (and the arrow keys) walk the files of the folder as shown: a gallery.
 *
 * Text is fetched with a Range of {@link MAX_TEXT_PREVIEW_BYTES}, so a huge log never lands
 * in the tab whole.
 * @module
 */

import { uiHeaders } from "./api.js";
import { blobUrl, needsBlob } from "./download.js";
import { element } from "./entry_view.js";
import { formatBytes } from "./format.js";

/** The most of a text file the preview reads, in bytes. */
export const MAX_TEXT_PREVIEW_BYTES = 512 * 1024;

const $ = (id) => document.getElementById(id);
let markdownTools = null;

/** marked and DOMPurify, loaded once, when the first Markdown file is previewed. */
function loadMarkdown() {
  markdownTools ??= Promise.all([import("../vendor/marked.js"), import("../vendor/purify.js")])
    .then(([{ marked }, { default: purify }]) => ({ marked, purify }));
  return markdownTools;
}

/** Markdown `source` as sanitised HTML: no script, no event handler, no javascript: URL. */
export async function renderMarkdown(source) {
  const { marked, purify } = await loadMarkdown();
  return purify.sanitize(marked.parse(source, { async: false, gfm: true }), {
    FORBID_TAGS: ["style", "form", "input", "button", "iframe", "object", "embed"],
  });
}

/** The preview dialog; `getInfo()` returns the server's info (for credentials on reads). */
export function createPreview({ getInfo }) {
  const dialog = $("preview-dialog");
  const body = $("preview-body");
  let items = [];
  let index = 0;
  let ticket = 0;

  async function source(entry) {
    return needsBlob(getInfo()) ? await blobUrl(entry.url) : entry.url;
  }

  async function readText(entry) {
    const res = await fetch(entry.url, {
      headers: uiHeaders({ Range: `bytes=0-${MAX_TEXT_PREVIEW_BYTES - 1}` }),
      cache: "no-store",
    });
    if (!res.ok) throw new Error(`The server answered ${res.status}.`);
    // A 206 whose range held the whole file is not partial: "bytes 0-20/21".
    const total = Number(res.headers.get("Content-Range")?.split("/")[1]);
    const partial = res.status === 206 && total > MAX_TEXT_PREVIEW_BYTES;
    return { text: await res.text(), partial };
  }

  async function content(entry) {
    const name = entry.parts.at(-1);
    switch (entry.kind) {
      case "image": {
        const img = element("img", "preview-image");
        img.alt = entry.name;
        img.src = await source(entry);
        return img;
      }
      case "video":
      case "audio": {
        const media = element(entry.kind, `preview-${entry.kind}`);
        media.controls = true;
        media.preload = "metadata";
        media.src = await source(entry);
        media.setAttribute("aria-label", name);
        return media;
      }
      case "pdf": {
        const frame = element("iframe", "preview-frame");
        frame.title = name;
        frame.src = await source(entry);
        return frame;
      }
      case "markdown": {
        const { text, partial } = await readText(entry);
        const article = element("div", "preview-markdown");
        article.innerHTML = await renderMarkdown(text); // sanitised by DOMPurify
        return withNote(article, partial);
      }
      default: {
        const { text, partial } = await readText(entry);
        const pre = element("pre", "preview-text raw", text);
        pre.tabIndex = 0;
        pre.setAttribute("aria-label", `Contents of ${name}`);
        return withNote(pre, partial);
      }
    }
  }

  function withNote(node, partial) {
    if (!partial) return node;
    const box = element("div");
    const note = element(
      "p",
      "muted",
      `Showing the first ${formatBytes(MAX_TEXT_PREVIEW_BYTES)}; download for the rest.`,
    );
    box.append(note, node);
    return box;
  }

  async function show() {
    const entry = items[index];
    const mine = ++ticket;
    $("preview-title").textContent = entry.name;
    $("preview-download").href = entry.url;
    $("preview-download").download = entry.parts.at(-1);
    $("preview-download").setAttribute("aria-label", `Download ${entry.name}`);
    $("preview-open").href = entry.url;
    $("preview-position").textContent = items.length > 1 ? `${index + 1} of ${items.length}` : "";
    $("preview-prev").disabled = index === 0;
    $("preview-next").disabled = index === items.length - 1;
    body.replaceChildren(element("p", "muted", "Loading…"));
    try {
      const node = await content(entry);
      if (mine === ticket) body.replaceChildren(node);
    } catch (err) {
      if (mine === ticket) {
        body.replaceChildren(element("p", "error", `Could not show it: ${err.message}`));
      }
    }
  }

  function go(step) {
    const next = index + step;
    if (next < 0 || next >= items.length) return;
    index = next;
    show();
  }

  $("preview-prev").addEventListener("click", () => go(-1));
  $("preview-next").addEventListener("click", () => go(1));
  $("preview-close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("keydown", (event) => {
    // Arrows walk the gallery unless they are moving a media player's slider or a caret.
    if (event.target.closest("video, audio, input, textarea")) return;
    if (event.key === "ArrowLeft") go(-1);
    else if (event.key === "ArrowRight") go(1);
  });
  dialog.addEventListener("close", () => {
    ticket += 1;
    body.replaceChildren(); // stops a playing video
  });

  return {
    /** Opens the preview on `list[at]`; the gallery walks `list`. */
    open(list, at) {
      items = list;
      index = at;
      if (!dialog.open) dialog.showModal();
      show();
    },
  };
}
