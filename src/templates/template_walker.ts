/**
 * The walk of a page's nodes, which is what rendering means: fill in values (HTML-escaped),
 * render includes and Markdown in place, loop over folders, each step counted against the render's
 * budget. What it writes and records goes to `RenderOutput`; every source it reads, once, through
 * `ParsedSources`.
 *
 * Security reasoning:
 * - Values are always HTML-escaped (`& < > " '`), so no value — a query parameter, a file name,
 *   a post title — can open a tag or leave an attribute. `| url` percent-encodes first, so a
 *   value can only ever be data inside a URL, never its syntax.
 * - Only two things are inserted as HTML: an included template (the owner's own file, rendered
 *   by these same rules) and Markdown, which `renderMarkdown` sanitises (no script, no event
 *   handler, no `javascript:` URL).
 * - Every file is reached through `TemplateFiles`, which holds paths to the web root's rules
 *   (below the root, no dotfiles, no `--hide` matches, symlinks checked). A value used in a path
 *   fills part of one name only: one holding "/", "\", a control character, or being "." or
 *   "..", makes the page a 404 before anything is read.
 * - A problem in the owner's own template (an unknown placeholder, a missing include) is an
 *   error box in the page and a log line, never an exception.
 * - Rendering is bounded: include depth and cycles, loop iterations, source sizes, output
 *   length (`template_limits.ts`), and steps, with a turn for the worker's other requests every
 *   so many (`render_steps.ts`). Each source is parsed once per render, however often included.
 *
 * This module must not know HTTP responses or caching.
 * @module
 */

import { MarkdownTooLarge } from "../app/markdown_bounds.ts";
import { escapeHtml } from "../files/mod.ts";
import { folderEntries } from "./folder_entries.ts";
import type { TemplateFiles } from "./template_files.ts";
import {
  MARKDOWN_BYTES_PER_STEP,
  MAX_FOLDER_NAMES,
  MAX_INCLUDE_DEPTH,
  MAX_LOOP_ITERATIONS,
} from "./template_limits.ts";
import type { PathTemplate, TemplateNode } from "./template_syntax.ts";
import { describe, type Scope, type TemplateValues } from "./template_values.ts";
import { nextTurn, type StepBudget } from "./render_steps.ts";
import type { Frame, RenderOutput } from "./render_output.ts";
import type { ParsedSources } from "./parsed_sources.ts";

const HTML_SOURCE = /\.html?$/i;
const MARKDOWN_SOURCE = /\.(md|markdown)$/i;

/** The walk of one render. */
export class TemplateWalker {
  readonly #files: TemplateFiles;
  readonly #sources: ParsedSources;
  readonly #values: TemplateValues;
  readonly #out: RenderOutput;
  readonly #steps: StepBudget;
  #iterations = 0;

  /** Lists folders through `files`, reads sources through `sources`, writes to `out`. */
  constructor(
    files: TemplateFiles,
    sources: ParsedSources,
    values: TemplateValues,
    out: RenderOutput,
    steps: StepBudget,
  ) {
    this.#files = files;
    this.#sources = sources;
    this.#values = values;
    this.#out = out;
    this.#steps = steps;
  }

  /** Renders `nodes` (of `frame`'s file) with the loop variables of `scope`. */
  async nodes(nodes: readonly TemplateNode[], scope: Scope, frame: Frame): Promise<void> {
    for (const node of nodes) {
      if (this.#out.ended) return;
      const step = this.#steps.take();
      if (step === "over") return this.#overBudget(frame);
      if (step === "turn") await nextTurn();
      await this.#node(node, scope, frame);
    }
  }

  /** Takes `steps` for work done in bulk; false (the render stopped) when past the budget. */
  async #bulk(steps: number, frame: Frame): Promise<boolean> {
    const step = this.#steps.take(steps);
    if (step === "over") {
      this.#overBudget(frame);
      return false;
    }
    if (step === "turn") await nextTurn();
    return true;
  }

