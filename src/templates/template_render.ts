/**
 * Rendering one page: walk its parsed nodes, fill in values (HTML-escaped), render includes and
 * Markdown in place, loop over folders — and note everything the result depended on (files,
 * folders, which parts of the request), so the render cache knows when it is still good.
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
 * - A missing file named through a request value (`{request.query.p}`) makes the page a 404:
 *   the visitor asked for something that is not there. A problem in the owner's own template
 *   (an unknown placeholder, a missing include) is an error box in the page and a log line,
 *   never an exception; error texts name web-root paths, never paths on the server.
 * - Rendering is bounded: include depth and cycles, loop iterations, source sizes, output
 *   length (`template_limits.ts`), and steps, with a turn for the worker's other requests every
 *   so many (`render_steps.ts`). Each source is parsed once per render, however often included.
 *
 * This module must not know HTTP responses or caching.
 * @module
 */

import { escapeHtml } from "../files/mod.ts";
import type { QueryPairs } from "../app/query_params.ts";
import { renderMarkdown } from "../app/markdown.ts";
import { splitFrontMatter } from "./front_matter.ts";
import { folderEntries } from "./folder_entries.ts";
import type { SourceResult, TemplateFiles } from "./template_files.ts";
import {
  MARKDOWN_BYTES_PER_STEP,
  MAX_INCLUDE_DEPTH,
  MAX_LOOP_ITERATIONS,
  MAX_RENDER_STEPS,
  MAX_RENDERED_CHARS,
  MAX_SOURCE_BYTES,
  STEPS_PER_TURN,
} from "./template_limits.ts";
import { parseTemplate, type PathTemplate, type TemplateNode } from "./template_syntax.ts";
import { describe, type FilledPath, type Scope, TemplateValues } from "./template_values.ts";
import { errorBox } from "./error_box.ts";
import { nextTurn, StepBudget } from "./render_steps.ts";

/** Something a render read, and its tag at the time (null: it was missing). */
export interface Dependency {
  kind: "file" | "folder";
  fsPath: string;
  tag: string | null;
}

/** The parts of a request a page can show. */
export interface RenderRequest {
  /** The request's path, percent-decoded for display. */
  path: string;
  /** The query's name/value pairs. */
  query: QueryPairs;
}

/** What a render reads values and files from. */
export interface RenderSources {
  files: TemplateFiles;
  /** `${server.version}`. */
  version: string;
  /** `${env.NAME}`: the value of `WIRESERVE_VAR_NAME`, or undefined when it is not set. */
  env(name: string): string | undefined;
}

/** A rendered page and what it depended on. */
export interface RenderResult {
  html: string;
  /** Files and folders read, with their tags. */
  dependencies: Dependency[];
  /** Whether `${request.path}` was used. */
  usesPath: boolean;
  /** The query names used (`${request.query.NAME}`). */
  queryNames: string[];
  /** Whether a file named through a request value is missing: the page is then a 404. */
  notFound: boolean;
  /** Problems shown as error boxes, one line each, for the log. */
  errors: string[];
}

/** The bounds of a render that tests shrink or watch; the defaults are the real ones. */
export interface RenderOptions {
  /** Steps before the render stops (MAX_RENDER_STEPS). */
  maxSteps: number;
  /** Steps between two turns of the event loop (STEPS_PER_TURN). */
  stepsPerTurn: number;
  /** Parses a source (`parseTemplate`). */
  parse: typeof parseTemplate;
}

const DEFAULT_OPTIONS: RenderOptions = {
  maxSteps: MAX_RENDER_STEPS,
  stepsPerTurn: STEPS_PER_TURN,
  parse: parseTemplate,
};

const HTML_SOURCE = /\.html?$/i;
const BOM = "\ufeff";
const MARKDOWN_SOURCE = /\.(md|markdown)$/i;

/** Where in which file a node sits, for messages. */
interface Frame {
  /** The file's web-root path (`/partials/head.html`). */
  file: string;
  /** The fs paths of the includes open above this one, for cycles. */
  chain: readonly string[];
  depth: number;
}

/** Renders the page at `segments` (decoded, below the web root) for `req`. */
export async function renderPage(
  sources: RenderSources,
  req: RenderRequest,
  segments: readonly string[],
  options: Partial<RenderOptions> = {},
): Promise<RenderResult> {
  const r = new Renderer(sources, req, { ...DEFAULT_OPTIONS, ...options });
  const text = "/" + segments.join("/");
  const source = await r.read(segments);
  if (!source.ok) {
    // The page is there but past the bound: say so, like an include past it. A 404 with no log
    // line left the owner looking for a missing file.
    if (source.problem === "too large") return r.pageTooLarge(text);
    // Gone since the web root saw it: the visitor gets the 404 a missing file gets.
    return { ...r.result(), notFound: true };
  }
  await r.nodes(r.parsePage(source), new Map(), {
    file: text,
    chain: [source.fsPath],
    depth: 0,
  });
  return r.result();
}

