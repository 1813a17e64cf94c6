/** Query strings: pairs in order, repeated names grouped, strict decoding. */

import {
  firstValue,
  groupPairs,
  optionalValue,
  parseQuery,
  parseQueryAsGo,
} from "../../src/app/query_params.ts";
import { assertEquals } from "../support/assert.ts";

Deno.test("parseQuery keeps pairs in order with repeated names", () => {
  assertEquals(parseQuery("a=1&b=2&a=3"), [["a", "1"], ["b", "2"], ["a", "3"]]);
});

Deno.test("parseQuery decodes plus and escapes, and accepts names without values", () => {
  assertEquals(parseQuery("q=a+b%26c&flag&&x="), [["q", "a b&c"], ["flag", ""], ["x", ""]]);
});

Deno.test("parseQuery returns null when an escape is invalid", () => {
  assertEquals(parseQuery("a=%zz"), null);
  assertEquals(parseQuery("a=%ff"), null);
});

Deno.test("groupPairs groups values by name and treats __proto__ as a plain key", () => {
  const g = groupPairs([["a", "1"], ["__proto__", "x"], ["a", "2"]]);
  assertEquals(JSON.stringify(g), '{"a":["1","2"],"__proto__":["x"]}');
  assertEquals(Object.getPrototypeOf(g), null);
});

Deno.test("firstValue gives the first value of a name", () => {
  assertEquals(firstValue([["a", "1"], ["a", "2"]], "a"), "1");
  assertEquals(firstValue([], "a"), undefined);
});

Deno.test("parseQueryAsGo leaves out what Go's url.ParseQuery drops and keeps the rest", () => {
  // A bad escape in the name or the value, and a `;` (Go 1.17+), drop that pair only.
  assertEquals(parseQueryAsGo("a=%zz&%4=1&b=1;c=2&d=x+y%21&e"), [["d", "x y!"], ["e", ""]]);
});

Deno.test("parseQueryAsGo turns bytes that are not UTF-8 into U+FFFD, as Go's JSON shows them", () => {
  assertEquals(parseQueryAsGo("h=%FF&%FE=%C3%A9"), [["h", "\uFFFD"], ["\uFFFD", "\u00e9"]]);
});

Deno.test("optionalValue takes the first value, and an empty first value as absent", () => {
  const pairs = parseQueryAsGo("a=&a=2&b=1&b=3");
  assertEquals([optionalValue(pairs, "a"), optionalValue(pairs, "b")], [undefined, "1"]);
  assertEquals(optionalValue(pairs, "c"), undefined);
});
