/** Structured Field dictionaries (RFC 8941 §4.2.2): what parses, to what, and what fails whole. */

import { parseDictionary } from "../../src/app/sf_dictionary.ts";
import { assertEquals } from "../support/assert.ts";

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

Deno.test("parseDictionary reads byte sequences, integers, tokens, strings and booleans", () => {
  const dict = parseDictionary(
    'sha-256=:aGVsbG8=:, n=10, d=-1.5, t=abc/def, s="q\\"x", flag, no=?0',
  );
  assertEquals(dict?.get("sha-256"), bytes("hello"));
  assertEquals(dict?.get("n"), 10);
  assertEquals(dict?.get("d"), -1.5);
  assertEquals(dict?.get("t"), { token: "abc/def" });
  assertEquals(dict?.get("s"), 'q"x');
  assertEquals(dict?.get("flag"), true);
  assertEquals(dict?.get("no"), false);
});

Deno.test("parseDictionary keeps the last value of a repeated key and drops parameters", () => {
  const dict = parseDictionary("a=1;x=2, b=(1 2);y, a=3");
  assertEquals([...dict!.keys()], ["b", "a"]);
  assertEquals(dict?.get("a"), 3);
  assertEquals(dict?.get("b"), { inner: [1, 2] });
});

Deno.test("parseDictionary accepts an empty field and surrounding spaces", () => {
  assertEquals(parseDictionary("")?.size, 0);
  assertEquals(parseDictionary("  a=1 ,\tb=2  ")?.get("b"), 2);
});

Deno.test("parseDictionary discards leading and trailing SP only (RFC 8941 §4.2)", () => {
  // String.trim would also take a no-break space (0xA0, a raw byte of a field value) and HTAB.
  for (const value of ["a=1\xA0", "\xA0a=1", "a=1,\xA0b=2", "\ta=1"]) {
    assertEquals(parseDictionary(value), null, JSON.stringify(value));
  }
  assertEquals(parseDictionary("  a=1  ")?.get("a"), 1);
  assertEquals(parseDictionary("a=1\t")?.get("a"), 1, "OWS after a member (§4.2.2)");
});

Deno.test("parseDictionary fails the whole field on any syntax error", () => {
  const bad = [
    "A=1", // upper-case key
    "a=1,", // trailing comma
    "a=1,,b=2", // empty member
    "a=:not base64!:", // bad byte sequence
    "a=:aGVsbG8=", // unterminated byte sequence
    'a="open', // unterminated string
    'a="\\x"', // bad escape
    "a=?2", // bad boolean
    "a=1234567890123456", // integer too long
    "a=1.2345", // too many fraction digits
    "a=1.", // no fraction digits
    "a=1 b=2", // missing comma
    "a=(1 2", // unterminated inner list
    "a=é", // not a bare item
  ];
  for (const value of bad) assertEquals(parseDictionary(value), null, value);
});
