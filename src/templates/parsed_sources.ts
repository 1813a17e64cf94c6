/**
 * The sources of one render, each read once and parsed once: a partial included 5,000 times (in a
 * loop, or by many includes) costs one read and one parse, a Markdown file shown many times one
 * rendering, and every read is noted as a dependency of the page. The page's own source also loses its front-matter block here, whose
 * fields become `${page.NAME}`.
 *
 * Reads go through `TemplateFiles`, so the web root's rules hold for every source.
 *
 * This module must not walk nodes or know HTTP.
 * @module
 */

import { splitFrontMatter } from "./front_matter.ts";
import type { RenderOutput } from "./render_output.ts";
import type { SourceResult, TemplateFiles } from "./template_files.ts";
import type { parseTemplate, TemplateNode } from "./template_syntax.ts";

/** A source that was read: its text and where it is on disk (the key of its parses). */
export interface ReadSource {
  text: string;
  fsPath: string;
}

/** The page's own nodes and the fields of its front matter (none without one). */
export interface PageNodes {
  nodes: TemplateNode[];
  fields: ReadonlyMap<string, string>;
}

/** Markdown source to safe HTML (`renderMarkdown`). */
export type MarkdownRenderer = (source: string) => Promise<string>;

const BOM = "\ufeff";

/** The reads and parses of one render. */
export class ParsedSources {
  readonly #files: TemplateFiles;
  readonly #parse: typeof parseTemplate;
  readonly #output: RenderOutput;
  readonly #reads = new Map<string, Promise<SourceResult>>();
  readonly #parsed = new Map<string, TemplateNode[]>();
  readonly #markdown: MarkdownRenderer;
  readonly #rendered = new Map<string, Promise<string>>();

  /**
   * Reads through `files`, parses with `parse`, renders Markdown with `markdown`, and notes each
   * read in `output`.
   */
  constructor(
    files: TemplateFiles,
    parse: typeof parseTemplate,
    markdown: MarkdownRenderer,
    output: RenderOutput,
  ) {
    this.#files = files;
    this.#parse = parse;
    this.#markdown = markdown;
    this.#output = output;
  }

  /** Reads a source once per render (a partial included in a loop is read once). */
  read(segments: readonly string[]): Promise<SourceResult> {
    const key = segments.join("/");
    let pending = this.#reads.get(key);
    if (pending === undefined) {
      pending = this.#files.read(segments).then((res) => {
        if (res.fsPath !== null) this.#output.depend("file", res.fsPath, res.ok ? res.tag : null);
        return res;
      });
      this.#reads.set(key, pending);
    }
    return pending;
  }

  /**
   * The nodes of a read source, parsed once per render: a partial included 5,000 times is parsed
   * once. The loop variables in scope are part of the key, since they decide what parses.
   */
  parse(source: ReadSource, scope: readonly string[]): TemplateNode[] {
    const key = `${source.fsPath}\0${scope.join("\0")}`;
    let nodes = this.#parsed.get(key);
    if (nodes === undefined) {
      nodes = this.#parse(source.text, scope);
      this.#parsed.set(key, nodes);
    }
    return nodes;
  }

  /**
   * The HTML of a read Markdown source without its front matter, rendered once per render: a
   * 1 MiB file takes the renderer up to a second or so (measured), and a page may show it again
   * and again. A failed rendering fails every use alike.
   */
  markdown(source: ReadSource): Promise<string> {
    let html = this.#rendered.get(source.fsPath);
    if (html === undefined) {
      html = this.#markdown(splitFrontMatter(source.text).body);
      this.#rendered.set(source.fsPath, html);
    }
    return html;
  }

  /**
   * The page's own nodes: a front-matter block at its top is not shown, its fields become
   * `${page.NAME}`. Its lines are kept as newlines while parsing, so messages name the line in
   * the file, and then dropped from the output.
   */
  page(source: ReadSource): PageNodes {
    const { fields, body } = splitFrontMatter(source.text);
    const withoutBom = source.text.startsWith(BOM) ? source.text.slice(BOM.length) : source.text;
    if (body.length === withoutBom.length) return { nodes: this.parse(source, []), fields };
    const lines = withoutBom.slice(0, withoutBom.length - body.length).split("\n").length - 1;
    const nodes = this.parse({ text: "\n".repeat(lines) + body, fsPath: source.fsPath }, []);
    const first = nodes[0];
    if (first?.kind !== "text") return { nodes, fields };
    const rest = first.text.slice(lines);
    const after = nodes.slice(1);
    return { nodes: rest === "" ? after : [{ kind: "text", text: rest }, ...after], fields };
  }
}
