/**
 * The parts of GitHub-flavoured Markdown that markdown-it does not do itself, added to the
 * preview's markdown-it: task list items, a table column's alignment as `align` (DOMPurify is
 * told to drop `style`), `~~x~~` as `<del>`, and autolinks as GFM has them (`http(s)://…`,
 * `www.…`, e-mail addresses; not a bare `notes.md`, whose `.md` is a country code). The same
 * rules as the server's src/app/markdown_gfm.ts (see why there), kept in step by hand: the UI has
 * no build step to share one file.
 * @module
 */

/** `[ ]`, `[x]` or `[X]` at the start of a list item's text, whitespace after it (GFM §5.3). */
const TASK_MARKER = /^\[([ xX])\](?=[ \t])/;

/** The alignment of a table cell as markdown-it writes it. */
const TEXT_ALIGN = /^text-align:(left|center|right)$/;

/** Adds task lists, `align`, `<del>` and GFM's autolinks to `md` (made with `linkify: true`). */
export function useGfm(md) {
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
      if (!marker) continue;
      first.content = first.content.slice(marker[0].length);
      const box = new state.Token("html_inline", "", 0);
      box.content = marker[1] === " "
        ? '<input disabled="" type="checkbox">'
        : '<input checked="" disabled="" type="checkbox">';
      inline.children.unshift(box);
    }
  });
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
    .add("ftp:", null)
    .add("//", null)
    .add("www.", {
      validate(text, pos, self) {
        self.re.gfmWww ??= new RegExp(`^${self.re.src_host_port_strict}${self.re.src_path}`, "i");
        return self.re.gfmWww.exec(text.slice(pos))?.[0].length ?? 0;
      },
      normalize(match) {
        match.url = `http://${match.url}`;
      },
    });
}
