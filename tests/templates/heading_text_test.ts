/**
 * A heading's inline Markdown as plain text, for post titles in listings: the words a reader
 * sees in the rendered heading, without backticks, asterisks, link targets or references.
 */

import { headingText } from "../../src/templates/heading_text.ts";
import { assertEquals } from "../support/assert.ts";

Deno.test("headingText drops inline Markdown and keeps the words", () => {
  const cases: Array<[string, string]> = [
    ["Using `fetch` in Deno", "Using fetch in Deno"],
    ["**Bold**, *em*, __strong__, _em_ and ~~gone~~", "Bold, em, strong, em and gone"],
    ["***both*** and **nested *em***", "both and nested em"],
    ["[A link](https://example.com/x) and ![a picture](p.png)", "A link and a picture"],
    ["See <https://example.com>", "See https://example.com"],
    ["Fish &amp; chips &#8212; &#x263A; &lt;3", "Fish & chips — ☺ <3"],
    ['<b>Raw</b> <span class="x">HTML</span>', "Raw HTML"],
  ];
  for (const [source, text] of cases) assertEquals(headingText(source), text, source);
});

Deno.test("headingText leaves text that is not Markdown syntax as written", () => {
  const cases: Array<[string, string]> = [
    ["5 < 6 and 2 * 3 * 4", "5 < 6 and 2 * 3 * 4"],
    ["snake_case_name, a__b__c and 2*3", "snake_case_name, a__b__c and 2*3"],
    ["C++ & C#", "C++ & C#"],
    ["Escaped \\*stars\\* and \\`ticks\\`", "Escaped *stars* and `ticks`"],
    ["Code keeps `**this**` and `a &amp; b`", "Code keeps **this** and a &amp; b"],
    ["`` `ticks` inside ``", "`ticks` inside"],
    ["&unknown; stays", "&unknown; stays"],
    ["Prices: [1, 2] and a [reference][ref]", "Prices: [1, 2] and a [reference][ref]"],
  ];
  for (const [source, text] of cases) assertEquals(headingText(source), text, source);
});
