/**
 * A Markdown post's front matter in the preview, in Chromium against the real server: shown as it
 * is written, a preformatted block captioned "Front matter" above the document, rather than
 * rendered as Markdown (its fences a rule, its keys an `<h2>`); a file whose `---` block never
 * closes is no front matter and renders as before; and the block is text, whatever it holds.
 */

import { assertEquals } from "../support/assert.ts";
import { axeProblems } from "./axe.ts";
import { openUi, uiTest, withUi } from "./browser.ts";

const test = uiTest;

const FRONT_MATTER = [
  "title: <img src=x onerror=alert(1)> Hello",
  "date: 2024-05-01",
  "tags:",
  "  - one",
  "  - two",
].join("\n");

const POST = `---\n${FRONT_MATTER}\n---\n# The post\n\nIts text.\n`;

test("a Markdown preview shows front matter as written above the post, not as a rule and heading", async () => {
  await withUi({}, async (dir) => {
    await Deno.writeTextFile(`${dir}/post.md`, POST);
    await Deno.writeTextFile(`${dir}/open.md`, "---\ntitle: never closed\n\n# Open\n");
  }, async (s) => {
    const alerts: string[] = [];
    s.context.on("dialog", (d) => {
      alerts.push(d.message());
      d.dismiss();
    });
    await openUi(s);
    await s.page.getByRole("link", { name: "post.md", exact: true }).click();
    const article = s.page.locator("#preview-dialog .preview-markdown");
    await article.locator("h1", { hasText: "The post" }).waitFor();
    const block = article.locator(":scope > figure.preview-front-matter:first-child");
    assertEquals(await block.locator("figcaption").textContent(), "Front matter");
    assertEquals(await block.locator("pre > code").textContent(), FRONT_MATTER);
    // Text, not markup: the <img> in the title is no element.
    assertEquals(await block.locator("img").count(), 0);
    assertEquals(await article.locator("hr, h2").count(), 0);
    assertEquals(await article.locator("h1").count(), 1);
    assertEquals(await axeProblems(s.page), []);
    await s.page.keyboard.press("Escape");

    // No closing fence: no front matter, the file renders as Markdown whole (a rule, then text).
    await s.page.getByRole("link", { name: "open.md", exact: true }).click();
    await article.locator("h1", { hasText: "Open" }).waitFor();
    assertEquals(await article.locator(".preview-front-matter").count(), 0);
    assertEquals(await article.locator("hr").count(), 1);
    assertEquals(alerts, []);
    assertEquals(s.pageErrors, []);
  });
});