  /** Stops the render, with its box: it took all its steps (`frame` is where it was). */
  #overBudget(frame: Frame): void {
    this.#out.problem(
      `the page takes more than ${this.#steps.max} steps to render (stopped in ${frame.file})`,
    );
    this.#out.stop();
  }

  async #node(node: TemplateNode, scope: Scope, frame: Frame): Promise<void> {
    switch (node.kind) {
      case "text":
        return this.#out.write(node.text);
      case "error":
        return this.#out.fail(frame, node.line, node.message);
      case "value": {
        const value = this.#values.value(node.ref, scope);
        if (value === undefined) {
          return this.#out.fail(frame, node.line, `${describe(node.ref)} is not set`);
        }
        const text = node.url ? encodeURIComponent(value.toWellFormed()) : value;
        return this.#out.write(escapeHtml(text));
      }
      case "if": {
        const value = this.#values.value(node.ref, scope);
        const truthy = value !== undefined && value !== "";
        return await this.nodes(truthy ? node.then : node.otherwise, scope, frame);
      }
      case "include":
        return await this.#include(node.path, node.line, scope, frame);
      case "markdown":
        return await this.#markdown(node.path, node.line, scope, frame);
      case "for":
        return await this.#loop(node, scope, frame);
    }
  }

  async #include(path: PathTemplate, line: number, scope: Scope, frame: Frame): Promise<void> {
    const filled = this.#values.fill(path, scope);
    if (!filled.ok) return this.#out.refuse(filled, frame, line);
    const what = `include ${filled.text}`;
    if (!HTML_SOURCE.test(filled.text)) {
      return this.#out.fail(frame, line, `${what}: only .html files can be included`);
    }
    if (frame.depth + 1 > MAX_INCLUDE_DEPTH) {
      return this.#out.fail(frame, line, `${what}: more than ${MAX_INCLUDE_DEPTH} levels`);
    }
    const source = await this.#sources.read(filled.segments);
    if (!source.ok) return this.#out.missing(filled, source.problem, what, frame, line);
    if (frame.chain.includes(source.fsPath)) {
      return this.#out.fail(frame, line, `${what}: includes itself`);
    }
    await this.nodes(this.#sources.parse(source, [...scope.keys()]), scope, {
      file: filled.text,
      chain: [...frame.chain, source.fsPath],
      depth: frame.depth + 1,
    });
  }

  async #markdown(path: PathTemplate, line: number, scope: Scope, frame: Frame): Promise<void> {
    const filled = this.#values.fill(path, scope);
    if (!filled.ok) return this.#out.refuse(filled, frame, line);
    const what = `markdown ${filled.text}`;
    if (!MARKDOWN_SOURCE.test(filled.text)) {
      return this.#out.fail(frame, line, `${what}: only .md files are Markdown`);
    }
    const source = await this.#sources.read(filled.segments);
    if (!source.ok) return this.#out.missing(filled, source.problem, what, frame, line);
    // Weighed by its size at each use: the rendering is synchronous, and though a file is
    // rendered once per render, each use of it writes all of its HTML again.
    const weighed = Math.ceil(source.text.length / MARKDOWN_BYTES_PER_STEP);
    if (!await this.#bulk(weighed, frame)) return;
    let html: string;
    try {
      html = await this.#sources.markdown(source);
    } catch (err) {
      // A file the renderer cannot render (marked, before markdown-it, overflowed its stack at
      // 4,000 nested `>`) is the owner's file: a box in the page, not a 500 for the whole page.
      const why = err instanceof MarkdownTooLarge
        ? err.message
        : err instanceof RangeError
        ? "it nests too deeply"
        : "the renderer failed";
      return this.#out.fail(frame, line, `${what}: could not be rendered (${why})`);
    }
    // And by its HTML where that is the larger: a few KB of tables can make 1 MB of cells, which
    // take as long to render as 1 MB of source (markdown_bounds.ts).
    const more = Math.ceil(html.length / MARKDOWN_BYTES_PER_STEP) - weighed;
    if (more > 0 && !await this.#bulk(more, frame)) return;
    this.#out.write(html);
  }

  async #loop(
    node: Extract<TemplateNode, { kind: "for" }>,
    scope: Scope,
    frame: Frame,
  ): Promise<void> {
    const filled = this.#values.fill(node.folder.path, scope);
    if (!filled.ok) return this.#out.refuse(filled, frame, node.line);
    const listed = await folderEntries(this.#files, filled.segments, node.folder);
    if (listed.fsPath !== null) {
      const tag = listed.ok ? listed.tag : null;
      this.#out.depend("folder", listed.fsPath, tag, node.folder.ext);
    }
    if (!listed.ok) {
      const problem = listed.problem === "too many"
        ? `more than ${MAX_FOLDER_NAMES} names`
        : listed.problem;
      return this.#out.missing(filled, problem, `folder("${filled.text}")`, frame, node.line);
    }
    // Weighed by its entries, each read and stat'ed, however few the loop then takes.
    if (!await this.#bulk(listed.read, frame)) return;
    if (listed.entries.length === 0) return await this.nodes(node.empty, scope, frame);
    for (const entry of listed.entries) {
      if (++this.#iterations > MAX_LOOP_ITERATIONS) {
        this.#out.fail(frame, node.line, `more than ${MAX_LOOP_ITERATIONS} loop iterations`);
        this.#out.stop();
        return;
      }
      const step = this.#steps.take();
      if (step === "over") return this.#overBudget(frame);
      if (step === "turn") await nextTurn();
      const inner = new Map(scope);
      inner.set(node.variable, entry);
      await this.nodes(node.body, inner, frame);
      if (this.#out.ended) return;
    }
  }
}
