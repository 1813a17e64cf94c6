/**
 * Rendering one page, as the rest of the feature calls it: what a render takes (the request
 * parts a page can show, where values and files come from, its bounds) and what it gives
 * (`RenderResult`), and the page's own file — past the size bound it is one error box, gone it
 * is a 404, its front matter becomes `${page.NAME}`.
 *
 * The parts of a render, each in its own file: the walk of the nodes (`TemplateWalker`, with the
 * security reasoning), what it writes and records (`RenderOutput`), its reads and parses
 * (`ParsedSources`), its values (`TemplateValues`) and its steps (`StepBudget`).
 *
 * This module must not know HTTP responses or caching.
 * @module
 */

import { renderMarkdown } from "../app/markdown.ts";
import type { TemplateFiles } from "./template_files.ts";
import { MAX_RENDER_STEPS, MAX_SOURCE_BYTES, STEPS_PER_TURN } from "./template_limits.ts";
import { parseTemplate } from "./template_syntax.ts";
import { type RenderRequest, TemplateValues, type ValueSources } from "./template_values.ts";
import { StepBudget } from "./render_steps.ts";
import { RenderOutput, type RenderResult } from "./render_output.ts";
import { type MarkdownRenderer, ParsedSources } from "./parsed_sources.ts";
import { TemplateWalker } from "./template_walker.ts";

export type { Dependency, RenderResult } from "./render_output.ts";
export type { RenderRequest } from "./template_values.ts";

/** What a render reads values (`${server.version}`, `${env.NAME}`) and files from. */
export interface RenderSources extends ValueSources {
  files: TemplateFiles;
}

/** The bounds of a render that tests shrink or watch; the defaults are the real ones. */
export interface RenderOptions {
  /** Steps before the render stops (MAX_RENDER_STEPS). */
  maxSteps: number;
  /** Steps between two turns of the event loop (STEPS_PER_TURN). */
  stepsPerTurn: number;
  /** Parses a source (`parseTemplate`). */
  parse: typeof parseTemplate;
  /** Renders a Markdown source (`renderMarkdown`). */
  markdown: MarkdownRenderer;
}

const DEFAULT_OPTIONS: RenderOptions = {
  maxSteps: MAX_RENDER_STEPS,
  stepsPerTurn: STEPS_PER_TURN,
  parse: parseTemplate,
  markdown: renderMarkdown,
};

/** Renders the page at `segments` (decoded, below the web root) for `req`. */
export async function renderPage(
  sources: RenderSources,
  req: RenderRequest,
  segments: readonly string[],
  options: Partial<RenderOptions> = {},
): Promise<RenderResult> {
  const opts = { ...DEFAULT_OPTIONS, ...options };
  const out = new RenderOutput();
  const values = new TemplateValues(sources, req);
  const parsed = new ParsedSources(sources.files, opts.parse, opts.markdown, out);
  const file = "/" + segments.join("/");
  const source = await parsed.read(segments);
  if (!source.ok) {
    if (source.problem === "too large") {
      // The page is there but past the bound: say so, like an include past it. A 404 with no
      // log line left the owner looking for a missing file.
      out.problem(`${file}: too large to render (more than ${MAX_SOURCE_BYTES} bytes)`);
    } else {
      // Gone since the web root saw it: the visitor gets the 404 a missing file gets.
      out.notFound();
    }
    return out.result(values);
  }
  const page = parsed.page(source);
  values.page = page.fields;
  const steps = new StepBudget(opts.maxSteps, opts.stepsPerTurn);
  const walker = new TemplateWalker(sources.files, parsed, values, out, steps);
  await walker.nodes(page.nodes, new Map(), { file, chain: [source.fsPath], depth: 0 });
  return out.result(values);
}
