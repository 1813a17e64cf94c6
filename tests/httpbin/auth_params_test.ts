/** The auth-param parser (RFC 9110 §11.2) Digest credentials go through. */

import { parseAuthParams } from "../../src/httpbin/auth_params.ts";
import { assertEquals } from "../support/assert.ts";

const GOOD: Array<[string, string, string, Record<string, string>]> = [
  ["tokens and quoted strings", 'Digest a=1, b="two"', "digest", { a: "1", b: "two" }],
  ["a comma inside quotes", 'Digest uri="/x?a=1,2", nc=1', "digest", { uri: "/x?a=1,2", nc: "1" }],
  ["escaped quote and backslash", 'Digest u="a\\"b\\\\c"', "digest", { u: 'a"b\\c' }],
  ["names case-insensitive", "DIGEST Realm=x", "digest", { realm: "x" }],
  ["OWS and empty elements", "Digest  a = 1 ,, b=2 ,", "digest", { a: "1", b: "2" }],
  ["scheme alone", "Digest", "digest", {}],
];

for (const [name, value, scheme, params] of GOOD) {
  Deno.test(`parseAuthParams reads ${name}`, () => {
    const p = parseAuthParams(value);
    assertEquals(p?.scheme, scheme);
    assertEquals(Object.fromEntries(p!.params), params);
  });
}

const BAD: Array<[string, string]> = [
  ["an unterminated quoted string", 'Digest a="x'],
  ["a parameter without =", "Digest a, b=1"],
  ["a name given twice", "Digest a=1, a=2"],
  ["text after a value", "Digest a=1 b=2"],
  ["an empty value", "Digest a=, b=1"],
  ["a trailing backslash in quotes", 'Digest a="x\\'],
  ["no scheme", " a=1"],
  ["a scheme glued to a separator", "Digest,a=1"],
];

for (const [name, value] of BAD) {
  Deno.test(`parseAuthParams refuses ${name}`, () => {
    assertEquals(parseAuthParams(value), null);
  });
}
