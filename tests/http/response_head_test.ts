/**
 * Tests for the field-name side of the response head: `fieldNamePrefix` remembers each name it
 * has checked, so these pin that the remembered answer is always the first answer — owned
 * names dropped in any case, valid names encoded exactly, invalid names refused every time,
 * also once the memo is full.
 */

import assert from "node:assert/strict";
import { HttpError } from "../../src/http/errors.ts";
import { fieldNamePrefix } from "../../src/http/response_head.ts";

/** `s` as bytes, one char to one byte. */
function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** Asserts that `fieldNamePrefix(name)` throws HttpError kind "internal". */
function assertRefused(name: string, message: string): void {
  assert.throws(
    () => fieldNamePrefix(name),
    (err: unknown) => err instanceof HttpError && err.kind === "internal",
    message,
  );
}

const OWNED = [
  "content-length",
  "Content-Length",
  "CONTENT-LENGTH",
  "DATE",
  "Date",
  "date",
  "Server",
  "server",
  "Connection",
  "cOnNeCtIoN",
  "Transfer-Encoding",
  "transfer-encoding",
];

for (const name of OWNED) {
  Deno.test(`fieldNamePrefix returns null, twice, when the writer owns ${JSON.stringify(name)}`, () => {
    assert.equal(fieldNamePrefix(name), null);
    assert.equal(fieldNamePrefix(name), null, "second call");
  });
}

const VALID = [
  "Content-Type",
  "content-type",
  "X-A",
  "ETag",
  "Dates",
  "Content-Length2",
  "!#$%&'*+-.^_`|~09azAZ",
];

for (const name of VALID) {
  Deno.test(`fieldNamePrefix returns the bytes of "name: ", twice, when given ${JSON.stringify(name)}`, () => {
    assert.deepEqual(fieldNamePrefix(name), ascii(`${name}: `));
    assert.deepEqual(fieldNamePrefix(name), ascii(`${name}: `), "second call");
  });
}

const INVALID = [
  "Bad Name",
  "x\r\ny",
  "",
  "X:A",
  "Caf\u00e9",
  "X-\u0100",
  // Owned names spelled with bytes around them are not owned: they are refused, not dropped.
  "Content-Length ",
  " Date",
];

for (const name of INVALID) {
  Deno.test(`fieldNamePrefix throws internal, twice, when given ${JSON.stringify(name)}`, () => {
    assertRefused(name, "first call");
    assertRefused(name, "second call: not remembered as valid");
  });
}

Deno.test("fieldNamePrefix still answers exactly once its memo is full", () => {
  // Far more distinct names than the memo keeps: answers past it must not change.
  for (let i = 0; i < 2000; i++) {
    const name = `X-Made-Up-${i}`;
    assert.deepEqual(fieldNamePrefix(name), ascii(`${name}: `), name);
  }
  assert.equal(fieldNamePrefix("dAtE"), null);
  assert.equal(fieldNamePrefix("sErVeR"), null);
  assert.deepEqual(fieldNamePrefix("X-Late"), ascii("X-Late: "));
  assertRefused("Late Bad", "first call past the memo");
  assertRefused("Late Bad", "second call past the memo");
});
