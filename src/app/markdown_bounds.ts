/**
 * Bounds on what one Markdown document may expand to, added to a markdown-it instance. Rendering
 * time and memory must grow with a file's length only (a file may be anyone's upload), and two
 * constructs let a few bytes stand for a great deal of HTML:
 *
 * - **Table rows get as many cells as the header has** (GFM §4.10: the missing ones are empty).
 *   A 256-column header over 256 rows of `|x` is 1.8 KB and 65,536 cells: 660 KB of HTML and
 *   0.5 s to render and sanitise. markdown-it caps the empty cells per table, not per document:
 *   20 such tables (36 KB) held a worker 7 s and 1.2 GB, and froze a browser tab for 37 s on
 *   5 million elements (measured). Here a document makes at most {@link MAX_TABLE_CELLS} cells
 *   in all; a table that would pass them, and every table after it, stays the text it is written
 *   as. The bound is checked before a table is parsed, from its header's `|`s and its lines.
 * - **A link reference repeats its URL at every use**: `[a]` is 3 bytes, its definition's URL may
 *   be 10,000. 130 KB rendered to 301 MB of HTML and took 8 s to sanitise (measured). Here the
 *   HTML the parsed document would render to is weighed before rendering, escapes included (a
 *   title of `"`s is six times as long written); a document past
 *   {@link MAX_HTML_PER_SOURCE_BYTE} bytes of HTML for each of its own (plus
 *   {@link HTML_ALLOWANCE}) is refused with {@link MarkdownTooLarge}.
 *
 * The same rules are in www/js/markdown_bounds.js for the preview, kept in step by hand (the UI
 * has no build step to share one file; a test renders both).
 *
 * This module must not know HTTP, the file system or how the HTML is sanitised.
 * @module
 */

// @ts-types="@types/markdown-it"
import type MarkdownIt from "markdown-it";

type BlockRule = Parameters<MarkdownIt["block"]["ruler"]["at"]>[1];
type BlockState = Parameters<BlockRule>[0];
type Token = BlockState["tokens"][number];

/**
 * Most table cells one document makes. A document of plain 3-column tables of 1 MiB has about
 * 90,000 (1 s to render and sanitise, measured), so no ordinary file meets the bound.
 */
export const MAX_TABLE_CELLS = 100_000;

/**
 * Most HTML for each byte of the source, as {@link htmlEstimate} weighs it. Ordinary Markdown
 * stays under it (an aligned 3-column table, `|x|y|z|`, weighs 16.6 a byte, the most found;
 * a README-like mix 3–5; the estimate counts more than the renderer writes for these); a link
 * reference used again and again is what passes it. At 32, 1 MiB of references to a 90-byte URL
 * (27 a byte) rendered to 28 MB in 6.4 s and 564 MB (a probe).
 */
export const MAX_HTML_PER_SOURCE_BYTE = 16;

/** HTML allowed on top of the per-byte bound, so that a short document is never refused. */
export const HTML_ALLOWANCE = 1024 * 1024;

/** Weighed per token on top of its text: the tag and its line break. */
const TOKEN_BYTES = 8;

/** A document that would render to more HTML than {@link MAX_HTML_PER_SOURCE_BYTE} allows. */
export class MarkdownTooLarge extends Error {
  constructor() {
    super("it would render too large");
    this.name = "MarkdownTooLarge";
  }
}

/** Adds the table-cell and HTML-size bounds to `md`. */
export function boundExpansion(md: MarkdownIt): void {
  boundTables(md);
  md.core.ruler.push("bounded_output", (state) => {
    const limit = state.src.length * MAX_HTML_PER_SOURCE_BYTE + HTML_ALLOWANCE;
    if (htmlEstimate(state.tokens, limit) > limit) throw new MarkdownTooLarge();
  });
}

