/**
 * How a template problem shows in the page: a red box with one line saying where and what, for
 * the site's owner to see at once while editing. Styled inline so it shows whatever the page's
 * CSS does, escaped like every value.
 *
 * This module must not know anything but text.
 * @module
 */

import { escapeHtml } from "../files/mod.ts";

/** The class of the box, for a site that wants to style (or find) it. */
export const ERROR_BOX_CLASS = "wireserve-template-error";

const STYLE = "display:block;margin:.5em 0;padding:.5em .75em;border:2px solid #b00020;" +
  "background:#fff0f0;color:#600;font:13px/1.4 ui-monospace,monospace;white-space:pre-wrap";

/** The box for `message` (plain text; it is escaped here). */
export function errorBox(message: string): string {
  return `<div class="${ERROR_BOX_CLASS}" role="alert" style="${STYLE}">` +
    `Template error: ${escapeHtml(message)}</div>`;
}
