/** parseJsonBody: JSON as go-httpbin's decoder accepts it. */

import { MAX_JSON_DEPTH, parseJsonBody } from "../../src/httpbin/json_body.ts";
import { assertEquals } from "../support/assert.ts";

const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

Deno.test("parseJsonBody accepts nesting up to MAX_JSON_DEPTH and refuses one level more", () => {
  assertEquals("value" in parseJsonBody(nested(MAX_JSON_DEPTH)), true);
  assertEquals(parseJsonBody(nested(MAX_JSON_DEPTH + 1)), { failure: "too-deep" });
  assertEquals(parseJsonBody(`{"a":${nested(MAX_JSON_DEPTH)}}`), { failure: "too-deep" });
});

Deno.test("parseJsonBody refuses a number out of float64 range, as Go's decoder", () => {
  for (const text of ["1e999", "-1e999", '{"a":[1,2e400]}']) {
    assertEquals(parseJsonBody(text), { failure: "number-range" }, text);
  }
  assertEquals(parseJsonBody("1e308"), { value: 1e308 });
  assertEquals(parseJsonBody("1e-999"), { value: 0 });
});

Deno.test("parseJsonBody reports a syntax error", () => {
  assertEquals(parseJsonBody("{"), { failure: "syntax" });
  assertEquals(parseJsonBody('{"a":1}'), { value: { a: 1 } });
});

Deno.test("parseJsonBody reads a lone surrogate escape as U+FFFD, as Go's decoder", () => {
  assertEquals(parseJsonBody('["\\ud800x", "\\udfff", "\\ud800\\udc00"]'), {
    value: ["\uFFFDx", "\uFFFD", "\u{10000}"],
  });
  assertEquals(parseJsonBody('"\\\\\\ud800"'), { value: "\\\uFFFD" });
});