/** Wraps markdown-it's table rule so that a document's tables make at most MAX_TABLE_CELLS. */
function boundTables(md: MarkdownIt): void {
  const rules =
    (md.block.ruler as unknown as { __rules__?: Array<{ name: string; fn: BlockRule }> })
      .__rules__;
  const table = rules?.find((rule) => rule.name === "table")?.fn;
  // A markdown-it whose rules changed must fail loudly here, not make unbounded tables again.
  if (table === undefined) throw new Error("Cannot bound markdown-it's table rule");
  // Cells still allowed, by the document's token list (one per parse; nested blocks share it).
  const left = new WeakMap<Token[], number>();
  md.block.ruler.at("table", (state, startLine, endLine, silent) => {
    const budget = left.get(state.tokens) ?? MAX_TABLE_CELLS;
    if (budget <= 0 || !table(state, startLine, endLine, true)) return false;
    // The header's cells on each of its rows, counted where markdown-it's own table rule stops
    // (a blank line, a line less indented, the start of another block): counting to the next
    // blank line made every table in a long list item or before a heading count the lines after
    // it, again and again (quadratic: 1 MB took 12 s), and refused ordinary tables.
    const columns = cellsOn(state, startLine);
    const terminators = state.md.block.ruler.getRules("blockquote");
    let rows = 1;
    for (let line = startLine + 2; line < endLine; line++) {
      if (state.sCount[line] < state.blkIndent || state.isEmpty(line)) break;
      if (state.sCount[line] - state.blkIndent >= 4) break;
      if (terminators.some((rule) => rule(state, line, endLine, true))) break;
      rows++;
    }
    if (rows * columns > budget) {
      left.set(state.tokens, 0); // this table and every later one stay text
      return false;
    }
    if (silent) return true;
    const first = state.tokens.length;
    table(state, startLine, endLine, false);
    let cells = 0;
    for (let i = first; i < state.tokens.length; i++) {
      const type = state.tokens[i].type;
      if (type === "td_open" || type === "th_open") cells++;
    }
    left.set(state.tokens, budget - cells);
    return true;
  }, { alt: ["paragraph", "reference"] });
}

const PIPE = 0x7c;
const BACKSLASH = 0x5c;

/**
 * The cells of table row `line` as markdown-it splits them: one more than its unescaped `|`s,
 * less a leading and a trailing one. An estimate to decide before parsing: the cells the table
 * then makes are counted exactly.
 */
function cellsOn(state: BlockState, line: number): number {
  const src = state.src;
  const start = state.bMarks[line] + state.tShift[line];
  let end = state.eMarks[line];
  while (end > start && (src.charCodeAt(end - 1) === 0x20 || src.charCodeAt(end - 1) === 0x09)) {
    end--;
  }
  let cells = 1;
  for (let i = start; i < end; i++) {
    const c = src.charCodeAt(i);
    if (c === BACKSLASH) i++; // an escaped character, `\|` among them
    else if (c === PIPE) cells++;
  }
  if (src.charCodeAt(start) === PIPE) cells--;
  if (
    end - 1 > start && src.charCodeAt(end - 1) === PIPE && src.charCodeAt(end - 2) !== BACKSLASH
  ) {
    cells--;
  }
  return Math.max(cells, 1);
}

/**
 * About how much HTML `tokens` render to: each token's text and attribute values as escaped
 * (`&` is `&amp;`, `"` `&quot;`), and a tag's worth. Stops counting once past `limit`.
 */
function htmlEstimate(tokens: readonly Token[], limit: number): number {
  const escaped = new Map<string, number>(); // a reference's URL is one string used again
  const weigh = (text: string) => {
    let n = escaped.get(text);
    if (n === undefined) {
      n = escapedLength(text);
      if (text.length > SHORT_TEXT) escaped.set(text, n);
    }
    return n;
  };
  const walk = (list: readonly Token[], bytes: number): number => {
    for (let i = 0; i < list.length && bytes <= limit; i++) {
      const token = list[i];
      bytes += TOKEN_BYTES;
      // An inline token's content is its source; what it renders is its children.
      if (token.children !== null) bytes = walk(token.children, bytes);
      else bytes += weigh(token.content);
      const attrs = token.attrs;
      if (attrs !== null) { for (let a = 0; a < attrs.length; a++) bytes += weigh(attrs[a][1]); }
    }
    return bytes;
  };
  return walk(tokens, 0);
}

/** Texts up to this long are weighed each time rather than remembered. */
const SHORT_TEXT = 64;

/** The length of `text` with `&`, `<`, `>` and `"` written as the renderer escapes them. */
function escapedLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x26) n += 4; // &amp;
    else if (c === 0x22) n += 5; // &quot;
    else if (c === 0x3c || c === 0x3e) n += 3; // &lt; &gt;
  }
  return n;
}
