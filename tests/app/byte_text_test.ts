/** Text views of raw bytes: escaping is unambiguous, UTF-8 is kept, everything else is \xHH. */

import {
  bytesToLatin1,
  displayText,
  escapeBytes,
  hasControl,
  isPrintableCodePoint,
  isVisibleCodePoint,
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

/** Characters that look like a space or like nothing, each with its UTF-8 escape. */
const INVISIBLE: Array<[string, string, string]> = [
  ["\u00a0", "\\xC2\\xA0", "no-break space (Zs)"],
  ["\u1680", "\\xE1\\x9A\\x80", "Ogham space mark (Zs)"],
  ["\u2000", "\\xE2\\x80\\x80", "en quad (Zs)"],
  ["\u200a", "\\xE2\\x80\\x8A", "hair space (Zs)"],
  ["\u202f", "\\xE2\\x80\\xAF", "narrow no-break space (Zs)"],
  ["\u205f", "\\xE2\\x81\\x9F", "medium mathematical space (Zs)"],
  ["\u3000", "\\xE3\\x80\\x80", "ideographic space (Zs)"],
  ["\u00ad", "\\xC2\\xAD", "soft hyphen (Cf)"],
  ["\u200b", "\\xE2\\x80\\x8B", "zero-width space (Cf)"],
  ["\u200d", "\\xE2\\x80\\x8D", "zero-width joiner (Cf)"],
  ["\u2060", "\\xE2\\x81\\xA0", "word joiner (Cf)"],
  ["\u2064", "\\xE2\\x81\\xA4", "invisible plus (Cf)"],
  ["\u180e", "\\xE1\\xA0\\x8E", "Mongolian vowel separator (Cf)"],
  ["\ufeff", "\\xEF\\xBB\\xBF", "BOM (Cf)"],
  ["\u{e0041}", "\\xF3\\xA0\\x81\\x81", "a tag character, outside the BMP (Cf)"],
  ["\u3164", "\\xE3\\x85\\xA4", "Hangul filler"],
  ["\u115f", "\\xE1\\x85\\x9F", "Hangul choseong filler"],
  ["\u1160", "\\xE1\\x85\\xA0", "Hangul jungseong filler"],
  ["\uffa0", "\\xEF\\xBE\\xA0", "halfwidth Hangul filler"],
];

for (const [ch, escaped, why] of INVISIBLE) {
  Deno.test(`escapeBytes with isVisibleCodePoint escapes the ${why}`, () => {
    assertEquals(escapeBytes(utf8(`a${ch}b`), false, isVisibleCodePoint), `a${escaped}b`);
  });
}

Deno.test("isVisibleCodePoint keeps letters, combining marks, emoji and CJK as they are", () => {
  // e + U+0301 (Mn), Devanagari with a vowel sign (Mc), Hebrew points, an emoji with a VS16
  // (Mn) and skin tone, Korean syllables: ordinary text, never escaped.
  for (const text of ["e\u0301", "हिन्दी", "שָׁלוֹם", "👍🏽", "❤\ufe0f", "한국어", "日本語", "café ☕"]) {
    assertEquals(escapeBytes(utf8(text), false, isVisibleCodePoint), text, text);
  }
});

Deno.test("isVisibleCodePoint refuses everything isPrintableCodePoint refuses", () => {
  for (const cp of [0x85, 0x9f, 0x2028, 0x2029, 0xfeff, 0x202e, 0x061c]) {
    assertEquals(
      [isPrintableCodePoint(cp), isVisibleCodePoint(cp)],
      [false, false],
      cp.toString(16),
    );
  }
});

Deno.test("escapeBytes by default still shows space-like characters as they are", () => {
  assertEquals(escapeBytes(utf8("a\u00a0b\u200bc")), "a\u00a0b\u200bc");
});

Deno.test("escapeBytes keeps line structure when breakAfterLf is set", () => {
  assertEquals(escapeBytes(utf8("a\r\nb\n"), true), "a\\r\\n\nb\\n\n");
});

Deno.test("displayText reads a latin1 header value as UTF-8 when it is UTF-8", () => {
  assertEquals(displayText("caf\u00c3\u00a9"), "café");
  assertEquals(displayText("plain"), "plain");
  assertEquals(displayText("caf\u00e9"), "caf\\xE9");
});

Deno.test("displayText keeps a no-break space and a zero-width space, as go-httpbin does", () => {
  // The httpbin-compatible JSON shows the characters; only /inspect escapes them.
  assertEquals(displayText("a\u00c2\u00a0b\u00e2\u0080\u008bc"), "a\u00a0b\u200bc");
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
