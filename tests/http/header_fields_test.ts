/**
 * Tests for `HeaderFields` lookups. Absent keys usually end on a bit per key length (mod 32):
 * these pin that a length bit being set is never taken for a match, and that no present key
 * is ever missed — 31-char keys (the sign bit) and lengths 32 apart included.
 */

import assert from "node:assert/strict";
import { HeaderFields } from "../../src/http/header_fields.ts";

/** A lower-case key of exactly `length` chars. */
function keyOf(length: number, fill = "k"): string {
  return fill.repeat(length);
}

/** Fields with keys of lengths 0 mod 32 and 4, 6, 15, 31 (the sign bit) and 36 (4 + 32). */
function sample(): HeaderFields {
  const fields = new HeaderFields();
  fields.add("Host", "a.example");
  fields.add("Accept", "text/html");
  fields.add("X-Custom-Header", "c");
  fields.add("accept", "*/*");
  fields.add("K".repeat(31), "thirty-one");
  fields.add("K".repeat(32), "thirty-two");
  fields.add("Z".repeat(36), "thirty-six");
  return fields;
}

/** [key, every value of it in `sample()`, in order]. */
const PRESENT: Array<[string, string[]]> = [
  ["host", ["a.example"]],
  ["accept", ["text/html", "*/*"]],
  ["x-custom-header", ["c"]],
  [keyOf(31), ["thirty-one"]],
  [keyOf(32), ["thirty-two"]],
  [keyOf(36, "z"), ["thirty-six"]],
];

/** [what makes it tricky, an absent key]. */
const ABSENT: Array<[string, string]> = [
  ["same length as host", "hpst"],
  ["same length as host, upper case", "HOST"],
  ["length 36, colliding with host (36 mod 32 = 4)", keyOf(36)],
  ["length 4, colliding with the 36-char key", "zzzz"],
  ["length 38, colliding with accept (38 mod 32 = 6)", keyOf(38)],
  ["same length as x-custom-header", "x-custom-headex"],
  ["length 31, the sign bit, other chars", keyOf(31, "j")],
  ["length 63, colliding with the 31-char key", keyOf(63)],
  ["empty, colliding with the 32-char key (0 mod 32)", ""],
  ["length 64, colliding with the 32-char key", keyOf(64)],
  ["a length with no bit set", "content-length"],
];

for (const [key, values] of PRESENT) {
  Deno.test(`HeaderFields finds the present key of length ${key.length} (${key.slice(0, 16)})`, () => {
    const fields = sample();
    assert.equal(fields.get(key), values[0]);
    assert.deepEqual(fields.getAll(key), values);
    assert.equal(fields.count(key), values.length);
    assert.equal(fields.has(key), true);
    assert.equal(fields.list(key), values.join(", "));
  });
}

for (const [what, key] of ABSENT) {
  Deno.test(`HeaderFields reports an absent key as absent when it is ${what}`, () => {
    const fields = sample();
    assert.equal(fields.get(key), undefined);
    assert.deepEqual(fields.getAll(key), []);
    assert.equal(fields.count(key), 0);
    assert.equal(fields.has(key), false);
    assert.equal(fields.list(key), undefined);
  });
}

Deno.test("HeaderFields reports every key absent when it has no fields", () => {
  const fields = new HeaderFields();
  for (const key of ["", "host", keyOf(31), keyOf(32)]) {
    assert.equal(fields.get(key), undefined, key);
    assert.deepEqual(fields.getAll(key), [], key);
    assert.equal(fields.count(key), 0, key);
    assert.equal(fields.has(key), false, key);
  }
});

Deno.test("HeaderFields finds a key given to add explicitly, under that key only", () => {
  const fields = new HeaderFields();
  fields.add("Host", "h", "host");
  assert.equal(fields.get("host"), "h");
  assert.equal(fields.has("Host"), false, "lookups take the lower-case key");
});

Deno.test("HeaderFields finds each key as it is added, whatever came before", () => {
  const fields = new HeaderFields();
  const keys = ["te", "host", keyOf(31), keyOf(34), keyOf(2, "x"), ""];
  for (let i = 0; i < keys.length; i++) {
    assert.equal(fields.has(keys[i]), false, `${JSON.stringify(keys[i])} before it is added`);
    fields.add(keys[i], String(i));
    for (let j = 0; j <= i; j++) assert.equal(fields.get(keys[j]), String(j), keys[j]);
  }
});

Deno.test("sealed fields refuse another line, and firstLines gives an unsealed copy of a prefix", () => {
  const fields = sample();
  fields.seal();
  assert.throws(() => fields.add("X-More", "1"));
  assert.equal(fields.size, 7, "the refused line left nothing behind");
  const prefix = fields.firstLines(2);
  assert.deepEqual(prefix.entries(), [["Host", "a.example"], ["Accept", "text/html"]]);
  prefix.add("X-More", "1");
  assert.equal(prefix.get("x-more"), "1");
  assert.equal(fields.get("x-more"), undefined, "the copy does not write through");
  assert.equal(prefix.get("x-custom-header"), undefined, "the copy stops at its prefix");
});
