/**
 * A bound on how deeply HTML nests, applied before it is sanitised. `htmlparser2` (the parser
 * under `sanitize-html`) keeps its open elements in an array it adds to at the front
 * (`unshift`), so each tag costs time in proportion to how many elements are open: Markdown of
 * unclosed tags (`<b><i>` repeated, raw HTML passes through markdown-it) took 0.7 / 9.9 / 21.5 s
 * at 200 / 400 / 600 KB (measured). sanitize-html's `nestingLimit` does not help: it drops the
 * tags past the limit from its output, but the parser under it still holds them open.
 *
 * So the HTML is read first with htmlparser2's own tokenizer (linear, and the same reading of
 * tags as the parser's), counting open elements the way the parser does, at most — void elements
 * never open, a close tag closes the innermost element of its name and all inside it — but not
 * the closes the parser implies (a `<p>` in a `<p>`), so the count is never below the parser's.
 * From the first tag that would open more than `maxOpen` elements, every `<` but a close tag's
 * is written `&lt;`: the rest is text to the sanitiser, which shows it as such, and only closes
 * what is open (a close tag never opens anything). Markdown nests its own
 * blocks at most 100 deep (markdown-it's `maxNesting`), so only raw HTML can get there.
 *
 * This module must not know HTTP, Markdown or the sanitiser's rules.
 * @module
 */

import { Tokenizer } from "htmlparser2";

/** Elements that never hold anything, so never stay open (htmlparser2's list). */
const VOID_ELEMENTS: ReadonlySet<string> = new Set([
  "area",
  "base",
  "basefont",
  "br",
  "col",
  "command",
  "embed",
  "frame",
  "hr",
  "img",
  "input",
  "isindex",
  "keygen",
  "link",
  "meta",
  "param",
  "source",
  "track",
  "wbr",
]); // deno-fmt-ignore

/**
 * `html` as is, or with every tag but close tags, from the one that would open more than
 * `maxOpen` elements, as text.
 */
export function capOpenElements(html: string, maxOpen: number): string {
  const open: string[] = [];
  // How many of each name are open: a close tag of a name not open is skipped in O(1).
  const openByName = new Map<string, number>();
  let name = "";
  let cutAt = -1;
  const noop = () => {};
  const tokenizer = new Tokenizer({ decodeEntities: true }, {
    onopentagname(start, end) {
      if (cutAt >= 0) return;
      name = html.slice(start, end).toLowerCase();
      if (!VOID_ELEMENTS.has(name) && open.length >= maxOpen) cutAt = start - 1; // at its "<"
    },
    onopentagend() {
      if (cutAt >= 0 || VOID_ELEMENTS.has(name)) return;
      open.push(name);
      openByName.set(name, (openByName.get(name) ?? 0) + 1);
    },
    onselfclosingtag() {
      this.onopentagend(0); // in HTML a `/>` closes nothing: the parser holds the element open
    },
    onclosetag(start, end) {
      if (cutAt >= 0) return;
      const closing = html.slice(start, end).toLowerCase();
      if ((openByName.get(closing) ?? 0) === 0) return;
      for (;;) {
        const top = open.pop()!;
        openByName.set(top, openByName.get(top)! - 1);
        if (top === closing) break;
      }
    },
    onattribdata: noop,
    onattribentity: noop,
    onattribend: noop,
    onattribname: noop,
    oncdata: noop,
    oncomment: noop,
    ondeclaration: noop,
    onend: noop,
    onprocessinginstruction: noop,
    ontext: noop,
    ontextentity: noop,
  });
  tokenizer.write(html);
  tokenizer.end();
  return cutAt < 0 ? html : html.slice(0, cutAt) + html.slice(cutAt).replace(/<(?!\/)/g, "&lt;");
}
