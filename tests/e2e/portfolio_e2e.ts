/**
 * examples/portfolio in Chromium, served with --templates and --hide: the front page lists the
 * newest posts, a click opens the post rendered from Markdown with the shared header and the
 * stylesheet applied, the private folder answers the rendered 404 page, and the page reports no
 * error. A screenshot of the front page goes to .ci/artifacts/.
 */

import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../support/assert.ts";
import { ARTIFACTS_DIR, uiTest, withUi } from "./browser.ts";

const EXAMPLE = fileURLToPath(new URL("../../examples/portfolio", import.meta.url));
/** Runs in the page (a string: the test is type-checked without the DOM's types). */
const BRAND_WEIGHT = `getComputedStyle(document.querySelector(".brand")).fontWeight`;

uiTest("the portfolio front page leads to a rendered post in Chromium", async () => {
  const config = { www: EXAMPLE, templates: true, hide: ["private/", "*.key"] };
  await withUi(config, async () => {}, async (s) => {
    const home = await s.page.goto(`${s.origin}/`);
    assertEquals(home?.status(), 200);
    assertEquals(await s.page.title(), "My portfolio");
    const titles = await s.page.locator("ul.posts li a").allTextContents();
    assertEquals(titles.slice(1), [
      "Computing Bernoulli numbers",
      "The Analytical Engine, briefly",
    ]);
    // The stylesheet the head partial links is applied: the brand is bold.
    assertEquals(await s.page.evaluate(BRAND_WEIGHT), "700");
    await Deno.mkdir(ARTIFACTS_DIR, { recursive: true });
    await s.page.screenshot({ path: fileURLToPath(new URL("portfolio.png", ARTIFACTS_DIR)) });

    await s.page.getByText("Computing Bernoulli numbers").click();
    await s.page.waitForURL(/post\.html\?p=bernoulli-numbers$/);
    assertEquals(await s.page.locator("article h1").textContent(), "Computing Bernoulli numbers");
    assertEquals(await s.page.locator("header.site .brand").textContent(), "My portfolio");
    assert((await s.page.locator("article pre code").textContent())?.includes("B7 ="));

    const hidden = await s.page.goto(`${s.origin}/private/draft-letter.md`);
    assertEquals(hidden?.status(), 404);
    assertEquals(await s.page.locator("main h1").textContent(), "Not found");
    // Chromium reports every 404 (this one, and /favicon.ico the site has none of) as a console
    // error; anything else would be a real one.
    assertEquals(s.pageErrors.filter((e) => !e.startsWith("Failed to load resource")), []);
  });
});
