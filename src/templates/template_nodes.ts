/**
 * The parsed form of a template: the nodes the renderer walks and the references and paths
 * inside them.
 *
 * This module must not know anything but these types.
 * @module
 */

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
  | { kind: "page"; name: string }
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
