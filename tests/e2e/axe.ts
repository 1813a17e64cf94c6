/**
 * Accessibility checks with axe-core (npm): its source is evaluated in the page through the
 * DevTools protocol (which the page's CSP does not govern, unlike an injected <script>), then
 * run against WCAG 2.x A and AA. Only serious and critical violations fail a test.
 * @module
 */

import axe from "axe-core";
import type { Page } from "playwright-core";

/** The impacts that fail a test. */
const FAILING_IMPACTS = new Set(["serious", "critical"]);

/** One violation as a line: rule, impact, and the first few offending elements. */
export interface AxeProblem {
  id: string;
  impact: string;
  targets: string[];
}

/** The serious and critical axe violations on the page as it is now. */
export async function axeProblems(page: Page): Promise<AxeProblem[]> {
  const loaded = await page.evaluate("typeof window.axe === 'object'");
  if (!loaded) await page.evaluate(axe.source);
  const result = await page.evaluate(`axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
  }).then((r) => r.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
  })))`) as AxeProblem[];
  return result.filter((v) => FAILING_IMPACTS.has(v.impact));
}
