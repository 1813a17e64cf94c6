/**
 * Preconditions in RFC 9110 §13.2.2 order, and If-Range (§13.1.5), as tables over a fixed
 * representation.
 */

import {
  evaluatePreconditions,
  ifRangePasses,
  type PreconditionOutcome,
  type Validators,
} from "../../src/app/conditional.ts";
import { HeaderFields } from "../../src/http/header_fields.ts";
import { assertEquals } from "../support/assert.ts";

const CURRENT: Validators = {
  etag: '"abc"',
  lastModifiedMs: Date.UTC(2024, 0, 15, 12, 0, 0),
};
const AT = "Mon, 15 Jan 2024 12:00:00 GMT";
const BEFORE = "Mon, 15 Jan 2024 11:59:59 GMT";
const AFTER = "Mon, 15 Jan 2024 12:00:01 GMT";

function fields(pairs: Array<[string, string]>): HeaderFields {
  const h = new HeaderFields();
  for (const [k, v] of pairs) h.add(k, v);
  return h;
}

const CASES: Array<[string, string, Array<[string, string]>, PreconditionOutcome]> = [
  ["no conditions", "GET", [], "proceed"],
  ["If-None-Match equal", "GET", [["If-None-Match", '"abc"']], "not-modified"],
  [
    "If-None-Match weak equal (weak comparison)",
    "GET",
    [["If-None-Match", 'W/"abc"']],
    "not-modified",
  ],
  ["If-None-Match in a list", "GET", [["If-None-Match", '"x", "abc"']], "not-modified"],
  ["If-None-Match over two field lines", "GET", [["If-None-Match", '"x"'], [
    "If-None-Match",
    '"abc"',
  ]], "not-modified"],
  ["If-None-Match different", "GET", [["If-None-Match", '"x"']], "proceed"],
  ["If-None-Match star", "GET", [["If-None-Match", "*"]], "not-modified"],
  ["If-None-Match on HEAD", "HEAD", [["If-None-Match", '"abc"']], "not-modified"],
  ["If-None-Match match on PUT fails", "PUT", [["If-None-Match", "*"]], "failed"],
  ["If-None-Match malformed is no match", "GET", [["If-None-Match", "abc"]], "proceed"],
  ["If-Modified-Since at the time", "GET", [["If-Modified-Since", AT]], "not-modified"],
  ["If-Modified-Since after", "GET", [["If-Modified-Since", AFTER]], "not-modified"],
  ["If-Modified-Since before", "GET", [["If-Modified-Since", BEFORE]], "proceed"],
  [
    "If-Modified-Since invalid date ignored",
    "GET",
    [["If-Modified-Since", "yesterday"]],
    "proceed",
  ],
  ["If-Modified-Since in the future ignored", "GET", [[
    "If-Modified-Since",
    "Fri, 01 Jan 2100 00:00:00 GMT",
  ]], "proceed"],
  ["If-Modified-Since ignored on POST", "POST", [["If-Modified-Since", AT]], "proceed"],
  ["If-None-Match wins over If-Modified-Since", "GET", [["If-None-Match", '"x"'], [
    "If-Modified-Since",
    AT,
  ]], "proceed"],
  ["If-Match equal", "GET", [["If-Match", '"abc"']], "proceed"],
  ["If-Match different", "GET", [["If-Match", '"x"']], "failed"],
  [
    "If-Match weak tag never matches (strong comparison)",
    "GET",
    [["If-Match", 'W/"abc"']],
    "failed",
  ],
  ["If-Match star", "PUT", [["If-Match", "*"]], "proceed"],
  ["If-Match malformed fails", "PUT", [["If-Match", "abc"]], "failed"],
  ["If-Unmodified-Since at the time", "GET", [["If-Unmodified-Since", AT]], "proceed"],
  ["If-Unmodified-Since before", "GET", [["If-Unmodified-Since", BEFORE]], "failed"],
  ["If-Unmodified-Since invalid ignored", "GET", [["If-Unmodified-Since", "nope"]], "proceed"],
  ["If-Match wins over If-Unmodified-Since", "GET", [["If-Match", '"abc"'], [
    "If-Unmodified-Since",
    BEFORE,
  ]], "proceed"],
  ["If-Match checked before If-None-Match", "GET", [["If-Match", '"x"'], [
    "If-None-Match",
    '"abc"',
  ]], "failed"],
  ["If-Unmodified-Since checked before If-None-Match", "GET", [["If-Unmodified-Since", BEFORE], [
    "If-None-Match",
    '"abc"',
  ]], "failed"],
];

