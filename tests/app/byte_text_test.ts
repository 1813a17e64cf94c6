/** Text views of raw bytes: escaping is unambiguous, UTF-8 is kept, everything else is \xHH. */

import {
  bytesToLatin1,
  displayText,
  escapeBytes,
  hasControl,
  latin1Bytes,
  toBase64,
  utf8OrNull,
} from "../../src/app/byte_text.ts";
import { assertEquals } from "../support/assert.ts";

const b = (...xs: number[]) => new Uint8Array(xs);
const utf8 = (s: string) => new TextEncoder().encode(s);

const ESCAPES: Array<[Uint8Array, string, string]> = [
  [utf8("GET / HTTP/1.1\r\n"), "GET / HTTP/1.1\\r\\n", "CR and LF"],
  [utf8("a\tb"), "a\\tb", "TAB"],
  [utf8("back\\slash"), "back\\\\slash", "a backslash is doubled"],
  [b(0x00, 0x7f, 0x1b), "\\x00\\x7F\\x1B", "control bytes"],
  [b(0xff, 0x80), "\\xFF\\x80", "bytes that are not UTF-8"],
  [utf8("café ☕"), "café ☕", "well-formed UTF-8"],
  [b(0xc3), "\\xC3", "a truncated UTF-8 sequence"],
  [b(0xc0, 0xaf), "\\xC0\\xAF", "an overlong sequence"],
  [utf8("\u0085"), "\\xC2\\x85", "a C1 control encoded in UTF-8"],
  [utf8("\u202e"), "\\xE2\\x80\\xAE", "a bidi override"],
  [utf8("\u061c"), "\\xD8\\x9C", "the Arabic letter mark (a bidi control)"],
  [utf8("\\x41"), "\\\\x41", "a literal \\x stays distinguishable"],
];

for (const [input, expected, why] of ESCAPES) {
  Deno.test(`escapeBytes shows ${why} unambiguously`, () => {
    assertEquals(escapeBytes(input), expected);
  });
}

Deno.test("escapeBytes keeps line structure when breakAfterLf is set", () => {
  assertEquals(escapeBytes(utf8("a\r\nb\n"), true), "a\\r\\n\nb\\n\n");
});

Deno.test("displayText reads a latin1 header value as UTF-8 when it is UTF-8", () => {
  assertEquals(displayText("caf\u00c3\u00a9"), "café");
  assertEquals(displayText("plain"), "plain");
  assertEquals(displayText("caf\u00e9"), "caf\\xE9");
});

Deno.test("latin1Bytes and bytesToLatin1 round-trip every byte value", () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assertEquals(latin1Bytes(bytesToLatin1(all)), all);
});

Deno.test("utf8OrNull refuses invalid UTF-8 instead of inserting U+FFFD", () => {
  assertEquals(utf8OrNull(b(0x68, 0x69)), "hi");
  assertEquals(utf8OrNull(b(0xff)), null);
});

Deno.test("toBase64 is standard base64", () => {
  assertEquals(toBase64(b(0xfb, 0xff)), "+/8=");
});

Deno.test("hasControl finds C0 and DEL, and allows TAB only when asked", () => {
  assertEquals([hasControl("plain"), hasControl("a\rb"), hasControl("a\x7f")], [false, true, true]);
  assertEquals([hasControl("a\tb"), hasControl("a\tb", true), hasControl("\n", true)], [
    true,
    false,
    true,
  ]);
  assertEquals(hasControl("café"), false);
});
