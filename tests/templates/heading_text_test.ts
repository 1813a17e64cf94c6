/**
 * A heading's inline Markdown as plain text, for post titles in listings: the words a reader
 * sees in the rendered heading, without backticks, asterisks, link targets or references.
 */

import { headingText } from "../../src/templates/heading_text.ts";
import { MAX_EMPHASIS_ROUNDS } from "../../src/templates/emphasis_text.ts";
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
    // the placeholder the escapes are held under, written in the heading: not another span
    ["`code` and \ue0000\ue000 here", "code and 0 here"],
  ];
  for (const [source, text] of cases) assertEquals(headingText(source), text, source);
});

Deno.test("headingText agrees with markdown-it on nested brackets, parentheses, titles and ~", () => {
  // each expectation is the text of the page: markdown-it's rendering of `# <source>`, sanitised
  const cases: Array<[string, string]> = [
    ["[a [b] c](u)", "a [b] c"],
    ["See [x](a_(b)) now", "See x now"],
    ['A [link](u "t (x)")', "A link"],
    ["[a](b 'c') and [d](<e f> (g))", "a and d"],
    ["[a](b(c)d) e", "a e"],
    ["[![logo](l.png) Home](/)", "logo Home"],
    ["[a [b](c) d](e)", "[a b d](e)"], // a link holds no link (marked: "a b d")
    ["[a [b] c](e) [d [e](f)](g)", "a [b] c [d e](g)"],
    ["<!-- draft --> Title", "Title"],
    ["<!--> A <!---> B", "A B"],
    ["~~one~~ and ~~~two~~~ and ~~~~three~~~~", "one and ~two~ and three"],
  ];
  for (const [source, text] of cases) assertEquals(headingText(source), text, source);
});

Deno.test("headingText leaves what markdown-it does not read as a link or strikethrough", () => {
  const cases: Array<[string, string]> = [
    ["[a](b c)", "[a](b c)"],
    ['[a](b "c" d)', '[a](b "c" d)'],
    ["[a](b (c)", "[a](b (c)"],
    ["~one~ and ~a~~", "~one~ and ~a~~"], // marked: "one and ~a~~"
    ["x <!-- never closed", "x <!-- never closed"],
    ["``a` and a]( b", "``a` and a]( b"],
  ];
  for (const [source, text] of cases) assertEquals(headingText(source), text, source);
});

/** Characters of the hostile headings below (16 KiB). */
const HOSTILE_BYTES = 16 * 1024;
/**
 * Most steps per character a heading may take: each scan looks at each character a few times, in
 * each of up to MAX_EMPHASIS_ROUNDS rounds of emphasis (a rescan from every opener is thousands).
 */
const STEPS_PER_CHAR = 16 * MAX_EMPHASIS_ROUNDS;

Deno.test("headingText looks at each character of a hostile heading a bounded number of times", () => {
  const unit = (pattern: string) => pattern.repeat(Math.floor(HOSTILE_BYTES / pattern.length));
  const cases: Array<[string, string]> = [
    ["a run of [", unit("[")],
    ["a run of ![", unit("![")],
    ["a run of [ closed once at the end", `${unit("[")}](u)`],
    ["a run of ![ closed once at the end", `${unit("![")}](u)`],
    ["links never closed", unit("[](")],
    ["links with spaces", unit("[]( a")],
    ["titles never closed", unit('[](a "')],
    ["pointy destinations never closed", unit("[](<")],
    ["a long backtick run", "`".repeat(HOSTILE_BYTES / 2) + "a".repeat(HOSTILE_BYTES / 2)],
    ["comments never closed", unit("<!--")],
    ["stars never closed", unit("*a ")],
    ["double stars never closed", unit("**a ")],
    ["underscores never closed", unit(" _a")],
    ["tildes never closed", unit("~a ")],
  ];
  for (const [name, source] of cases) {
    const meter = { steps: 0 };
    const text = source.replace(/\s+/g, " ").trim().replace(/(!?\[)\]\(u\)$/, "");
    assertEquals(headingText(source, meter), text, name);
    // at least one look at each character: the meter counts the real scans
    const bounded = meter.steps >= source.length && meter.steps <= STEPS_PER_CHAR * source.length;
    assertEquals(bounded, true, `${name}: ${meter.steps} steps for ${source.length} characters`);
  }
});

Deno.test("headingText bounds the rounds of emphasis nested past any real title", () => {
  const depth = HOSTILE_BYTES / 6;
  const source = "*a ".repeat(depth) + "a* ".repeat(depth);
  const meter = { steps: 0 };
  headingText(source, meter);
  const bounded = meter.steps <= STEPS_PER_CHAR * source.length;
  assertEquals(bounded, true, `${meter.steps} steps for ${source.length} characters`);
  // within the rounds, nesting comes off whole
  assertEquals(headingText("*a _b ~~c **d** c~~ b_ a*"), "a b c d c b a");
});