for (const [name, method, pairs, want] of CASES) {
  Deno.test(`evaluatePreconditions: ${name} → ${want}`, () => {
    assertEquals(evaluatePreconditions(method, fields(pairs), CURRENT), want);
  });
}

Deno.test("evaluatePreconditions fails If-Match and passes If-None-Match star when nothing exists", () => {
  assertEquals(evaluatePreconditions("PUT", fields([["If-Match", "*"]]), null), "failed");
  assertEquals(evaluatePreconditions("PUT", fields([["If-None-Match", "*"]]), null), "proceed");
});

Deno.test("evaluatePreconditions ignores date conditions for a representation without a date", () => {
  const undated: Validators = { etag: '"abc"', lastModifiedMs: null };
  const check = (pairs: Array<[string, string]>) =>
    evaluatePreconditions("GET", fields(pairs), undated);
  assertEquals(check([["If-Modified-Since", AFTER]]), "proceed");
  assertEquals(check([["If-Unmodified-Since", BEFORE]]), "proceed");
  assertEquals(check([["If-None-Match", '"abc"']]), "not-modified");
  assertEquals(ifRangePasses(AT, undated), false);
  assertEquals(ifRangePasses('"abc"', undated), true);
});

const IF_RANGE: Array<[string, string | undefined, boolean]> = [
  ["absent", undefined, true],
  ["same strong tag", '"abc"', true],
  ["other tag", '"x"', false],
  ["weak tag (never for If-Range)", 'W/"abc"', false],
  ["exact date", AT, true],
  ["later date", AFTER, false],
  ["earlier date", BEFORE, false],
  ["garbage", "whenever", false],
];

for (const [name, value, want] of IF_RANGE) {
  Deno.test(`ifRangePasses: ${name} → ${want}`, () => {
    assertEquals(ifRangePasses(value, CURRENT), want);
  });
}

Deno.test("ifRangePasses takes a date only when the exact modification time is that second", () => {
  const second = CURRENT.lastModifiedMs!;
  // Changed twice within 12:00:00 (at .400 and .900): the date cannot tell which one it saw.
  assertEquals(ifRangePasses(AT, { ...CURRENT, mtimeMs: second + 900 }), false);
  assertEquals(ifRangePasses(AT, { ...CURRENT, mtimeMs: second }), true);
});

Deno.test("a tag or date followed by a no-break space (0xA0) is malformed, not the validator", () => {
  // OWS is SP and HTAB only (RFC 9110 §5.6.3); a latin1 field value carries NBSP as a raw byte.
  const check = (method: string, pairs: Array<[string, string]>) =>
    evaluatePreconditions(method, fields(pairs), CURRENT);
  assertEquals(check("GET", [["If-None-Match", '"abc"\xA0']]), "proceed");
  assertEquals(check("GET", [["If-None-Match", '\xA0"abc"']]), "proceed");
  assertEquals(check("GET", [["If-None-Match", "*\xA0"]]), "proceed");
  assertEquals(check("PUT", [["If-Match", '"abc"\xA0']]), "failed");
  assertEquals(check("PUT", [["If-Match", "*\xA0"]]), "failed");
  assertEquals(check("GET", [["If-Modified-Since", `${AT}\xA0`]]), "proceed");
  assertEquals(check("GET", [["If-Unmodified-Since", `${BEFORE}\xA0`]]), "proceed");
  assertEquals(ifRangePasses('"abc"\xA0', CURRENT), false);
  assertEquals(ifRangePasses(`${AT}\xA0`, CURRENT), false);
  // SP and HTAB around them are OWS, as before.
  assertEquals(check("GET", [["If-None-Match", ' \t"abc"\t ']]), "not-modified");
  assertEquals(check("PUT", [["If-Match", '\t"abc" ']]), "proceed");
  assertEquals(ifRangePasses(` ${AT}\t`, CURRENT), true);
});
