/** jsonText: the pretty-printer of every JSON answer, client data included. */

import { jsonText } from "../../src/app/json_response.ts";
import { assert, assertEquals } from "../support/assert.ts";

Deno.test("jsonText indents like JSON.stringify(v, null, 2) and keeps short plain arrays inline", () => {
  const value = { a: [1, "b", null], b: { c: {} }, d: [{ x: 1 }, []], e: undefined };
  assertEquals(
    jsonText(value),
    '{\n  "a": [1, "b", null],\n  "b": {\n    "c": {}\n  },\n' +
      '  "d": [\n    {\n      "x": 1\n    },\n    []\n  ],\n  "e": null\n}\n',
  );
  const long = Array.from({ length: 30 }, (_, i) => `v${i}`);
  assertEquals(jsonText(long), JSON.stringify(long, null, 2) + "\n");
});

Deno.test("jsonText writes a value nested 10,000 deep without throwing, compact past depth 100", () => {
  let deep: unknown = [];
  for (let i = 1; i < 10_000; i++) deep = [deep];
  const text = jsonText({ json: deep });
  assertEquals(JSON.stringify(JSON.parse(text)), JSON.stringify({ json: deep }));
  // Indented to depth 100 only: the text grows with the depth, not with its square.
  assert(text.length < 100_000, `${text.length} characters`);
});

Deno.test("jsonText writes a long array of plain values one a line, as JSON.stringify(v, null, 2)", () => {
  const values = Array.from(
    { length: 5000 },
    (_, i) => i % 3 === 0 ? `v"${i}` : i % 3 === 1 ? i : null,
  );
  const doc = { form: { a: values, b: ["short"] }, data: "x" };
  assertEquals(
    jsonText(doc),
    JSON.stringify(doc, null, 2).replace('[\n      "short"\n    ]', '["short"]') + "\n",
  );
});
