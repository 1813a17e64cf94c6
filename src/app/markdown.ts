/**
 * Markdown to safe HTML, for the file previews and the templates: `markdown-it` (CommonMark with
 * GitHub's tables, strikethrough, autolinks and task lists — `markdown_gfm.ts`) and then
 * `sanitize-html` (the standard server-side allowlist sanitiser, no DOM needed). Markdown may
 * carry raw HTML, so the rendered HTML is never trusted: only an allowlist of tags and attributes
 * survives, links and images keep only http(s), mailto and relative URLs, and no script, style,
 * event handler, iframe or form gets through.
 *
 * Both libraries are loaded on first use, not at start: together they hold about 6 MiB in every
 * isolate that loads them (measured), and with `--workers` each worker is an isolate — a server
 * that never renders Markdown should not pay for it N times.
 *
 * markdown-it rather than `marked`: a Markdown file may be anyone's upload, and its rendering
 * time must grow with its length only. marked took quadratic time on runs of emphasis openers
 * (24 KB of `*a ` held a worker 4–8 s, 300 KB over seven minutes) and overflowed its stack at
 * 4,000 nested `>`; markdown-it and the sanitiser take about 0.5 s on 300 KB of `*a `, and
 * markdown-it nests blocks at most `maxNesting` (100) deep (measured, docs/limits.md). Raw HTML
 * can nest deeper, and the sanitiser's parser slows with depth: see `html_nesting.ts`. What a
 * document may expand to (table cells, repeated link references) is bounded in
 * `markdown_bounds.ts`.
 *
 * This module must not know HTTP or the file system.
 * @module
 */

// @ts-types="npm:@types/sanitize-html@^2.16.0"
import type sanitizeHtml from "sanitize-html";
import { boundExpansion } from "./markdown_bounds.ts";
import { useGfm } from "./markdown_gfm.ts";

/** Tags kept besides sanitize-html's defaults (headings, lists, tables, code, quotes…). */
const EXTRA_TAGS = ["img", "h1", "h2", "del", "input", "details", "summary"];

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [], // filled with sanitize-html's defaults plus EXTRA_TAGS when it is loaded
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

/**
 * Most elements the sanitiser's parser holds open (`capOpenElements`): each tag costs it time
 * in proportion. Markdown's own nesting stops at 100; past this many, raw HTML shows as text.
 */
const MAX_OPEN_ELEMENTS = 1_000;

type Renderer = (source: string) => string;
let renderer: Promise<Renderer> | null = null;

async function loadRenderer(): Promise<Renderer> {
  const [{ default: MarkdownIt }, { default: sanitize }, { capOpenElements }] = await Promise.all([
    // @ts-types="@types/markdown-it"
    import("markdown-it"),
    import("sanitize-html"),
    import("./html_nesting.ts"),
  ]);
  SANITIZE_OPTIONS.allowedTags = [...sanitize.defaults.allowedTags, ...EXTRA_TAGS];
  // html: raw HTML passes through to the sanitiser, as GitHub (and marked) let it.
  const md = new MarkdownIt({ html: true, linkify: true });
  useGfm(md);
  boundExpansion(md);
  return (source) =>
    sanitize(capOpenElements(md.render(source), MAX_OPEN_ELEMENTS), SANITIZE_OPTIONS);
}

/**
 * The HTML for Markdown `source`, sanitised: safe to insert into a page as is. Throws
 * `MarkdownTooLarge` (markdown_bounds.ts) for a document that would expand past its bound.
 */
export async function renderMarkdown(source: string): Promise<string> {
  renderer ??= loadRenderer();
  return (await renderer)(source);
}
