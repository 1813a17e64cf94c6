/**
 * Previews without leaving the page, in one dialog: images, audio and video in the browser's own
 * players, PDF in a frame (the browser's viewer), text and code as text, and Markdown rendered
 * by markdown-it and sanitised by DOMPurify (markdown.js), under its front matter as written.
 * Previous and Next (and the arrow keys) walk the files of the folder as shown: a gallery.
 *
 * Text is fetched with a Range of {@link MAX_TEXT_PREVIEW_BYTES}, so a huge log never lands
 * in the tab whole, and decoded as the browser would (text_decode.js: a UTF-16 file too).
 * @module
 */

import { describeFailure, uiHeaders } from "./api.js";
import { blobUrl, needsBlob } from "./download.js";
import { element } from "./entry_view.js";
import { formatBytes, visibleName } from "./format.js";
import { fitMarkdown, frontMatterBlock, renderMarkdown, splitFrontMatter } from "./markdown.js";
import { decodeText } from "./text_decode.js";

export { renderMarkdown };

/** The most of a text file the preview reads, in bytes. */
export const MAX_TEXT_PREVIEW_BYTES = 512 * 1024;

const $ = (id) => document.getElementById(id);

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
    let res;
    try {
      res = await fetch(entry.url, {
        headers: uiHeaders({ Range: `bytes=0-${MAX_TEXT_PREVIEW_BYTES - 1}` }),
        cache: "no-store",
      });
    } catch {
      // fetch's own TypeError reads "Failed to fetch": say what it means.
      throw new Error("the server could not be reached.");
    }
    if (!res.ok) throw new Error(describeFailure(res.status, ""));
    // A 206 whose range held the whole file is not partial: "bytes 0-20/21".
    const total = Number(res.headers.get("Content-Range")?.split("/")[1]);
    const partial = res.status === 206 && total > MAX_TEXT_PREVIEW_BYTES;
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { text: decodeText(bytes, res.headers.get("Content-Type")), partial };
  }

  async function content(entry) {
    const name = entry.parts.at(-1);
    switch (entry.kind) {
      case "image": {
        const img = sayWhenBroken(element("img", "preview-image"), entry);
        img.alt = visibleName(entry.name);
        img.src = await source(entry);
        return img;
      }
      case "video":
      case "audio": {
        const media = sayWhenBroken(element(entry.kind, `preview-${entry.kind}`), entry);
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
        const { frontMatter, body: markdown } = splitFrontMatter(text);
        const html = await renderMarkdown(markdown);
        if (html === null) {
          return withNote(
            textPreview(text, name),
            partial,
            "It would render too large: shown as text.",
          );
        }
        const article = element("div", "preview-markdown");
        article.innerHTML = html; // sanitised by DOMPurify
        fitMarkdown(article, entry.url);
        // Above the document as written, not rendered: its fences are no rules, its keys no heading.
        if (frontMatter !== null && frontMatter.trim() !== "") {
          article.prepend(frontMatterBlock(frontMatter));
        }
        // The preview scrolls: focusable, so the keyboard can scroll it (as the text's <pre>).
        article.tabIndex = 0;
        article.setAttribute("role", "region");
        article.setAttribute("aria-label", `Contents of ${visibleName(name)}`);
        return withNote(article, partial);
      }
      default: {
        const { text, partial } = await readText(entry);
        return withNote(textPreview(text, name), partial);
      }
    }
  }

  /**
   * `el` (an image or a player), replaced by a sentence if it cannot show the file of `entry`: a
   * broken-image icon or a player stuck at 0:00 would say nothing. The element's error does not
   * say why, so the server is asked: gone, refused, or there and the bytes are what fails.
   */
  function sayWhenBroken(el, entry) {
    el.addEventListener("error", async () => {
      let why;
      try {
        const res = await fetch(entry.url, { method: "HEAD", headers: uiHeaders() });
        why = res.ok
          ? `This browser cannot show ${visibleName(entry.parts.at(-1))}. Download it to open it.`
          : `Could not show it: ${describeFailure(res.status, "")}`;
      } catch {
        why = "Could not show it: the server could not be reached.";
      }
      el.replaceWith(element("p", "error", why));
    }, { once: true });
    return el;
  }

  /** The file's text as it is, scrollable by keyboard. */
  function textPreview(text, name) {
    const pre = element("pre", "preview-text raw", text);
    pre.tabIndex = 0;
    pre.setAttribute("aria-label", `Contents of ${visibleName(name)}`);
    return pre;
  }

  /** `node` under a note: that only the start of the file is shown, and `why` it looks as it does. */
  function withNote(node, partial, why = "") {
    const notes = [];
    if (partial) {
      notes.push(
        `Showing the first ${formatBytes(MAX_TEXT_PREVIEW_BYTES)}; download for the rest.`,
      );
    }
    if (why !== "") notes.push(why);
    if (notes.length === 0) return node;
    const box = element("div");
    box.append(...notes.map((text) => element("p", "muted", text)), node);
    return box;
  }

  async function show() {
    const entry = items[index];
    const mine = ++ticket;
    $("preview-title").textContent = visibleName(entry.name);
    $("preview-download").href = entry.url;
    $("preview-download").download = entry.parts.at(-1);
    $("preview-download").setAttribute("aria-label", `Download ${visibleName(entry.name)}`);
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
    // Arrows walk the gallery unless they are moving a media player's slider or a caret
    // (a Markdown code block scrolls sideways with them).
    if (event.target.closest("video, audio, input, textarea, .preview-markdown pre")) return;
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
