/**
 * The template language, parsed: a page's text with `${…}` placeholders becomes a tree of nodes
 * the renderer walks. Pure and total — any input parses: what cannot be understood becomes an
 * `error` node at its place (shown to the site's owner as an error box), never an exception.
 *
 * The language (docs/templates.md is the reference):
 * ```
 * ${request.path}  ${request.query.q}  ${env.SITE_NAME}  ${server.version}   values, escaped
 * ${post.slug | url}                        percent-encoded for a URL, then escaped
 * ${include /partials/head.html}            another template, rendered in place
 * ${markdown /about.md}                     a Markdown file as sanitised HTML
 * ${markdown /posts/{request.query.p}.md}   one name of the path filled from a value
 * ${for post in folder("/posts", sort="-date", limit=10, ext=".md")} … ${else} … ${end}
 * ${if request.query.p} … ${else} … ${end}
 * $${                                       a literal "${"
 * ```
 *
 * This module must not touch the disk or know HTTP.
 * @module
 */

import { MAX_NESTING, MAX_PLACEHOLDER_CHARS } from "./template_limits.ts";
import type { TemplateNode } from "./template_nodes.ts";
import { parseFolderArgs, parsePath, parseRef } from "./template_refs.ts";

export type {
  EntryField,
  FolderCall,
  PathTemplate,
  SortKey,
  TemplateNode,
  ValueRef,
} from "./template_nodes.ts";
export { ENTRY_FIELDS } from "./template_nodes.ts";

const FOR = /^for\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\s+folder\s*\(([\s\S]*)\)$/;
const BLOCK_WORD = /^(for|if)(\s|$)/;
const RESERVED = new Set(["env", "request", "server"]);
const OPEN = "${";
const ESCAPED_OPEN = "$${";

/** An open `for` or `if` while parsing; `node` is null for one too broken to run. */
interface Block {
  node: Extract<TemplateNode, { kind: "for" | "if" }> | null;
  /** What it opens as written, even when broken. */
  kind: "for" | "if";
  line: number;
  inElse: boolean;
  /** The list holding the node that opened it (its own, or its error when broken). */
  parent: TemplateNode[];
  opener: TemplateNode;
}

/**
 * Parses `source` into nodes; never throws. `scope` names the loop variables already in use
 * (an include inside `${for post in …}` may use `post.title`). A block opened past MAX_NESTING
 * stops the parse: one error before the outermost open block, and nothing after it is kept, so
 * the tree the renderer recurses into is never deeper than the limit.
 */
