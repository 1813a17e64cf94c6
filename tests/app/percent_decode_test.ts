/** Strict percent-decoding: escapes, UTF-8, and the inputs that must be refused. */

import { percentDecode } from "../../src/app/percent_decode.ts";
import { assertEquals } from "../support/assert.ts";

const CASES: Array<[string, string | null, string]> = [
  ["abc", "abc", "no escapes"],
  ["hello%20world", "hello world", "an escaped space"],
  ["%41%62c", "Abc", "upper and lower case hex"],
  ["a%2Fb", "a/b", "an escaped slash decodes"],
  ["caf%C3%A9", "café", "a UTF-8 sequence"],
  ["%F0%9F%98%80", "😀", "a four-byte sequence"],
  ["a+b", "a+b", "plus stays a plus in a path"],
  ["%", null, "a lone percent"],
  ["%4", null, "a truncated escape"],
  ["%zz", null, "non-hex digits"],
  ["%ff", null, "a byte that is not UTF-8"],
  ["%C3", null, "a truncated UTF-8 sequence"],
  ["%C0%AF", null, "an overlong encoding of /"],
  ["%ED%A0%80", null, "an encoded surrogate"],
  ["%00", "\0", "NUL decodes (callers decide whether to allow it)"],
  ["é", "é", "a raw non-ASCII character is kept"],
];

for (const [input, expected, why] of CASES) {
  Deno.test(`percentDecode gives ${JSON.stringify(expected)} for ${why}`, () => {
    assertEquals(percentDecode(input), expected);
  });
}

Deno.test("percentDecode turns plus into space when plusAsSpace is set", () => {
  assertEquals(percentDecode("a+b%2B", { plusAsSpace: true }), "a b+");
});

Deno.test("percentDecode with lossyUtf8 makes bytes that are not UTF-8 U+FFFD, not invalid", () => {
  assertEquals(percentDecode("a%FFb", { lossyUtf8: true }), "a\uFFFDb");
  assertEquals(percentDecode("%C3%A9", { lossyUtf8: true }), "\u00e9");
  assertEquals(percentDecode("%zz", { lossyUtf8: true }), null, "a bad escape is still invalid");
});
