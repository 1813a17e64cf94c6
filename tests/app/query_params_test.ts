/** Query strings: pairs in order, repeated names grouped, strict decoding. */

import { firstValue, groupPairs, parseQuery } from "../../src/app/query_params.ts";
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
