/**
 * Front matter and titles of Markdown posts: the `key: value` subset, the first heading as the
 * title, dates with and without times and zones, and text that only looks like front matter.
 */

import {
  formatDate,
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
