/** Entity-tag making, parsing and comparison (RFC 9110 §8.8.3). */

import { fileEtag, parseEntityTags, strongMatch, weakMatch } from "../../src/app/etag.ts";
import { assert, assertEquals } from "../support/assert.ts";

Deno.test("fileEtag changes when size, time, inode or change time change", () => {
  const T = 1_700_000_000_000;
  const base = fileEtag(100, T, T + 5, 42);
  assertEquals(base, `"2s-${T.toString(36)}-16-${(T + 5).toString(36)}"`);
  const others = [
    fileEtag(101, T, T + 5, 42),
    fileEtag(100, T + 1, T + 5, 42),
    fileEtag(100, T, T + 5, 43),
    fileEtag(100, T, T + 5, null),
    // Rewritten in place with the mtime set back: only the change time moved.
    fileEtag(100, T, T + 9, 42),
    fileEtag(100, T, T + 5, 42, "br"),
  ];
  assertEquals(new Set([base, ...others]).size, 7);
});

Deno.test("fileEtag is a valid strong entity-tag", () => {
  const tags = parseEntityTags(
    fileEtag(123456, 1_700_000_000_123, 1_700_000_000_456, 987654321, "gzip"),
  );
  assert(Array.isArray(tags) && tags.length === 1 && !tags[0].weak);
});

const PARSE: Array<[string, ReturnType<typeof parseEntityTags>]> = [
  ['"a"', [{ weak: false, opaque: "a" }]],
  ['W/"a"', [{ weak: true, opaque: "a" }]],
  ['"a", W/"b" ,"c"', [{ weak: false, opaque: "a" }, { weak: true, opaque: "b" }, {
    weak: false,
    opaque: "c",
  }]],
  ['""', [{ weak: false, opaque: "" }]],
  ["*", "*"],
  ["a", null],
  ['"a" "b"', null],
  ['"a', null],
  ['w/"a"', null],
  ['"a b"', null],
  ["", null],
  // OWS is SP and HTAB only (RFC 9110 §5.6.3): a no-break space (0xA0) around a tag is no OWS.
  [' \t"a"\t ', [{ weak: false, opaque: "a" }]],
  ['"a"\xA0', null],
  ['\xA0"a"', null],
  ['"a"\xA0, "b"', null],
  ["*\xA0", null],
  ['"a\xA0"', [{ weak: false, opaque: "a\xA0" }]], // obs-text inside the quotes is etagc
];

for (const [value, want] of PARSE) {
  Deno.test(`parseEntityTags parses ${JSON.stringify(value)}`, () => {
    assertEquals(parseEntityTags(value), want);
  });
}

Deno.test("strongMatch needs both strong and equal; weakMatch only equal", () => {
  const s = { weak: false, opaque: "x" };
  const w = { weak: true, opaque: "x" };
  const other = { weak: false, opaque: "y" };
  assertEquals([strongMatch(s, s), strongMatch(s, w), strongMatch(w, w), strongMatch(s, other)], [
    true,
    false,
    false,
    false,
  ]);
  assertEquals([weakMatch(s, w), weakMatch(w, w), weakMatch(s, other)], [true, true, false]);
});
