/** qvalues (RFC 9110 §12.4.2) and list-member weights. */

import { memberWeight, parseQValue, parseQValueAt } from "../../src/app/qvalue.ts";
import { assertEquals } from "../support/assert.ts";

const Q: Array<[string, number | null]> = [
  ["0", 0],
  ["0.", 0],
  ["0.5", 0.5],
  ["0.125", 0.125],
  ["0.999", 0.999],
  ["1", 1],
  ["1.", 1],
  ["1.000", 1],
  ["1.001", null],
  ["0.1234", null],
  ["2", null],
  [".5", null],
  ["", null],
  ["abc", null],
];

for (const [input, expected] of Q) {
  Deno.test(`parseQValue gives ${expected} for ${JSON.stringify(input)}`, () => {
    assertEquals(parseQValue(input), expected);
  });
}

Deno.test("memberWeight is 1 without q, the q when valid, and 0 when malformed", () => {
  assertEquals(memberWeight([]), 1);
  assertEquals(memberWeight(["level=1"]), 1);
  assertEquals(memberWeight([" q=0.3 "]), 0.3);
  assertEquals(memberWeight(["Q=0.3"]), 0.3);
  assertEquals(memberWeight(["q=7"]), 0);
});

Deno.test("memberWeight is 0 when a parameter named q is not exactly q=qvalue", () => {
  assertEquals(memberWeight(["q = 0"]), 0);
  assertEquals(memberWeight([" q =1"]), 0);
  assertEquals(memberWeight(["Q\t=1"]), 0);
  assertEquals(memberWeight(["q"]), 0);
  assertEquals(memberWeight(["qs=0.5"]), 1);
});

Deno.test("memberWeight takes SP and HTAB around a parameter, never a no-break space (0xA0)", () => {
  assertEquals(memberWeight(["\tq=0.3\t"]), 0.3);
  assertEquals(memberWeight(["q=0.3\xA0"]), 0, "a q followed by NBSP is malformed");
  assertEquals(memberWeight(["q=1\xA0"]), 0);
  // A q behind NBSP is no unknown parameter to skip: malformed, so the member is not preferred.
  assertEquals(memberWeight(["\xA0q=0"]), 0);
  assertEquals(memberWeight(["\xA0q=1"]), 0);
  assertEquals(memberWeight(["\xA0level=1"]), 1, "another parameter behind NBSP is skipped");
});

Deno.test("parseQValueAt reads the qvalue between two offsets of a longer text", () => {
  const text = "a;q=0.25,b;q=1.0,c;q=1.5";
  assertEquals(parseQValueAt(text, 4, 8), 0.25);
  assertEquals(parseQValueAt(text, 13, 16), 1);
  assertEquals(parseQValueAt(text, 21, 24), null);
  assertEquals(parseQValueAt(text, 4, 4), null);
  assertEquals(parseQValueAt(text, 4, 9), null, "the comma is not a digit");
});
