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
  const links = linearLinks(md);
  md.linkify.set({ fuzzyLink: false })
    // GFM links neither ftp: nor protocol-relative URLs (and the sanitiser keeps neither href).
    .add("ftp:", null)
    .add("//", null)
    .add("http:", { validate: links.validate("http") })
    .add("https:", "http:")
    .add("www.", {
      validate: links.validate("www"),
      normalize(match) {
        match.url = `http://${match.url}`;
      },
    });
}

/**
 * Most labels in a linked host name. DNS allows 127, but each `www.` is matched this far before
 * it can fail: 1 MiB of `www.a.` took 3.7 s at 127 and 0.5 s at 31 (measured).
 */
const MAX_HOST_LABELS = 32;
/** The longest bracketed or quoted part of a URL's path that is kept in the link. */
const MAX_PATH_GROUP = 100;

/**
 * Validators for `http(s)://` and `www.` that take time linear in the text, with the same
 * grammar as linkify-it's own (`mailto:` and e-mail addresses are linkify-it's: its name part is
 * capped at 64 characters and its host stops at the first separator, so they are linear already).
 *
 * linkify-it's validators run an anchored regex on `text.slice(pos)`, and three things in it made
 * rendering quadratic (measured, docs/limits.md): it validates a schema at every place it
 * appears, even inside a link it has already found, and a path runs to the next space, so
 * `www.a.b/` repeated rescanned to the end of the text at every `www.`; a host may have any
 * number of labels, so `www.a.` repeated did the same and then failed; and a `[`, `(`, `{` or
 * quote in a path looks ahead to the end of the text for its closer, so `http://a.b/[[[…` did
 * it at every bracket. Here a regex is matched at `pos` (sticky, on the text itself); a host has
 * at most MAX_HOST_LABELS labels; a bracketed or quoted part of a path at most MAX_PATH_GROUP
 * characters; and within one `match()` a `www.` inside the link just found is not a new link —
 * as in GFM, where a `www.` must follow a space or `*_~(`, and linkify-it would drop it anyway as
 * overlapping that link.
 */
function linearLinks(md: MarkdownIt): { validate(kind: "http" | "www"): Validator } {
  const linkify = md.linkify;
  const re = linkify.re as unknown as Record<string, string>;
  const host = `(?:(?:(?:${re.src_domain})\\.){0,${MAX_HOST_LABELS - 1}}(?:${re.src_domain}))`;
  const path = boundPathGroups(re.src_path);
  const patterns = {
    http: new RegExp(
      `\\/\\/${re.src_auth}${host}${re.src_port}${re.src_host_terminator}${path}`,
      "iy",
    ),
    www: new RegExp(`${host}${re.src_port}${re.src_host_terminator}${path}`, "iy"),
  };
  // The end of the last link found by the match() under way; -1 outside match().
  let linkEnd = -1;
  const match = linkify.match.bind(linkify);
  linkify.match = (text) => {
    linkEnd = 0;
    try {
      return match(text);
    } finally {
      linkEnd = -1;
    }
  };
  return {
    validate: (kind) => (text, pos) => {
      if (kind === "www" && pos < linkEnd) return 0;
      const pattern = patterns[kind];
      pattern.lastIndex = pos;
      const length = pattern.exec(text)?.[0].length ?? 0;
      if (length > 0 && linkEnd >= 0) linkEnd = pos + length;
      return length;
    },
  };
}

type Validator = (text: string, pos: number) => number;

/** linkify-it's path grammar with each bracketed or quoted group bounded in length. */
function boundPathGroups(path: string): string {
  let bounded = path;
  for (
    const [open, close] of [["\\[", "\\]"], ["\\(", "\\)"], ["\\{", "\\}"], ['\\"', '\\"'], [
      "\\'",
      "\\'",
    ]]
  ) {
    const group = new RegExp(
      `(${escapeRegExp(open)}\\(\\?:\\(\\?![^]*?\\)\\.\\))([*+])(${escapeRegExp(close)})`,
    );
    const before = bounded;
    bounded = bounded.replace(
      group,
      (_, head, quantifier, tail) =>
        `${head}{${quantifier === "*" ? 0 : 1},${MAX_PATH_GROUP}}${tail}`,
    );
    // A linkify-it whose grammar changed must fail loudly here, not render quadratically again.
    if (bounded === before) throw new Error(`Cannot bound the URL path group "${open}"`);
  }
  return bounded;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}
