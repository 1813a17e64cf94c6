/**
 * Front matter and titles of Markdown posts: the `key: value` subset, the first heading as the
 * title, dates with and without times and zones, and text that only looks like front matter.
 */

import MarkdownIt from "markdown-it";
import {
  formatDate,
  headingContent,
  parseDate,
  readPostMeta,
  splitFrontMatter,
} from "../../src/templates/front_matter.ts";
import { assertEquals } from "../support/assert.ts";

Deno.test("splitFrontMatter reads key: value lines and returns the text after the block", () => {
  const { fields, body } = splitFrontMatter(
    '---\ntitle: Hello, world\r\nDate: 2024-05-01\ndescription: "quoted: yes"\nlist:\n  - x\n---\n# Body\n',
  );
  assertEquals(Object.fromEntries(fields), {
    title: "Hello, world",
    date: "2024-05-01",
    description: "quoted: yes",
    list: "",
  });
  assertEquals(body, "# Body\n");
});

Deno.test("splitFrontMatter leaves text without a complete block alone", () => {
  for (
    const text of [
      "# Title\n---\nx\n---\n",
      "---\ntitle: never closed\n",
      "--- \n",
      "",
      "\ufeffplain",
    ]
  ) {
    const { fields, body } = splitFrontMatter(text);
    assertEquals(fields.size, 0, JSON.stringify(text));
    assertEquals(body, text.replace(/^\ufeff/, ""));
  }
  assertEquals(splitFrontMatter("\ufeff---\ntitle: bom\n...\nbody").body, "body");
});

Deno.test("readPostMeta takes the title from the front matter, else the first heading", () => {
  assertEquals(readPostMeta("---\ntitle: From matter\n---\n# Heading\n").title, "From matter");
  // As text: the Markdown around the words is gone, as in the rendered heading.
  assertEquals(readPostMeta("intro\n\n# The *first* one #\n\n# second\n").title, "The first one");
  assertEquals(readPostMeta("```sh\n# a comment\n```\n# Real\n").title, "Real");
  assertEquals(readPostMeta("~~~~\n# in code\n~~~\n# still code\n~~~~\n").title, null);
  assertEquals(readPostMeta("no heading\n## not level one\n").title, null);
  assertEquals(readPostMeta("---\ntitle: ''\n---\n# Fallback\n").title, "Fallback");
  assertEquals(readPostMeta("---\nsummary: short\n---\n").description, "short");
});

/** A line, and the title it gives (null: the line is not a level-1 heading). */
const HEADING_LINES: readonly [string, string | null][] = [
  ["# Learn C#", "Learn C#"],
  ["# Learn C# ", "Learn C#"],
  ["# Title #", "Title"],
  ["# Title ##   ", "Title"],
  ["# Title\t#", "Title"],
  ["# Title \\#", "Title #"],
  ["# #hashtag", "#hashtag"],
  ["# a#b #", "a#b"],
  ["#\tTabbed", "Tabbed"],
  [" # One space", "One space"],
  ["   # Indented title", "Indented title"],
  ["    # Four spaces is code", null],
  ["\t# A tab is code", null],
  ["#hashtag", null],
  ["## Level two", null],
  ["# ###", null], // an empty heading: no title, the slug is used
  ["#", null],
];

Deno.test("a heading line's title is the text markdown-it shows for it", async (t) => {
  const md = new MarkdownIt();
  for (const [line, title] of HEADING_LINES) {
    await t.step(JSON.stringify(line), () => {
      assertEquals(readPostMeta(line + "\n").title, title);
      // The oracle: what the post itself shows for the same line.
      const h1 = /^<h1>(.*)<\/h1>\n$/.exec(md.render(line + "\n"));
      const shown = h1 === null || h1[1] === "" ? null : h1[1];
      assertEquals(title, shown);
    });
  }
  assertEquals(headingContent("# Learn C#"), "Learn C#");
  assertEquals(headingContent("plain text"), null);
});

Deno.test("parseDate keeps years 0000 to 0099 as written", () => {
  assertEquals(parseDate("0079-08-24")?.toISOString(), "0079-08-24T00:00:00.000Z");
  assertEquals(formatDate(parseDate("0079-08-24")!), "0079-08-24");
  assertEquals(formatDate(parseDate("0000-01-01 12:00")!), "0000-01-01");
  assertEquals(formatDate(parseDate("0099-12-31T23:30:00-01:00")!), "0100-01-01");
  assertEquals(readPostMeta("---\ndate: 0079-08-24\n---\n").date?.getUTCFullYear(), 79);
  assertEquals(parseDate("0079-02-29"), null, "79 was not a leap year (1979 neither; 0076 was)");
  assertEquals(formatDate(parseDate("0076-02-29")!), "0076-02-29");
  assertEquals(parseDate("2024-13-01"), null, "month 13 does not roll into the next year");
});

Deno.test("parseDate reads dates, times and zones, and refuses what is not a date", () => {
  assertEquals(parseDate("2024-05-01")?.toISOString(), "2024-05-01T00:00:00.000Z");
  assertEquals(parseDate("2024-05-01 13:45")?.toISOString(), "2024-05-01T13:45:00.000Z");
  assertEquals(parseDate("2024-05-01T13:45:10+02:00")?.toISOString(), "2024-05-01T11:45:10.000Z");
  assertEquals(parseDate("2024-05-01T23:30:00-0130")?.toISOString(), "2024-05-02T01:00:00.000Z");
  for (const bad of ["2024-02-31", "yesterday", "2024-5-1", "2024-05-01x", ""]) {
    assertEquals(parseDate(bad), null, bad);
  }
  assertEquals(formatDate(new Date("2024-05-01T23:59:59Z")), "2024-05-01");
});
