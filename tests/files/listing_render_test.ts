/**
 * Listing renderers: hostile names are escaped in HTML text and attributes, percent-encoded in
 * links, and round-trip through the JSON; sizes, sort links, breadcrumbs and truncation.
 */

import type { ListingEntry } from "../../src/files/listing.ts";
import { listingHtmlPieces, renderListingHtml } from "../../src/files/listing_html.ts";
import { listingJsonPieces, renderListingJson } from "../../src/files/listing_json.ts";
import { escapeHtml, humanSize, visibleName } from "../../src/files/listing_text.ts";
import { assert, assertEquals } from "../support/assert.ts";

const MTIME = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
const file = (name: string, size = 1): ListingEntry => ({ name, type: "file", size, mtime: MTIME });

/** [name, how its link must look, a fragment that must never appear raw in the page]. */
const HOSTILE: Array<[string, string, string]> = [
  ["a b.txt", "/files/dir/a%20b.txt", 'href="/files/dir/a b'],
  ["100%.txt", "/files/dir/100%25.txt", 'href="/files/dir/100%.txt"'],
  ["a#b", "/files/dir/a%23b", 'href="/files/dir/a#b"'],
  ["a?b", "/files/dir/a%3Fb", 'href="/files/dir/a?b"'],
  ['say "hi"', "/files/dir/say%20%22hi%22", 'say "hi"'],
  ["it's", "/files/dir/it%27s", 'href="/files/dir/it&#39;s"'],
  ["<script>alert(1)</script>", "/files/dir/%3Cscript%3Ealert(1)%3C%2Fscript%3E", "<script>"],
  ["a&b", "/files/dir/a%26b", "a&b<"],
  ["😀.png", "/files/dir/%F0%9F%98%80.png", "%F0%9F%98%80.png<"],
  ["line\nbreak", "/files/dir/line%0Abreak", "line\nbreak"],
  ["javascript:alert(1)", "/files/dir/javascript%3Aalert(1)", 'href="javascript:'],
  ["%20", "/files/dir/%2520", 'href="/files/dir/%20"'],
];

for (const [name, href, forbidden] of HOSTILE) {
  Deno.test(`HTML listing escapes ${JSON.stringify(name)} in text and link`, () => {
    const html = renderListingHtml({
      mount: "/files/",
      segments: ["dir"],
      entries: [file(name)],
      truncated: false,
      sort: "name",
      order: "asc",
    });
    assert(html.includes(`href="${escapeHtml(href)}"`), `link ${href} missing`);
    assert(
      html.includes(`><bdi>${escapeHtml(visibleName(name))}</bdi></a>`),
      "escaped text missing",
    );
    assert(!html.includes(forbidden), `raw ${JSON.stringify(forbidden)} in page`);
  });

  Deno.test(`JSON listing keeps ${JSON.stringify(name)} and encodes its url`, () => {
    const doc = JSON.parse(renderListingJson("/files/", ["dir"], [file(name)], false));
    assertEquals(doc.entries[0].name, name);
    assertEquals(doc.entries[0].url, href);
  });
}

Deno.test("HTML listing shows a newline in a name as a visible symbol", () => {
  assertEquals(visibleName("a\nb\x00c\x7f"), "a␊b␀c␡");
});

