/**
 * Tests for the body-framing decision (RFC 9112 §6.3). Each case is a raw request read through
 * a real BufferedReader (fed whole, split at every byte offset, and byte by byte) and then
 * framed: smuggling attempts must fail the same way however the bytes arrive.
 */

import assert from "node:assert/strict";
import { type BodyFraming, decideFraming } from "../../src/http/body_framing.ts";
import { type ErrorKind, HttpError } from "../../src/http/errors.ts";
import { makeLimits } from "../../src/http/limits.ts";
import { readRequestHead } from "../../src/http/head_reader.ts";
import { bytes, feedings, readerOver } from "./byte_feed.ts";

type Outcome = BodyFraming | { error: ErrorKind; status: number };

interface FramingCase {
  name: string;
  /** Field lines after Host, each without its CRLF. */
  fields: string[];
  expect: Outcome;
  version?: string;
}

const LIMITS = makeLimits();
const NONE: Outcome = { kind: "none" };
const CHUNKED: Outcome = { kind: "chunked" };
const length = (n: number): Outcome => ({ kind: "length", length: n });
const BAD: Outcome = { error: "badFraming", status: 400 };
const TOO_LARGE: Outcome = { error: "contentTooLarge", status: 413 };
const NOT_IMPLEMENTED: Outcome = { error: "unsupportedTransferCoding", status: 501 };
const BAD_HEADER: Outcome = { error: "badHeader", status: 400 };
const CL = (v: string) => `Content-Length: ${v}`;
const TE = (v: string) => `Transfer-Encoding: ${v}`;

const CASES: FramingCase[] = [
  { name: "no-cl-no-te", fields: [], expect: NONE },
  { name: "cl-5", fields: [CL("5")], expect: length(5) },
  { name: "cl-zero", fields: [CL("0")], expect: NONE },
  { name: "cl-leading-zeros", fields: [CL("007")], expect: length(7) },
  { name: "cl-max-safe", fields: [CL("9007199254740991")], expect: length(9007199254740991) },
  { name: "cl-in-http10", fields: [CL("3")], expect: length(3), version: "HTTP/1.0" },
  { name: "cl-lowercase-name", fields: ["content-length: 4"], expect: length(4) },
  { name: "cl-identical-duplicates-ok", fields: [CL("5"), CL("5")], expect: length(5) },
  { name: "smuggle-two-cl", fields: [CL("5"), CL("6")], expect: BAD },
  { name: "cl-duplicates-differing-text", fields: [CL("5"), CL("05")], expect: BAD },
  { name: "cl-comma-list", fields: [CL("5, 5")], expect: BAD },
  { name: "cl-comma-list-no-space", fields: [CL("5,5")], expect: BAD },
  { name: "cl-plus-sign", fields: [CL("+5")], expect: BAD },
  { name: "cl-negative", fields: [CL("-1")], expect: BAD },
  { name: "cl-hex", fields: [CL("0x5")], expect: BAD },
  { name: "cl-decimal-point", fields: [CL("5.0")], expect: BAD },
  { name: "cl-space-inside", fields: [CL("1 2")], expect: BAD },
  { name: "cl-empty", fields: [CL("")], expect: BAD },
  { name: "cl-superscript-digit", fields: [CL("5\xb2")], expect: BAD },
  // Valid digits past 2^53 - 1: too large for any limit (413), not malformed; both close.
  { name: "cl-overflow", fields: [CL("9007199254740992")], expect: TOO_LARGE },
  { name: "cl-overflow-huge", fields: [CL("99999999999999999999999999")], expect: TOO_LARGE },
  { name: "cl-overflow-then-junk", fields: [CL("99999999999999999999x")], expect: BAD },
  { name: "cl-with-space-before-colon", fields: ["Content-Length : 5"], expect: BAD_HEADER },
  { name: "te-chunked", fields: [TE("chunked")], expect: CHUNKED },
  { name: "te-chunked-any-case", fields: [TE("ChUnKeD")], expect: CHUNKED },
  { name: "te-empty-list-elements", fields: [TE(" , chunked ,")], expect: CHUNKED },
  { name: "smuggle-cl-te", fields: [CL("5"), TE("chunked")], expect: BAD },
  { name: "smuggle-te-cl", fields: [TE("chunked"), CL("5")], expect: BAD },
  { name: "smuggle-te-cl-zero", fields: [TE("chunked"), CL("0")], expect: BAD },
  { name: "te-chunked-not-final", fields: [TE("chunked, gzip")], expect: BAD },
  { name: "te-double-chunked", fields: [TE("chunked, chunked")], expect: BAD },
  { name: "te-double-chunked-lines", fields: [TE("chunked"), TE("chunked")], expect: BAD },
  { name: "te-xchunked", fields: [TE("xchunked")], expect: BAD },
  { name: "te-chunked-with-params", fields: [TE("chunked;foo=bar")], expect: BAD },
  { name: "te-quoted-chunked", fields: [TE('"chunked"')], expect: BAD },
  { name: "te-nbsp-after-chunked", fields: [TE("chunked\xa0")], expect: BAD },
  { name: "te-identity", fields: [TE("identity")], expect: BAD },
  { name: "te-gzip-only", fields: [TE("gzip")], expect: BAD },
  { name: "te-empty", fields: [TE("")], expect: BAD },
  { name: "te-only-commas", fields: [TE(" , ,")], expect: BAD },
  { name: "te-gzip-chunked", fields: [TE("gzip, chunked")], expect: NOT_IMPLEMENTED },
  { name: "te-unknown-then-chunked", fields: [TE("foo;a=1, chunked")], expect: NOT_IMPLEMENTED },
  { name: "te-gzip-chunked-lines", fields: [TE("gzip"), TE("chunked")], expect: NOT_IMPLEMENTED },
  { name: "te-gzip-chunked-chunked", fields: [TE("gzip, chunked, chunked")], expect: BAD },
  { name: "te-in-http10", fields: [TE("chunked")], expect: BAD, version: "HTTP/1.0" },
  {
    name: "te-with-space-before-colon",
    fields: ["Transfer-Encoding : chunked"],
    expect: BAD_HEADER,
  },
  { name: "te-vertical-tab", fields: [TE("chunked\x0b")], expect: BAD_HEADER },
];

function requestOf(c: FramingCase): string {
  const fields = c.fields.map((f) => `${f}\r\n`).join("");
  return `POST / ${c.version ?? "HTTP/1.1"}\r\nHost: x\r\n${fields}\r\n`;
}

async function frame(pieces: Uint8Array[]): Promise<Outcome> {
  const reader = readerOver(pieces);
  try {
    const head = await readRequestHead(reader, LIMITS);
    assert.ok(head !== null, "the head is complete");
    const result = head instanceof HttpError ? head : decideFraming(head);
    return result instanceof HttpError ? { error: result.kind, status: result.status } : result;
  } finally {
    await reader.cancel();
  }
}

function describe(expect: Outcome): string {
  if ("error" in expect) return `returns ${expect.error} (${expect.status})`;
  return expect.kind === "length" ? `returns length ${expect.length}` : `returns ${expect.kind}`;
}

for (const c of CASES) {
  Deno.test(`decideFraming ${describe(c.expect)} when given ${c.name}, however it is split`, async () => {
    for (const feeding of feedings(bytes(requestOf(c)))) {
      assert.deepEqual(await frame(feeding.pieces), c.expect, `${c.name}, ${feeding.label}`);
    }
  });
}

Deno.test("body-framing table has unique case names", () => {
  const names = CASES.map((c) => c.name);
  assert.equal(new Set(names).size, names.length);
});
