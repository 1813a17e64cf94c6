/**
 * Bounds on what one Markdown document may expand to, added to the preview's markdown-it: a
 * document makes at most MAX_TABLE_CELLS table cells (a table past them, and every one after it,
 * stays text), and one whose HTML would pass MAX_HTML_PER_SOURCE_BYTE bytes for each of its own
 * (plus HTML_ALLOWANCE) is refused with MarkdownTooLarge, before anything is rendered. A
 * previewed file may be anyone's upload: 18 KB of wide tables with short rows froze a tab for
 * 15 s on 2.7 million elements, and a link reference with a long URL used again and again
 * renders to hundreds of MB (measured). The same rules as the server's
 * src/app/markdown_bounds.ts (see why there), kept in step by hand: the UI has no build step to
 * share one file.
 * @module
 */

/**
 * Most table cells one document makes. A document of plain 3-column tables of 1 MiB has about
 * 90,000 (1 s to render and sanitise, measured), so no ordinary file meets the bound.
 */
export const MAX_TABLE_CELLS = 100_000;

/**
 * Most HTML for each byte of the source. Ordinary Markdown stays under 20 (a cell `|a` of an
 * aligned column is `<td align="center">a</td>`, the most found); a link reference used again
 * and again is what passes it.
 */
export const MAX_HTML_PER_SOURCE_BYTE = 32;

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
export function boundExpansion(md) {
  boundTables(md);
  md.core.ruler.push("bounded_output", (state) => {
    const limit = state.src.length * MAX_HTML_PER_SOURCE_BYTE + HTML_ALLOWANCE;
    if (htmlEstimate(state.tokens, limit) > limit) throw new MarkdownTooLarge();
  });
}

/** Wraps markdown-it's table rule so that a document's tables make at most MAX_TABLE_CELLS. */
function boundTables(md) {
  const rules = md.block.ruler.__rules__;
  const table = rules?.find((rule) => rule.name === "table")?.fn;
  // A markdown-it whose rules changed must fail loudly here, not make unbounded tables again.
  if (table === undefined) throw new Error("Cannot bound markdown-it's table rule");
  // Cells still allowed, by the document's token list (one per parse; nested blocks share it).
  const left = new WeakMap();
  md.block.ruler.at("table", (state, startLine, endLine, silent) => {
    const budget = left.get(state.tokens) ?? MAX_TABLE_CELLS;
    if (budget <= 0 || !table(state, startLine, endLine, true)) return false;
    // At most the header's cells on each line up to a blank one.
    const columns = cellsOn(state, startLine);
    let rows = 0;
    for (let line = startLine; line < endLine && !state.isEmpty(line); line++) {
      if (++rows * columns > budget) {
        left.set(state.tokens, 0); // this table and every later one stay text
        return false;
      }
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
function cellsOn(state, line) {
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
 * About how much HTML `tokens` render to: each token's text and attribute values, and a tag's
 * worth. Stops counting once past `limit`.
 */
function htmlEstimate(tokens, limit) {
  let bytes = 0;
  for (let i = 0; i < tokens.length && bytes <= limit; i++) {
    const token = tokens[i];
    bytes += TOKEN_BYTES;
    // An inline token's content is its source; what it renders is its children.
    if (token.children !== null) bytes += htmlEstimate(token.children, limit - bytes);
    else bytes += token.content.length;
    const attrs = token.attrs;
    if (attrs !== null) { for (let a = 0; a < attrs.length; a++) bytes += attrs[a][1].length; }
  }
  return bytes;
}
