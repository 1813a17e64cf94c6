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

import { TEMPLATE_VAR_NAME } from "../app/app_hooks.ts";
import { MAX_FOLDER_ENTRIES, MAX_PLACEHOLDER_CHARS } from "./template_limits.ts";

/** The fields of a folder entry a loop variable offers. */
export const ENTRY_FIELDS = ["name", "slug", "url", "title", "date", "description"] as const;
/** One field of a folder entry. */
export type EntryField = typeof ENTRY_FIELDS[number];

/** Where a value comes from. */
export type ValueRef =
  | { kind: "env"; name: string }
  | { kind: "path" }
  | { kind: "query"; name: string }
  | { kind: "version" }
  | { kind: "field"; variable: string; field: EntryField };

/** A web-root path as written, with `{value}` pieces that each fill part of one name. */
export interface PathTemplate {
  /** Literal text and values, in order; the literal text starts with "/". */
  pieces: Array<string | ValueRef>;
  /** The path as written, for error messages. */
  text: string;
}

/** Keys `folder(..., sort=…)` accepts. */
export type SortKey = "name" | "date" | "title";

/** A `folder(...)` call. */
export interface FolderCall {
  path: PathTemplate;
  sort: SortKey;
  descending: boolean;
  /** Most entries yielded. */
  limit: number;
  /** Only names ending with this (compared without case), or null for every file. */
  ext: string | null;
}

/** One node of a parsed template. `line` is where its placeholder starts (from 1). */
export type TemplateNode =
  | { kind: "text"; text: string }
  | { kind: "value"; ref: ValueRef; url: boolean; line: number }
  | { kind: "include"; path: PathTemplate; line: number }
  | { kind: "markdown"; path: PathTemplate; line: number }
  | {
    kind: "for";
    variable: string;
    folder: FolderCall;
    body: TemplateNode[];
    empty: TemplateNode[];
    line: number;
  }
  | { kind: "if"; ref: ValueRef; then: TemplateNode[]; otherwise: TemplateNode[]; line: number }
  | { kind: "error"; message: string; line: number };

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const QUERY_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const FOR = /^for\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\s+folder\s*\(([\s\S]*)\)$/;
const RESERVED = new Set(["env", "request", "server"]);
const DEFAULT_SORT: SortKey = "name";
const SORT_KEYS: readonly SortKey[] = ["name", "date", "title"];
const OPEN = "${";
const ESCAPED_OPEN = "$${";

/** An open `for` or `if` while parsing; `node` is null for one too broken to run. */
interface Block {
  node: Extract<TemplateNode, { kind: "for" | "if" }> | null;
  line: number;
  inElse: boolean;
}

/**
 * Parses `source` into nodes; never throws. `scope` names the loop variables already in use
 * (an include inside `${for post in …}` may use `post.title`).
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
  const inScope = () => [
    ...scope,
    ...stack.flatMap((b) => b.node?.kind === "for" ? [b.node.variable] : []),
  ];
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
      if (stack.pop() === undefined) out().push(error(at, "${end} without ${for} or ${if}"));
      continue;
    }
    if (inner === "else") {
      const top = stack[stack.length - 1];
      if (top === undefined || top.inElse) out().push(error(at, "${else} without ${for} or ${if}"));
      else top.inElse = true;
      continue;
    }
    const node = parseStatement(inner, at, inScope());
    out().push(node);
    if (node.kind === "for" || node.kind === "if") stack.push({ node, line: at, inElse: false });
    // A broken ${for …} or ${if …} still opens a block, so its ${end} closes it.
    else if (node.kind === "error" && /^(for|if)(\s|$)/.test(inner)) {
      stack.push({ node: null, line: at, inElse: false });
    }
  }
  flush();
  for (const open of stack.reverse()) {
    const kind = open.node?.kind ?? "block";
    root.push(error(open.line, `\${${kind} …} has no \${end}`));
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
function parseStatement(inner: string, line: number, scope: string[]): TemplateNode {
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

/** A value reference, or why it is not one. */
function parseRef(text: string, scope: readonly string[]): ValueRef | string {
  const parts = text.split(".");
  const [head, second] = parts;
  if (head === "env") {
    if (parts.length === 2 && TEMPLATE_VAR_NAME.test(second)) return { kind: "env", name: second };
    return "write env.NAME (read from WIRESERVE_VAR_NAME)";
  }
  if (head === "request") {
    if (parts.length === 2 && second === "path") return { kind: "path" };
    if (parts.length === 3 && second === "query" && QUERY_NAME.test(parts[2])) {
      return { kind: "query", name: parts[2] };
    }
    return "write request.path or request.query.NAME";
  }
  if (head === "server") {
    if (parts.length === 2 && second === "version") return { kind: "version" };
    return "write server.version";
  }
  if (IDENT.test(head) && scope.includes(head)) {
    const field = ENTRY_FIELDS.find((f) => f === second);
    if (parts.length === 2 && field !== undefined) return { kind: "field", variable: head, field };
    return `an entry has ${ENTRY_FIELDS.map((f) => `${head}.${f}`).join(", ")}`;
  }
  return "not env.…, request.…, server.… or a loop variable";
}