export function parseTemplate(source: string, scope: readonly string[] = []): TemplateNode[] {
  const root: TemplateNode[] = [];
  const stack: Block[] = [];
  const out = (): TemplateNode[] => {
    const top = stack[stack.length - 1];
    if (top === undefined) return root;
    // The body of a broken block is parsed (to find its ${end}) but never shown.
    if (top.node === null) return [];
    if (top.node.kind === "for") return top.inElse ? top.node.empty : top.node.body;
    return top.inElse ? top.node.otherwise : top.node.then;
  };
  // The names usable here: `scope`, then the variable of each open `for`, kept in step with
  // `stack` (rebuilding it per placeholder was quadratic in the nesting depth).
  const inScope: string[] = [...scope];
  const close = () => {
    const block = stack.pop();
    if (block?.node?.kind === "for") inScope.pop();
    return block;
  };
  let text = "";
  let line = 1;
  let lineCountedTo = 0;
  const lineAt = (at: number) => {
    for (let i = lineCountedTo; i < at; i++) if (source.charCodeAt(i) === 0x0a) line++;
    lineCountedTo = at;
    return line;
  };
  const flush = () => {
    if (text !== "") out().push({ kind: "text", text });
    text = "";
  };

  let i = 0;
  while (i < source.length) {
    const dollar = source.indexOf("$", i);
    if (dollar === -1) {
      text += source.slice(i);
      break;
    }
    text += source.slice(i, dollar);
    if (source.startsWith(ESCAPED_OPEN, dollar)) {
      text += OPEN;
      i = dollar + ESCAPED_OPEN.length;
      continue;
    }
    if (!source.startsWith(OPEN, dollar)) {
      text += "$";
      i = dollar + 1;
      continue;
    }
    const at = lineAt(dollar);
    const end = placeholderEnd(source, dollar + OPEN.length);
    flush();
    if (end === -1) {
      // Shown as written after the error, and the rest of the page still renders.
      out().push(error(at, "a placeholder without its closing } (write $${ for a literal ${)"));
      text += OPEN;
      i = dollar + OPEN.length;
      continue;
    }
    i = end + 1;
    const inner = source.slice(dollar + OPEN.length, end).trim();
    if (inner === "end") {
      if (close() === undefined) out().push(error(at, "${end} without ${for} or ${if}"));
      continue;
    }
    if (inner === "else") {
      const top = stack[stack.length - 1];
      if (top === undefined || top.inElse) out().push(error(at, "${else} without ${for} or ${if}"));
      else top.inElse = true;
      continue;
    }
    const node = parseStatement(inner, at, inScope);
    // A broken ${for …} or ${if …} still opens a block, so its ${end} closes it.
    const opens = node.kind === "error" ? BLOCK_WORD.exec(inner)?.[1] : node.kind;
    if ((opens === "for" || opens === "if") && stack.length >= MAX_NESTING) {
      // One box for the whole page, not one per level or per unclosed block: shown first, before
      // the outermost open block, whatever its conditions decide. The rest is not parsed, which
      // keeps both the parse and the render's recursion bounded.
      const message = `\${${opens}} nested more than ${MAX_NESTING} levels deep ` +
        `(\${for} and \${if} blocks open at once); the rest of the file is not shown`;
      root.splice(root.indexOf(stack[0].opener), 0, error(at, message));
      return root;
    }
    const parent = out();
    parent.push(node);
    if (opens === "for" || opens === "if") {
      const block = node.kind === "for" || node.kind === "if" ? node : null;
      stack.push({ node: block, kind: opens, line: at, inElse: false, parent, opener: node });
      if (block?.kind === "for") inScope.push(block.variable);
    }
  }
  flush();
  // The box goes where the block opens, before what it holds: a loop repeats the rest of the
  // page, and a render stopped by a bound would never reach a box at the end.
  for (const open of stack) {
    const message = `unclosed \${${open.kind}}: no \${end} closes it`;
    open.parent.splice(open.parent.indexOf(open.opener), 0, error(open.line, message));
  }
  return root;
}

/**
 * Where the placeholder starting at `from` (just after `${`) ends: its `}`, skipping `{…}`
 * pieces and quoted strings; -1 when it does not end within MAX_PLACEHOLDER_CHARS.
 */
function placeholderEnd(source: string, from: number): number {
  let depth = 0;
  let quoted = false;
  const last = Math.min(source.length, from + MAX_PLACEHOLDER_CHARS);
  for (let i = from; i < last; i++) {
    const c = source[i];
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === "{") depth++;
    else if (c === "}") {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** One placeholder's text (trimmed, not `end` or `else`) as a node. */
function parseStatement(inner: string, line: number, scope: readonly string[]): TemplateNode {
  const word = /^\S+/.exec(inner)?.[0] ?? "";
  const rest = inner.slice(word.length).trim();
  if (word === "include" || word === "markdown") {
    const path = parsePath(rest, scope);
    if (typeof path === "string") return error(line, `\${${word} ${rest}}: ${path}`);
    return { kind: word, path, line };
  }
  if (word === "for") {
    const m = FOR.exec(inner);
    if (m === null) return error(line, `\${${inner}}: write \${for x in folder("/path")}`);
    const variable = m[1];
    if (RESERVED.has(variable)) return error(line, `\${${inner}}: "${variable}" is reserved`);
    const folder = parseFolderArgs(m[2], scope);
    if (typeof folder === "string") return error(line, `\${${inner}}: ${folder}`);
    return { kind: "for", variable, folder, body: [], empty: [], line };
  }
  if (word === "if") {
    const ref = parseRef(rest, scope);
    if (typeof ref === "string") return error(line, `\${${inner}}: ${ref}`);
    return { kind: "if", ref, then: [], otherwise: [], line };
  }
  const pipe = inner.indexOf("|");
  const refText = (pipe === -1 ? inner : inner.slice(0, pipe)).trim();
  const filter = pipe === -1 ? null : inner.slice(pipe + 1).trim();
  if (filter !== null && filter !== "url") {
    return error(line, `\${${inner}}: unknown filter "${filter}" (only "url")`);
  }
  const ref = parseRef(refText, scope);
  if (typeof ref === "string") return error(line, `unknown placeholder \${${inner}}: ${ref}`);
  return { kind: "value", ref, url: filter === "url", line };
}

function error(line: number, message: string): TemplateNode {
  return { kind: "error", message, line };
}
