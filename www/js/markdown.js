/**
 * Markdown in the preview: rendered by markdown-it (with GFM's extras, markdown_gfm.js), sanitised
 * by DOMPurify (both vendored in www/vendor/, loaded on first use), then fitted to where it is
 * shown — inside a dialog of the page at `/`, not at the file's own URL.
 *
 * markdown-it rather than marked, as on the server: a previewed file may be anyone's upload, and
 * marked took time growing with the square of a run of `*a ` (24 KB: 4 s, the 512 KiB the preview
 * reads: minutes of a frozen tab) and overflowed its stack at 4,000 nested `>`.
 *
 * - Relative links and images are resolved against the file's URL: `![](pic.png)` in
 *   `/files/docs/readme.md` is `/files/docs/pic.png`, not `/pic.png` (a 404).
 * - Links open in a new tab: following one in place would leave the file manager behind.
 * - `#section` links scroll the preview and never touch the page's hash, which holds the folder
 *   and view (view_state.js): the deep link survives a table of contents.
 * - Ids and names from the file carry DOMPurify's `user-content-` prefix, so a heading with
 *   `id="preview-next"` cannot stand in for the page's own element (DOM clobbering); headings get
 *   GitHub-style ids (`## Two words` → `two-words`) for those `#section` links to find.
 * - Images without alt text get an empty one (decorative: the file gave no words for them) and
 *   code blocks, which scroll sideways, are focusable, so the keyboard can scroll them.
 * - Front matter (a block fenced by `---` lines at the very top, as Jekyll and Hugo posts have) is
 *   not Markdown: rendered, its fences would be rules and its last line a heading
 *   ("title: … date: …" as an `<h2>`). It is split off by the server's rules
 *   (src/templates/front_matter.ts) and shown as it is written, a preformatted block captioned
 *   "Front matter" above the document, built as text: nothing in it is parsed as HTML.
 * @module
 */

import { boundExpansion, MarkdownTooLarge } from "./markdown_bounds.js";
import { useGfm } from "./markdown_gfm.js";

/** The prefix DOMPurify's SANITIZE_NAMED_PROPS puts on every id and name from the file. */
export const USER_ID_PREFIX = "user-content-";

/** Tags dropped on top of DOMPurify's defaults: nothing in a preview may style, post or embed. */
const FORBID_TAGS = ["style", "form", "input", "button", "iframe", "object", "embed"];

/** Attributes that hold a URL the browser loads or follows, by element. */
const URL_ATTRIBUTES = [
  ["a[href]", "href"],
  ["img[src]", "src"],
  ["video[src]", "src"],
  ["video[poster]", "poster"],
  ["audio[src]", "src"],
  ["source[src]", "src"],
];

/** Front matter's opening fence, its first line (src/templates/front_matter.ts: `FENCE`). */
const FRONT_MATTER_FENCE = /^---[ \t]*$/;
/** Its closing fence: `---`, or YAML's end of document `...`. */
const FRONT_MATTER_CLOSING_FENCE = /^(---|\.\.\.)[ \t]*$/;
const BOM = "\ufeff";

let tools = null;

/** markdown-it and DOMPurify, loaded once, when the first Markdown file is previewed. */
function loadTools() {
  // markdown-it's browser build is a UMD script: imported as a module it sets `markdownit` on
  // the global object rather than exporting it.
  tools ??= Promise.all([import("../vendor/markdown-it.js"), import("../vendor/purify.js")])
    .then(([, { default: purify }]) => {
      // html: raw HTML reaches DOMPurify, as GitHub lets it through its own sanitiser.
      const md = globalThis.markdownit({ html: true, linkify: true });
      useGfm(md);
      boundExpansion(md);
      return { md, purify };
    });
  return tools;
}

/**
 * Markdown `source` as sanitised HTML: no script, no event handler, no javascript: URL. Null for
 * a document that would expand past its bound (markdown_bounds.js): it is shown as text instead.
 */
export async function renderMarkdown(source) {
  const { md, purify } = await loadTools();
  let html;
  try {
    html = md.render(source);
  } catch (err) {
    if (err instanceof MarkdownTooLarge) return null;
    throw err;
  }
  return purify.sanitize(html, {
    FORBID_TAGS,
    // Inline styles are refused by the page's CSP anyway (style-src 'self'): dropping them here
    // keeps the console free of a refusal per styled element. Inline event handlers in the file
    // (`onerror=…`) still log one CSP refusal each: Chromium reports a handler attribute as it is
    // parsed, in an inert document too (DOMParser, createHTMLDocument and <template> alike,
    // measured with Chromium 156), before DOMPurify can drop it. Nothing runs.
    // Classes too: the file's would take the page's own styles (`drop-overlay`, a fixed layer
    // over the whole window, could draw a fake sign-in over the UI), and nothing in a preview
    // needs one (no highlighting: markdown-it's `language-*` went unused).
    FORBID_ATTR: ["style", "class"],
    SANITIZE_NAMED_PROPS: true,
  });
}

