/**
 * The parts of GitHub-flavoured Markdown that markdown-it does not do itself, added to a
 * markdown-it instance: task list items (`- [x] done` → a disabled, checked checkbox); a table
 * column's alignment as `align`, which the sanitiser keeps (markdown-it writes a `style`);
 * `~~x~~` as `<del>` (markdown-it writes `<s>`; GFM and the UI's marked write `<del>`); and
 * autolinks as GFM has them — `http(s)://…`, `www.…` and e-mail addresses, but not a bare
 * `notes.md` or `example.com` (markdown-it's fuzzy linkify links any name ending in a country
 * code, and `.md`, `.py`, `.sh` are country codes).
 *
 * Task lists are a core rule of our own rather than `markdown-it-task-lists` (last released in
 * 2018): that plugin keeps its options in module-wide variables, and it finds the marker in the
 * item's source but cuts it from the first child without checking that child is text, so with
 * `[x]` defined as a reference link the item shows a checkbox and the link.
 *
 * This module must not know HTTP, the file system or how the HTML is sanitised.
 * @module
 */

// @ts-types="@types/markdown-it"
import type MarkdownIt from "markdown-it";

/** `[ ]`, `[x]` or `[X]` at the start of a list item's text, whitespace after it (GFM §5.3). */
const TASK_MARKER = /^\[([ xX])\](?=[ \t])/;

/** The alignment of a table cell as markdown-it writes it. */
const TEXT_ALIGN = /^text-align:(left|center|right)$/;

/** Adds task lists, `<del>` and GFM's autolinks to `md` (made with `linkify: true`). */
export function useGfm(md: MarkdownIt): void {
  md.core.ruler.after("inline", "gfm_task_lists", (state) => {
    const tokens = state.tokens;
    for (let i = 2; i < tokens.length; i++) {
      const inline = tokens[i];
      if (
        inline.type !== "inline" || tokens[i - 1].type !== "paragraph_open" ||
        tokens[i - 2].type !== "list_item_open"
      ) continue;
      const first = inline.children?.[0];
      const marker = first?.type === "text" ? TASK_MARKER.exec(first.content) : null;
      if (first === undefined || marker === null) continue;
      first.content = first.content.slice(marker[0].length);
      const box = new state.Token("html_inline", "", 0);
      box.content = marker[1] === " "
        ? '<input disabled="" type="checkbox">'
        : '<input checked="" disabled="" type="checkbox">';
      inline.children!.unshift(box);
    }
  });
  // markdown-it aligns a column with `style="text-align:…"`, which the sanitiser drops (it
  // keeps no style); GFM's `align` attribute says the same and is kept.
  md.core.ruler.push("gfm_table_align", (state) => {
    for (const token of state.tokens) {
      if (token.type !== "th_open" && token.type !== "td_open") continue;
      const align = TEXT_ALIGN.exec(token.attrGet("style") ?? "");
      if (align === null) continue;
      token.attrs = (token.attrs ?? []).filter(([name]) => name !== "style");
      token.attrSet("align", align[1]);
    }
  });
  md.renderer.rules.s_open = () => "<del>";
  md.renderer.rules.s_close = () => "</del>";
  md.linkify.set({ fuzzyLink: false })
    // GFM links neither ftp: nor protocol-relative URLs (and the sanitiser keeps neither href).
    .add("ftp:", null)
    .add("//", null)
    .add("www.", {
      validate(text, pos, self) {
        const re = self.re as Record<string, RegExp | string>;
        re.gfmWww ??= new RegExp(`^${re.src_host_port_strict}${re.src_path}`, "i");
        return (re.gfmWww as RegExp).exec(text.slice(pos))?.[0].length ?? 0;
      },
      normalize(match) {
        match.url = `http://${match.url}`;
      },
    });
}