/** A path written after `include`/`markdown` or in `folder("…")`, or why it is not one. */
function parsePath(written: string, scope: readonly string[]): PathTemplate | string {
  let text = written;
  if (text.startsWith('"')) {
    if (text.length < 2 || !text.endsWith('"') || text.slice(1, -1).includes('"')) {
      return "a quoted path needs its closing quote";
    }
    text = text.slice(1, -1);
  } else if (/\s/.test(text)) return 'quote a path with spaces: "/my folder/x.html"';
  if (!text.startsWith("/")) return 'a path starts with "/" (the top of the web root)';
  const pieces: Array<string | ValueRef> = [];
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf("{", at);
    if (open === -1) {
      pieces.push(text.slice(at));
      break;
    }
    if (open > at) pieces.push(text.slice(at, open));
    const close = text.indexOf("}", open);
    if (close === -1) return "a { without its }";
    const ref = parseRef(text.slice(open + 1, close).trim(), scope);
    if (typeof ref === "string") return `{${text.slice(open + 1, close)}}: ${ref}`;
    pieces.push(ref);
    at = close + 1;
  }
  return { pieces, text };
}

/** The inside of `folder(…)`: a path, then `sort=`, `limit=` and `ext=` in any order. */
function parseFolderArgs(args: string, scope: readonly string[]): FolderCall | string {
  const items = splitArgs(args);
  if (items === null) return "a quoted value needs its closing quote";
  const [first, ...named] = items;
  if (first === undefined || !first.startsWith('"')) return 'folder("/path") needs a quoted path';
  const path = parsePath(first, scope);
  if (typeof path === "string") return path;
  const call: FolderCall = {
    path,
    sort: DEFAULT_SORT,
    descending: false,
    limit: MAX_FOLDER_ENTRIES,
    ext: null,
  };
  for (const item of named) {
    const m = /^([a-z]+)\s*=\s*(.+)$/.exec(item);
    if (m === null) return `expected name=value, got ${item}`;
    const [, name, raw] = m;
    const value = unquote(raw);
    if (name === "sort") {
      const key = value.replace(/^-/, "");
      const sort = SORT_KEYS.find((k) => k === key);
      if (sort === undefined) return `sort is one of ${SORT_KEYS.join(", ")} (with "-" to reverse)`;
      call.sort = sort;
      call.descending = value.startsWith("-");
    } else if (name === "limit") {
      const n = /^\d{1,9}$/.test(value) ? Number(value) : 0;
      if (n < 1 || n > MAX_FOLDER_ENTRIES) return `limit is from 1 to ${MAX_FOLDER_ENTRIES}`;
      call.limit = n;
    } else if (name === "ext") {
      if (!/^\.[^/\\"]{1,32}$/.test(value)) return 'ext is like ".md"';
      call.ext = value.toLowerCase();
    } else return `unknown argument "${name}" (sort, limit, ext)`;
  }
  return call;
}

/** `a, b="x, y", c` → its items (commas inside quotes kept), or null on an open quote. */
function splitArgs(args: string): string[] | null {
  const items: string[] = [];
  let current = "";
  let quoted = false;
  for (const c of args) {
    if (c === '"') quoted = !quoted;
    if (c === "," && !quoted) {
      items.push(current.trim());
      current = "";
    } else current += c;
  }
  if (quoted) return null;
  if (current.trim() !== "" || items.length > 0) items.push(current.trim());
  return items;
}

function unquote(value: string): string {
  const v = value.trim();
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

function error(line: number, message: string): TemplateNode {
  return { kind: "error", message, line };
}
