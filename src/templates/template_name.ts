/**
 * Which files of a web root are templates. Apart from the renderer so that the web root can ask
 * without loading it (the renderer is loaded when a page is first rendered: `mod.ts`).
 * @module
 */

const TEMPLATE_NAME = /\.html?$/i;

/** Whether a file of this name is rendered as a template (`.html`, `.htm`). */
export function isTemplateName(fsPath: string): boolean {
  return TEMPLATE_NAME.test(fsPath);
}
