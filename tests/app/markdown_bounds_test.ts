/**
 * What one Markdown document may expand to (src/app/markdown_bounds.ts): table cells across the
 * whole document, and the HTML a repeated link reference makes. Counted, not timed: the bounds
 * are what keep the time and memory linear in the file's length.
 */

import { renderMarkdown } from "../../src/app/markdown.ts";
import {
  HTML_ALLOWANCE,
  MarkdownTooLarge,
  MAX_TABLE_CELLS,
} from "../../src/app/markdown_bounds.ts";
import { assert, assertEquals, assertRejects } from "../support/assert.ts";

/** A `columns`-wide header over `rows` rows of one cell each: the rows are padded to the header. */
function wideTable(columns: number, rows: number): string {
  return "|" + "a|".repeat(columns) + "\n|" + "-|".repeat(columns) + "\n" + "|x\n".repeat(rows) +
    "\n";
}

function count(html: string, needle: string): number {
  return html.split(needle).length - 1;
}

Deno.test("a document's tables make at most MAX_TABLE_CELLS cells; the tables past them stay text", async () => {
  // 40 tables of 256 × 257 cells: 2.6 million unbounded (markdown-it caps each table alone).
  const html = await renderMarkdown(wideTable(256, 256).repeat(40));
  const cells = count(html, "<td") + count(html, "<th");
  assert(cells >= 256 * 257 && cells <= MAX_TABLE_CELLS, `${cells} cells`);
  assert(count(html, "<table>") < 40);
  assert(html.includes("|x"), "a table past the bound is its text");
});

Deno.test("a document of ordinary tables of about 1 MB is rendered whole", async () => {
  const rows = 29_000; // 3 columns: 87,003 cells, about 1 MB
  const source = "| name | size | date |\n|---|---|---|\n" +
    "| file.txt | 12 KB | 2024-01-01 |\n".repeat(rows);
  assert(source.length > 980_000);
  const html = await renderMarkdown(source);
  assertEquals(count(html, "<td>"), rows * 3);
});

Deno.test("a table whose header alone passes the bound is text, and so is every later table", async () => {
  const html = await renderMarkdown(wideTable(2_000, 60) + "| h |\n|---|\n| v |\n");
  assertEquals(count(html, "<table>"), 0);
  assert(html.includes("| h |"), html.slice(-200));
});

Deno.test("a link reference repeated past the HTML bound is refused before anything is rendered", async () => {
  // 130 KB that would render to 300 MB of HTML.
  const source = `[a]: http://x.example/${"A".repeat(10_000)}\n\n` + "[a] ".repeat(30_000);
  await assertRejects(() => renderMarkdown(source), MarkdownTooLarge);
  // The same reference used as often as the allowance covers is rendered.
  const uses = Math.floor(HTML_ALLOWANCE / 10_100);
  const fine = await renderMarkdown(
    `[a]: http://x.example/${"A".repeat(10_000)}\n\n` + "[a] ".repeat(uses),
  );
  assertEquals(count(fine, "<a href="), uses);
});

Deno.test("a table's rows are counted where the table ends, not at the next blank line", async () => {
  // A 10-column table, a heading, then 10,000 list lines with no blank line between: the table
  // has one row. Counting to the next blank line took it for 10,002 rows and made it text.
  const header = "|" + " h |".repeat(10) + "\n|" + "---|".repeat(10) + "\n|" + " v |".repeat(10);
  const changelog = `${header}\n## Changes\n` + "- fix something\n".repeat(10_000);
  const html = await renderMarkdown(changelog);
  assertEquals(count(html, "<table>"), 1);
  assertEquals(count(html, "<td>"), 10);
  assertEquals(count(html, "<li>"), 10_000);
  // A table in the first item of a long tight list ends with its item.
  const list = `- ${header.replaceAll("\n", "\n  ")}\n` + "- another item\n".repeat(25_000);
  assertEquals(count(await renderMarkdown(list), "<table>"), 1);
});

Deno.test("the HTML bound weighs what escaping adds: a reference title of quotes used again", async () => {
  // Each use renders its title's `"`s as `&quot;`: 570 bytes for 4 of source.
  const source = `[a]: x (${'"'.repeat(90)})\n\n` + "[a] ".repeat(30_000);
  await assertRejects(() => renderMarkdown(source), MarkdownTooLarge);
});
