/**
 * Markdown to safe HTML, for the file previews and the templates: `marked` (GitHub-flavoured
 * Markdown, the most used and among the fastest renderers on npm) and then `sanitize-html` (the
 * standard server-side allowlist sanitiser, no DOM needed). Markdown may carry raw HTML, so the
 * rendered HTML is never trusted: only an allowlist of tags and attributes survives, links and
 * images keep only http(s), mailto and relative URLs, and no script, style, event handler,
 * iframe or form gets through.
 *
 * This module must not know HTTP or the file system.
 * @module
 */

import { marked } from "marked";
// @ts-types="npm:@types/sanitize-html@^2.16.0"
import sanitizeHtml from "sanitize-html";

/** Tags kept besides sanitize-html's defaults (headings, lists, tables, code, quotes…). */
const EXTRA_TAGS = ["img", "h1", "h2", "del", "input", "details", "summary"];

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, ...EXTRA_TAGS],
  allowedAttributes: {
    a: ["href", "title"],
    img: ["src", "alt", "title", "width", "height"],
    code: ["class"],
    th: ["align"],
    td: ["align"],
    ol: ["start"],
    // GFM task lists render as disabled checkboxes; nothing else of <input> is kept.
    input: ["type", "checked", "disabled"],
  },
  allowedClasses: { code: ["language-*"] },
  // refuse: javascript:, data: and vbscript: URLs run code or smuggle content in a preview
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https"] },
  allowProtocolRelative: false,
  // An <input> other than a disabled checkbox has no business in a rendered document.
  exclusiveFilter: (frame) =>
    frame.tag === "input" && (frame.attribs.type !== "checkbox" || !("disabled" in frame.attribs)),
};

/** The HTML for Markdown `source`, sanitised: safe to insert into a page as is. */
export function renderMarkdown(source: string): string {
  const html = marked.parse(source, { async: false, gfm: true });
  return sanitizeHtml(html, SANITIZE_OPTIONS);
}
