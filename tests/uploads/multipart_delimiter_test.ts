/**
 * The multipart delimiter search on its own: the first whole CRLF "--" boundary is found wherever
 * it sits (checked against a naive search on haystacks made of the delimiter's own bytes, where a
 * wrong skip table would jump over a match), a delimiter cut across two chunks is seen whole,
 * the carried tail is exactly the longest possible start, and near misses are not delimiters.
 */

import { MultipartDelimiter } from "../../src/uploads/multipart_delimiter.ts";
import { assertEquals } from "../support/assert.ts";

const BOUNDARY = "----WebKitFormBoundaryX3c9";
const enc = new TextEncoder();
const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const DELIMITER = `\r\n--${BOUNDARY}`;

/** The obvious quadratic search the fast one must agree with. */
function naiveIndex(hay: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

Deno.test("delimiter length counts the CRLF and the two dashes", () => {
  assertEquals(new MultipartDelimiter("b").length, 5);
  assertEquals(new MultipartDelimiter(BOUNDARY).length, DELIMITER.length);
});

Deno.test("delimiter search finds the first whole delimiter at or after `from`", () => {
  const d = new MultipartDelimiter(BOUNDARY);
  const hay = enc.encode(`${DELIMITER}abc${DELIMITER}--${DELIMITER}`);
  const second = DELIMITER.length + 3;
  const third = second + DELIMITER.length + 2;
  assertEquals(d.indexIn(hay, 0), 0);
  assertEquals(d.indexIn(hay, 1), second);
  assertEquals(d.indexIn(hay, second), second);
  assertEquals(d.indexIn(hay, second + 1), third, "a delimiter ending the chunk is found");
  assertEquals(d.indexIn(hay, third + 1), -1);
  assertEquals(d.indexIn(enc.encode("no delimiter here"), 0), -1);
});

Deno.test("delimiter search reports no match for near misses, which stay data", () => {
  const d = new MultipartDelimiter(BOUNDARY);
  const misses: Array<[string, string]> = [
    ["LF without CR", `\n--${BOUNDARY}`],
    ["no line break before", `x--${BOUNDARY}`],
    ["one dash", `\r\n-${BOUNDARY}`],
    ["boundary cut short", `\r\n--${BOUNDARY.slice(0, -1)}`],
    ["boundary cut short then more", `\r\n--${BOUNDARY.slice(0, -1)}X\r\n`],
    ["last byte differs", `\r\n--${BOUNDARY.slice(0, -1)}8`],
    ["case differs", `\r\n--${BOUNDARY.toLowerCase()}`],
    ["prefix of the boundary only", `\r\n--${BOUNDARY.slice(0, 10)}`],
  ];
  for (const [what, text] of misses) {
    assertEquals(d.indexIn(enc.encode(`data ${text} data`), 0), -1, what);
  }
  // Every single-byte change anywhere in the delimiter makes it data.
  for (let i = 0; i < DELIMITER.length; i++) {
    const changed = latin1(DELIMITER);
    changed[i] ^= 0x01;
    assertEquals(d.indexIn(changed, 0), -1, `byte ${i} changed`);
  }
});

Deno.test("delimiter search agrees with a naive search on look-alike haystacks", () => {
  let seed = 11;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  for (const boundary of ["b", "ab", "--x--", BOUNDARY, "z".repeat(70)]) {
    const d = new MultipartDelimiter(boundary);
    const needle = latin1(`\r\n--${boundary}`);
    // Pieces of the delimiter itself, so partial matches and repeated bytes are everywhere.
    const pieces = [needle, needle.subarray(0, 3), needle.subarray(1), latin1("\r"), latin1("x")];
    for (let round = 0; round < 500; round++) {
      const parts: number[] = [];
      while (parts.length < 10 + random(200)) parts.push(...pieces[random(pieces.length)]);
      const hay = Uint8Array.from(parts);
      const from = random(hay.length + 1);
      assertEquals(d.indexIn(hay, from), naiveIndex(hay, needle, from), `${boundary} #${round}`);
    }
  }
});

Deno.test("a delimiter cut across two chunks is found at every cut point", () => {
  const d = new MultipartDelimiter(BOUNDARY);
  const needle = latin1(DELIMITER);
  for (let cut = 1; cut < needle.length; cut++) {
    const carry = Uint8Array.from([...enc.encode("tail"), ...needle.subarray(0, cut)]);
    // Bytes before `at` belong to the previous state and must not be looked at.
    const chunk = Uint8Array.from([
      ...enc.encode("xx"),
      ...needle.subarray(cut),
      ...enc.encode("--"),
    ]);
    const p = carry.length - cut;
    assertEquals(d.startsAcross(carry, p, chunk, 2), true, `cut at ${cut}`);
    assertEquals(d.startsAcross(carry, p - 1, chunk, 2), false, `one byte early, cut ${cut}`);
    if (p + 1 < carry.length) {
      assertEquals(d.startsAcross(carry, p + 1, chunk, 2), false, `one byte late, cut ${cut}`);
    }
    // A change to any one byte, on either side of the cut, makes it data.
    for (let i = 0; i < needle.length; i++) {
      const [c, k] = [carry.slice(), chunk.slice()];
      if (i < cut) c[p + i] ^= 0x01;
      else k[2 + i - cut] ^= 0x01;
      assertEquals(d.startsAcross(c, p, k, 2), false, `cut ${cut}, byte ${i} changed`);
    }
  }
});

Deno.test("a near miss cut across two chunks is not a delimiter", () => {
  const d = new MultipartDelimiter(BOUNDARY);
  const carry = latin1("\r\n--");
  const chunk = enc.encode(`${BOUNDARY.slice(0, -1)}8 and more`);
  assertEquals(d.startsAcross(carry, 0, chunk, 0), false);
});

Deno.test("the carried tail is the longest end of the chunk that can start a delimiter", () => {
  const d = new MultipartDelimiter(BOUNDARY);
  for (let k = 1; k < DELIMITER.length; k++) {
    const chunk = latin1(`data${DELIMITER.slice(0, k)}`);
    assertEquals(d.partialAtEnd(chunk, 0), k, `${k} bytes of the delimiter at the end`);
  }
  assertEquals(
    d.partialAtEnd(latin1("data\r\n--Web\r\n-"), 0),
    3,
    "only a start that runs to the end counts",
  );
  assertEquals(d.partialAtEnd(latin1("data\n--"), 0), 0, "no CR, nothing to carry");
  assertEquals(d.partialAtEnd(latin1(`data\r\n--${BOUNDARY.slice(0, 5)}X`), 0), 0);
  assertEquals(d.partialAtEnd(enc.encode("data"), 0), 0);
});

Deno.test("the carried tail never reaches back before `from`", () => {
  const d = new MultipartDelimiter(BOUNDARY);
  const chunk = latin1("\r\n--");
  assertEquals(d.partialAtEnd(chunk, 0), 4);
  assertEquals(d.partialAtEnd(chunk, 1), 0, "the CR before `from` is already consumed");
  assertEquals(d.partialAtEnd(chunk, 4), 0);
});