/**
 * `text` split into its front matter — the lines between a first line `---` and the next `---` or
 * `...` line, as written — and the Markdown after it; `frontMatter` is null, and `body` the whole
 * text, when the first line is no fence or no closing fence follows (as the server decides:
 * src/templates/front_matter.ts).
 */
export function splitFrontMatter(text) {
  const source = text.startsWith(BOM) ? text.slice(BOM.length) : text;
  const firstEnd = source.indexOf("\n");
  if (firstEnd === -1 || !FRONT_MATTER_FENCE.test(source.slice(0, firstEnd).replace(/\r$/, ""))) {
    return { frontMatter: null, body: source };
  }
  const lines = [];
  let at = firstEnd + 1;
  while (at < source.length) {
    const end = source.indexOf("\n", at);
    const line = source.slice(at, end === -1 ? source.length : end).replace(/\r$/, "");
    const next = end === -1 ? source.length : end + 1;
    if (FRONT_MATTER_CLOSING_FENCE.test(line)) {
      return { frontMatter: lines.join("\n"), body: source.slice(next) };
    }
    lines.push(line);
    at = next;
  }
  return { frontMatter: null, body: source };
}

/**
 * The front matter `text` as the preview shows it: a figure captioned "Front matter" holding it
 * preformatted (YAML, TOML or whatever the file wrote), focusable so the keyboard can scroll it.
 * Made with `textContent`, never `innerHTML`: the file's text stays text.
 */
export function frontMatterBlock(text) {
  const figure = document.createElement("figure");
  figure.className = "preview-front-matter";
  const caption = document.createElement("figcaption");
  caption.textContent = "Front matter";
  const pre = document.createElement("pre");
  pre.tabIndex = 0;
  const code = document.createElement("code");
  code.textContent = text;
  pre.append(code);
  figure.append(caption, pre);
  return figure;
}

/**
 * The id GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens
 * (`"Hello, World!"` → `"hello-world"`).
 */
export function headingSlug(text) {
  return text.trim().toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "").replace(
    / /g,
    "-",
  );
}

/**
 * Fits the rendered Markdown in `root` to the preview of the file at `fileUrl` (a path such as
 * `/files/docs/readme.md`): see the module comment.
 */
export function fitMarkdown(root, fileUrl) {
  const base = new URL(fileUrl, location.origin);
  for (const [selector, attribute] of URL_ATTRIBUTES) {
    for (const el of root.querySelectorAll(selector)) {
      const value = el.getAttribute(attribute);
      // Absolute URLs stay as written; "#section" is handled on click, below.
      if (URL.canParse(value) || (attribute === "href" && value.startsWith("#"))) continue;
      try {
        el.setAttribute(attribute, new URL(value, base).href);
      } catch {
        el.removeAttribute(attribute); // not a URL at all: nothing to follow
      }
    }
  }
  // srcset would need the same resolving per candidate; Markdown does not write it.
  for (const el of root.querySelectorAll("[srcset]")) el.removeAttribute("srcset");
  for (const a of root.querySelectorAll("a[href]")) {
    if (a.getAttribute("href").startsWith("#")) continue;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
  }
  const used = new Set([...root.querySelectorAll("[id]")].map((el) => el.id));
  for (const h of root.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    if (h.id) continue;
    const slug = USER_ID_PREFIX + headingSlug(h.textContent);
    let id = slug;
    for (let n = 1; used.has(id); n += 1) id = `${slug}-${n}`;
    used.add(id);
    h.id = id;
  }
  for (const img of root.querySelectorAll("img:not([alt])")) img.alt = "";
  for (const pre of root.querySelectorAll("pre")) pre.tabIndex = 0;
  root.addEventListener("click", (event) => {
    const link = event.target.closest?.("a[href^='#']");
    if (!link || !root.contains(link)) return;
    event.preventDefault();
    const target = anchorTarget(root, link.getAttribute("href").slice(1));
    if (!target) return;
    target.scrollIntoView();
    if (target.tabIndex < 0) target.tabIndex = -1; // focusable by script, not a Tab stop
    target.focus({ preventScroll: true });
  });
}

/** The element a `#fragment` of the file names (its id or name, with the prefix), or null. */
function anchorTarget(root, fragment) {
  let name;
  try {
    name = decodeURIComponent(fragment);
  } catch {
    name = fragment;
  }
  const wanted = [USER_ID_PREFIX + name, USER_ID_PREFIX + name.toLowerCase()];
  for (const id of wanted) {
    for (const el of root.querySelectorAll("[id], a[name]")) {
      if (el.id === id || el.getAttribute("name") === id) return el;
    }
  }
  return null;
}
