/**
 * Templates as the rest of the app sees them: the web root hands a checked `.html` file to
 * `TemplatePages`, which answers with its rendering. Everything else in `src/templates/` — the
 * language, the renderer, the cache — is the feature's own, and is loaded only when a first page
 * is rendered (`templatePagesOnDemand`): without `--templates`, no worker holds it.
 * @module
 */

import { onDemand } from "../app/on_demand.ts";
import type { TemplatePages, TemplatePagesOptions } from "./template_pages.ts";

export { isTemplateName } from "./template_name.ts";
export type { TemplatePage, TemplatePages, TemplatePagesOptions } from "./template_pages.ts";

/** The pages for `opts`, made on first use (the renderer's modules are imported then). */
export function templatePagesOnDemand(
  opts: TemplatePagesOptions,
): () => TemplatePages | Promise<TemplatePages> {
  return onDemand(async () => new (await import("./template_pages.ts")).TemplatePages(opts));
}