class Renderer {
  readonly #sources: RenderSources;
  readonly #values: TemplateValues;
  readonly #opts: RenderOptions;
  readonly #steps: StepBudget;
  readonly #out: string[] = [];
  #chars = 0;
  #iterations = 0;
  #stopped = false;
  #notFound = false;
  readonly #dependencies = new Map<string, Dependency>();
  readonly #reads = new Map<string, Promise<SourceResult>>();
  readonly #parsed = new Map<string, TemplateNode[]>();
  readonly #errors: string[] = [];

  constructor(sources: RenderSources, req: RenderRequest, opts: RenderOptions) {
    this.#sources = sources;
    this.#values = new TemplateValues(sources, req);
    this.#opts = opts;
    this.#steps = new StepBudget(opts.maxSteps, opts.stepsPerTurn);
  }

  /** The result for a page whose own source is past MAX_SOURCE_BYTES: one error box. */
  pageTooLarge(file: string): RenderResult {
    const message = `${file}: too large to render (more than ${MAX_SOURCE_BYTES} bytes)`;
    this.#errors.push(message);
    this.#emit(errorBox(message));
    return this.result();
  }

  result(): RenderResult {
    return {
      html: this.#out.join(""),
      dependencies: [...this.#dependencies.values()],
      usesPath: this.#values.usesPath,
      queryNames: [...this.#values.queryNames],
      notFound: this.#notFound,
      errors: this.#errors,
    };
  }

  /** Reads a source once per render (a partial included in a loop is read once). */
  read(segments: readonly string[]): Promise<SourceResult> {
    const key = segments.join("/");
    let pending = this.#reads.get(key);
    if (pending === undefined) {
      pending = this.#sources.files.read(segments).then((res) => {
        if (res.fsPath !== null) this.#depend("file", res.fsPath, res.ok ? res.tag : null);
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
  parse(source: { text: string; fsPath: string }, scope: readonly string[]): TemplateNode[] {
    const key = `${source.fsPath}\0${scope.join("\0")}`;
    let nodes = this.#parsed.get(key);
    if (nodes === undefined) {
      nodes = this.#opts.parse(source.text, scope);
      this.#parsed.set(key, nodes);
    }
    return nodes;
  }

  /**
   * The page's own nodes: a front-matter block at its top is not shown, its fields become
   * `${page.NAME}`. Its lines are kept as newlines while parsing, so messages name the line in
   * the file, and then dropped from the output.
   */
  parsePage(source: { text: string; fsPath: string }): TemplateNode[] {
    const { fields, body } = splitFrontMatter(source.text);
    const withoutBom = source.text.startsWith(BOM) ? source.text.slice(BOM.length) : source.text;
    if (body.length === withoutBom.length) return this.parse(source, []);
    this.#values.page = fields;
    const lines = withoutBom.slice(0, withoutBom.length - body.length).split("\n").length - 1;
    const nodes = this.parse({ text: "\n".repeat(lines) + body, fsPath: source.fsPath }, []);
    const first = nodes[0];
    if (first?.kind === "text") {
      const rest = first.text.slice(lines);
      return rest === "" ? nodes.slice(1) : [{ kind: "text", text: rest }, ...nodes.slice(1)];
    }
    return nodes;
  }

  async nodes(nodes: readonly TemplateNode[], scope: Scope, frame: Frame): Promise<void> {
    for (const node of nodes) {
      if (this.#stopped || this.#notFound) return;
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
    const message = `the page takes more than ${this.#steps.max} steps to render ` +
      `(stopped in ${frame.file})`;
    this.#errors.push(message);
    this.#emit(errorBox(message));
    this.#stopped = true;
  }

  async #node(node: TemplateNode, scope: Scope, frame: Frame): Promise<void> {
    switch (node.kind) {
      case "text":
        return this.#emit(node.text);
      case "error":
        return this.#fail(frame, node.line, node.message);
      case "value": {
        const value = this.#values.value(node.ref, scope);
        if (value === undefined) {
          return this.#fail(frame, node.line, `${describe(node.ref)} is not set`);
        }
        const text = node.url ? encodeURIComponent(value.toWellFormed()) : value;
        return this.#emit(escapeHtml(text));
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
    if (!filled.ok) return this.#refuse(filled, frame, line);
    if (!HTML_SOURCE.test(filled.text)) {
      return this.#fail(frame, line, `include ${filled.text}: only .html files can be included`);
    }
    if (frame.depth + 1 > MAX_INCLUDE_DEPTH) {
      return this.#fail(
        frame,
        line,
        `include ${filled.text}: more than ${MAX_INCLUDE_DEPTH} levels`,
      );
    }
    const source = await this.read(filled.segments);
    if (!source.ok) {
      return this.#missing(filled, source.problem, `include ${filled.text}`, frame, line);
    }
    if (frame.chain.includes(source.fsPath)) {
      return this.#fail(frame, line, `include ${filled.text}: includes itself`);
    }
    await this.nodes(this.parse(source, [...scope.keys()]), scope, {
      file: filled.text,
      chain: [...frame.chain, source.fsPath],
      depth: frame.depth + 1,
    });
  }

  async #markdown(path: PathTemplate, line: number, scope: Scope, frame: Frame): Promise<void> {
    const filled = this.#values.fill(path, scope);
    if (!filled.ok) return this.#refuse(filled, frame, line);
    if (!MARKDOWN_SOURCE.test(filled.text)) {
      return this.#fail(frame, line, `markdown ${filled.text}: only .md files are Markdown`);
    }
    const source = await this.read(filled.segments);
    if (!source.ok) {
      return this.#missing(filled, source.problem, `markdown ${filled.text}`, frame, line);
    }
    // Weighed by its size: the rendering is synchronous and done again at each use.
    if (!await this.#bulk(Math.ceil(source.text.length / MARKDOWN_BYTES_PER_STEP), frame)) return;
    let html: string;
    try {
      html = await renderMarkdown(splitFrontMatter(source.text).body);
    } catch (err) {
      // The renderer recurses per nesting level: a file of 4,000 `>` overflows its stack. That is
      // the owner's file, so a box in the page, not a 500 for the whole page.
      const why = err instanceof RangeError ? "it nests too deeply" : "the renderer failed";
      return this.#fail(frame, line, `markdown ${filled.text}: could not be rendered (${why})`);
    }
    this.#emit(html);
  }

  async #loop(
    node: Extract<TemplateNode, { kind: "for" }>,
    scope: Scope,
    frame: Frame,
  ): Promise<void> {
    const filled = this.#values.fill(node.folder.path, scope);
    if (!filled.ok) return this.#refuse(filled, frame, node.line);
    const listed = await folderEntries(this.#sources.files, filled.segments, node.folder);
    if (listed.fsPath !== null) {
      this.#depend("folder", listed.fsPath, listed.ok ? listed.tag : null);
    }
    if (!listed.ok) {
      return this.#missing(filled, "missing", `folder("${filled.text}")`, frame, node.line);
    }
    // Weighed by its entries, each read and stat'ed, however few the loop then takes.
    if (!await this.#bulk(listed.read, frame)) return;
    if (listed.entries.length === 0) return await this.nodes(node.empty, scope, frame);
    for (const entry of listed.entries) {
      if (++this.#iterations > MAX_LOOP_ITERATIONS) {
        this.#fail(frame, node.line, `more than ${MAX_LOOP_ITERATIONS} loop iterations`);
        this.#stopped = true;
        return;
      }
      const step = this.#steps.take();
      if (step === "over") return this.#overBudget(frame);
      if (step === "turn") await nextTurn();
      const inner = new Map(scope);
      inner.set(node.variable, entry);
      await this.nodes(node.body, inner, frame);
      if (this.#stopped || this.#notFound) return;
    }
  }

  /** A path whose value is unusable: a 404 when the request chose it, else the owner's error. */
  #refuse(filled: Extract<FilledPath, { ok: false }>, frame: Frame, line: number): void {
    if (filled.fromRequest) this.#notFound = true;
    else this.#fail(frame, line, filled.message);
  }

  #missing(
    filled: Extract<FilledPath, { ok: true }>,
    problem: string,
    what: string,
    frame: Frame,
    line: number,
  ): void {
    if (filled.fromRequest && problem === "missing") this.#notFound = true;
    else this.#fail(frame, line, `${what}: ${problem}`);
  }

  #depend(kind: "file" | "folder", fsPath: string, tag: string | null): void {
    const key = `${kind}:${fsPath}`;
    if (!this.#dependencies.has(key)) this.#dependencies.set(key, { kind, fsPath, tag });
  }

  #emit(text: string): void {
    if (this.#stopped) return;
    if (this.#chars + text.length > MAX_RENDERED_CHARS) {
      this.#stopped = true;
      const message = `the page is longer than ${MAX_RENDERED_CHARS} characters`;
      this.#errors.push(message);
      this.#out.push(errorBox(message));
      return;
    }
    this.#chars += text.length;
    this.#out.push(text);
  }

  #fail(frame: Frame, line: number, message: string): void {
    const full = `${frame.file} line ${line}: ${message}`;
    this.#errors.push(full);
    this.#emit(errorBox(full));
  }
}