Deno.test("HTML listing shows bidi controls in a name as code points, each name isolated", () => {
  const spoof = "invoice\u202Efdp.exe";
  assertEquals(visibleName(spoof), "invoice<U+202E>fdp.exe");
  assertEquals(
    visibleName("\u202A\u202B\u202C\u202D\u2066\u2067\u2068\u2069\u200E\u200F\u061C"),
    "<U+202A><U+202B><U+202C><U+202D><U+2066><U+2067><U+2068><U+2069><U+200E><U+200F><U+061C>",
  );
  assertEquals(visibleName("שלום.txt"), "שלום.txt", "right-to-left letters stay as they are");
  const html = renderListingHtml({
    mount: "/files/",
    segments: ["a\u2067b"],
    entries: [file(spoof)],
    truncated: false,
    sort: "name",
    order: "asc",
  });
  assert(!/[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/.test(html), "a raw bidi control");
  assert(html.includes("<bdi>invoice&lt;U+202E&gt;fdp.exe</bdi>"), "the row's name");
  assert(html.includes("<bdi>a&lt;U+2067&gt;b</bdi>"), "the breadcrumb");
});

Deno.test("HTML listing escapes hostile folder names in the title and breadcrumbs", () => {
  const html = renderListingHtml({
    mount: "/files/",
    segments: ["<b>", "x y"],
    entries: [],
    truncated: false,
    sort: "name",
    order: "asc",
  });
  assert(!html.includes("<b>"));
  assert(html.includes('<a href="/files/%3Cb%3E/"><bdi>&lt;b&gt;</bdi></a>'));
  assert(html.includes('<a href="/files/%3Cb%3E/">../</a>'), "parent link");
  assert(html.includes("<title>Index of /files/&lt;b&gt;/x y/</title>"));
});

Deno.test("HTML listing links folders with a final slash and marks links", () => {
  const html = renderListingHtml({
    mount: "/files/",
    segments: [],
    entries: [
      { name: "d", type: "dir", size: 0, mtime: MTIME },
      { name: "l", type: "symlink", target: "dir", size: 0, mtime: MTIME },
    ],
    truncated: false,
    sort: "name",
    order: "asc",
  });
  assert(html.includes('<a href="/files/d/"><bdi>d</bdi>/</a>'));
  assert(html.includes('<a href="/files/l/"><bdi>l</bdi>/ <small>(link)</small></a>'));
  assert(!html.includes("../"), "no parent link at the mount");
});

Deno.test("HTML listing sort links are absolute, toggle the active column and keep others ascending", () => {
  const html = renderListingHtml({
    mount: "/files/",
    segments: ["a%20b", "c"],
    entries: [],
    truncated: false,
    sort: "size",
    order: "asc",
  });
  // Absolute: a client resolving `?sort=` against the decoded path would leave this folder.
  assert(html.includes('href="/files/a%2520b/c/?sort=size&amp;order=desc">Size ▲</a>'));
  assert(html.includes('href="/files/a%2520b/c/?sort=name&amp;order=asc">Name</a>'));
  assert(html.includes('aria-sort="ascending"'));
});

Deno.test("HTML listing pieces join into the same page however many rows each holds", () => {
  const entries = ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"].map((name) => ({
    name,
    type: "file" as const,
    size: 1,
    mtime: null,
  }));
  for (const segments of [[], ["sub"]]) {
    for (const count of [0, 1, 5]) {
      const listing = {
        mount: "/files/",
        segments,
        entries: entries.slice(0, count),
        truncated: true,
        sort: "name" as const,
        order: "asc" as const,
      };
      const whole = renderListingHtml(listing);
      for (const rows of [1, 2, 3, 500]) {
        assertEquals([...listingHtmlPieces(listing, rows)].join(""), whole, `${count}/${rows}`);
      }
    }
  }
});

Deno.test("HTML listing gives each size in bytes as a tooltip, one byte in the singular", () => {
  const html = renderListingHtml({
    mount: "/files/",
    segments: [],
    entries: [file("one.txt", 1), file("two.txt", 2), file("none.txt", 0)],
    truncated: false,
    sort: "name",
    order: "asc",
  });
  assert(html.includes('title="1 byte"'), html);
  assert(html.includes('title="2 bytes"') && html.includes('title="0 bytes"'), html);
  assert(!html.includes('"1 bytes"'), html);
});

Deno.test("HTML listing says when it was truncated", () => {
  const page = (truncated: boolean) =>
    renderListingHtml({
      mount: "/files/",
      segments: [],
      entries: [file("a")],
      truncated,
      sort: "name",
      order: "asc",
    });
  assert(page(true).includes("Only the first 1 entries are shown."));
  assert(!page(false).includes("Only the first"));
});

Deno.test("JSON listing has path, entries with ISO mtime, and truncated", () => {
  const doc = JSON.parse(
    renderListingJson("/files/", ["a b"], [
      file("x", 5),
      { name: "l", type: "symlink", target: "file", size: 3, mtime: null },
    ], true),
  );
  assertEquals(doc, {
    path: "/files/a%20b/",
    entries: [
      { name: "x", type: "file", size: 5, mtime: MTIME.toISOString(), url: "/files/a%20b/x" },
      { name: "l", type: "symlink", target: "file", size: 3, mtime: null, url: "/files/a%20b/l" },
    ],
    truncated: true,
  });
});

const SIZES: Array<[number, string]> = [
  [0, "0 B"],
  [1023, "1023 B"],
  [1024, "1.0 KiB"],
  [1536, "1.5 KiB"],
  [10 * 1024, "10 KiB"],
  [20 * 1024 * 1024, "20 MiB"],
  [5 * 1024 ** 4, "5.0 TiB"],
];

for (const [bytes, want] of SIZES) {
  Deno.test(`humanSize shows ${bytes} bytes as ${want}`, () => {
    assertEquals(humanSize(bytes), want);
  });
}

Deno.test("JSON listing pieces join into the same document however many entries each holds", () => {
  const entries: ListingEntry[] = ["a", "b", "c"].map((name) => ({
    name,
    type: "file",
    size: 2,
    mtime: new Date(0),
  }));
  for (const count of [0, 1, 3]) {
    const some = entries.slice(0, count);
    const whole = renderListingJson("/files/", ["d"], some, false);
    assertEquals(JSON.parse(whole).entries.length, count);
    for (const per of [1, 2, 500]) {
      assertEquals([...listingJsonPieces("/files/", ["d"], some, false, per)].join(""), whole);
    }
  }
});
