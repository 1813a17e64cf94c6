/**
 * The inside of placeholders: value references (`env.NAME`, `request.query.q`, `page.title`,
 * `post.title`), web-root paths with `{value}` pieces, and the arguments of `folder(...)`. Each
 * parser returns what it read, or a string saying why it could not — the caller turns that into
 * an error node.
 *
 * This module must not touch the disk or know HTTP.
 * @module
 */

import { TEMPLATE_VAR_NAME } from "../app/app_hooks.ts";
import { MAX_FOLDER_ENTRIES } from "./template_limits.ts";
import {
  ENTRY_FIELDS,
  type FolderCall,
  type PathTemplate,
  type SortKey,
  type ValueRef,
} from "./template_nodes.ts";

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const QUERY_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** A front-matter key, as `splitFrontMatter` reads it. */
const PAGE_FIELD = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const DEFAULT_SORT: SortKey = "name";
const SORT_KEYS: readonly SortKey[] = ["name", "date", "title"];

/** A value reference, or why it is not one. */
export function parseRef(text: string, scope: readonly string[]): ValueRef | string {
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
  // A loop variable named `page` (allowed before `page.` existed) still wins inside its loop.
  if (head === "page" && !scope.includes(head)) {
    if (parts.length === 2 && PAGE_FIELD.test(second)) {
      return { kind: "page", name: second.toLowerCase() };
    }
    return "write page.NAME (a field of the page's front matter)";
  }
  if (IDENT.test(head) && scope.includes(head)) {
    const field = ENTRY_FIELDS.find((f) => f === second);
    if (parts.length === 2 && field !== undefined) return { kind: "field", variable: head, field };
    return `an entry has ${ENTRY_FIELDS.map((f) => `${head}.${f}`).join(", ")}`;
  }
  return "not env.…, request.…, server.…, page.… or a loop variable";
}

/** A path written after `include`/`markdown` or in `folder("…")`, or why it is not one. */
export function parsePath(written: string, scope: readonly string[]): PathTemplate | string {
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
export function parseFolderArgs(args: string, scope: readonly string[]): FolderCall | string {
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
