/**
 * Templates as the rest of the app sees them: the web root hands a checked `.html` file to
 * `TemplatePages`, which answers with its rendering. Everything else in `src/templates/` — the
 * language, the renderer, the cache — is the feature's own.
 * @module
 */

export {
  isTemplateName,
  type TemplatePage,
  TemplatePages,
  type TemplatePagesOptions,
} from "./template_pages.ts";
