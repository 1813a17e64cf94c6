/**
 * The values a render reads — `${env.NAME}`, `${request.path}`, `${request.query.NAME}`,
 * `${server.version}`, `${page.NAME}` (the page's front matter), loop fields — and the paths they fill in, noting which request parts were
 * used (the render cache keys a page by exactly those).
 *
 * Security: a value put into a path fills part of one name and nothing more. One that holds "/",
 * "\" or a control character, is empty, or is "." or "..", is refused before any file is read,
 * so `?p=../secret` can never choose another folder (and the web root's own rules still apply
 * to whatever name results).
 *
 * This module must not touch the disk.
 * @module
 */

import type { QueryPairs } from "../app/query_params.ts";
import type { FolderEntry } from "./folder_entries.ts";
import type { PathTemplate, ValueRef } from "./template_nodes.ts";

/** The parts of a request a page can show. */
export interface RenderRequest {
  /** The request's path, percent-decoded for display. */
  path: string;
  /** The query's name/value pairs. */
  query: QueryPairs;
}

/** Where the values that are not the request's come from (a render's sources give them). */
export interface ValueSources {
  /** `${server.version}`. */
  version: string;
  /** `${env.NAME}`: the value of `WIRESERVE_VAR_NAME`, or undefined when it is not set. */
  env(name: string): string | undefined;
}

/** The loop variables in scope: each one's entry, by variable name. */
export type Scope = ReadonlyMap<string, FolderEntry>;

/** A path after its values were filled in, or why it could not be. */
export type FilledPath =
  | { ok: true; segments: string[]; text: string; fromRequest: boolean }
  | { ok: false; message: string; fromRequest: boolean };

// deno-lint-ignore no-control-regex
const BAD_VALUE_CHAR = /[\u0000-\u001f\u007f-\u009f/\\]/;

/** The values of one render. */
export class TemplateValues {
  /** Whether `${request.path}` was read. */
  usesPath = false;
  /** The query names read. */
  readonly queryNames = new Set<string>();
  /** The front-matter fields of the page being rendered (none until it is read). */
  page: ReadonlyMap<string, string> = new Map();
  readonly #sources: ValueSources;
  readonly #req: RenderRequest;

  constructor(sources: ValueSources, req: RenderRequest) {
    this.#sources = sources;
    this.#req = req;
  }

  /** The text of a value, or undefined when it has none (an env variable not set). */
  value(ref: ValueRef, scope: Scope): string | undefined {
    switch (ref.kind) {
      case "env":
        return this.#sources.env(ref.name);
      case "path":
        this.usesPath = true;
        return this.#req.path;
      case "query": {
        this.queryNames.add(ref.name);
        for (const [name, value] of this.#req.query) if (name === ref.name) return value;
        return "";
      }
      case "version":
        return this.#sources.version;
      case "page":
        return this.page.get(ref.name);
      case "field":
        return scope.get(ref.variable)?.[ref.field];
    }
  }

  /** The path with its values filled in, each held to part of one name. */
  fill(path: PathTemplate, scope: Scope): FilledPath {
    let text = "";
    let fromRequest = false;
    for (const piece of path.pieces) {
      if (typeof piece === "string") {
        text += piece;
        continue;
      }
      fromRequest ||= piece.kind === "query" || piece.kind === "path";
      const value = this.value(piece, scope);
      // refuse: "/", "\" or dots would let a value choose another folder (`../secret`), and
      // control characters have no place in a file name
      if (
        value === undefined || value === "" || value === "." || value === ".." ||
        BAD_VALUE_CHAR.test(value)
      ) {
        return { ok: false, message: `${describe(piece)} is not a usable name`, fromRequest };
      }
      text += value;
    }
    const segments = text.split("/").filter((s) => s !== "");
    return { ok: true, segments, text, fromRequest };
  }
}

/** How a value is written in a template, for messages. */
export function describe(ref: ValueRef): string {
  switch (ref.kind) {
    case "env":
      return `env.${ref.name} (WIRESERVE_VAR_${ref.name})`;
    case "path":
      return "request.path";
    case "query":
      return `request.query.${ref.name}`;
    case "version":
      return "server.version";
    case "page":
      return `page.${ref.name}`;
    case "field":
      return `${ref.variable}.${ref.field}`;
  }
}
