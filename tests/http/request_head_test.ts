/**
 * Tests for request-head parsing (RFC 9112 §2–5). Every table case is read through a real
 * BufferedReader over a BYOB byte stream, fed whole, split in two at every byte offset, and one
 * byte at a time, and must give the same, exact outcome each time.
 */

import assert from "node:assert/strict";
import { BufferedReader, type ByteSource } from "../../src/http/buffered_reader.ts";
import { HttpError } from "../../src/http/errors.ts";
import { HeaderFields } from "../../src/http/header_fields.ts";
import { makeLimits } from "../../src/http/limits.ts";
import { checkHead, parseFieldLine, type RequestHead } from "../../src/http/request_head.ts";
import { parseRequestLine } from "../../src/http/request_line.ts";
import { readRequestHead } from "../../src/http/head_reader.ts";
import { bytes, byteStream, drain, feedings, readerOver, text } from "./byte_feed.ts";
import {
  type ExpectedError,
  type ExpectedHead,
  HEAD_CASES,
  HEAD_LIMITS,
  type HeadCase,
} from "./request_head_cases.ts";

/** Everything observable about one read, in a form `deepEqual` can compare. */
type Outcome =
  | null
  | ExpectedError
  | (ExpectedHead & { rawHead: string; rest: string });

async function readOutcome(pieces: Uint8Array[]): Promise<Outcome> {
  const reader = readerOver(pieces);
  try {
    const head = await readRequestHead(reader, HEAD_LIMITS);
    if (head === null) return null;
    if (head instanceof HttpError) return { error: head.kind, status: head.status };
    return { ...fieldsOf(head), rawHead: text(head.rawHead), rest: await drain(reader) };
  } finally {
    await reader.cancel();
  }
}

function fieldsOf(head: RequestHead): ExpectedHead {
  const { method, target, targetForm, path, query, version, rawVersion, host } = head;
  const headers = head.headers.entries();
  return { method, target, targetForm, path, query, version, rawVersion, host, headers };
}

/** What a case must give: the head plus where it ends (leading empty lines are not part of it). */
function expectedOutcome(c: HeadCase): Outcome {
  if (c.expect === null || "error" in c.expect) return c.expect;
  let start = 0;
  while (c.input.startsWith("\r\n", start)) start += "\r\n".length;
  const end = c.input.indexOf("\r\n\r\n", start) + "\r\n\r\n".length;
  return { ...c.expect, rawHead: c.input.slice(start, end), rest: c.input.slice(end) };
}

function describe(c: HeadCase): string {
  if (c.expect === null) return "returns null";
  if ("error" in c.expect) return `returns ${c.expect.error} (${c.expect.status})`;
  return "returns the parsed head";
}

for (const c of HEAD_CASES) {
  Deno.test(`readRequestHead ${describe(c)} when given ${c.name}, however it is split`, async () => {
    const expected = expectedOutcome(c);
    for (const feeding of feedings(bytes(c.input))) {
      assert.deepEqual(await readOutcome(feeding.pieces), expected, `${c.name}, ${feeding.label}`);
    }
  });
}

Deno.test("request-head table has unique case names", () => {
  const names = HEAD_CASES.map((c) => c.name);
  assert.equal(new Set(names).size, names.length);
});

/** A source that counts reads, to see whether the reader went back to the network. */
function countingSource(pieces: Uint8Array[]): ByteSource & { reads: number } {
  const inner = byteStream(pieces).getReader({ mode: "byob" });
  return {
    reads: 0,
    read(view) {
      this.reads++;
      return inner.read(view);
    },
    cancel: (reason) => inner.cancel(reason),
    releaseLock: () => inner.releaseLock(),
  };
}

Deno.test("readRequestHead reads nothing more when the head is already buffered", async () => {
  const input = `GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n`;
  const source = countingSource([bytes(input)]);
  const reader = new BufferedReader(source, 1024, 1024);
  try {
    assert.equal(await reader.fill(), true);
    const readsBefore = source.reads;
    const first = await readRequestHead(reader, HEAD_LIMITS);
    const second = await readRequestHead(reader, HEAD_LIMITS);
    assert.equal(source.reads, readsBefore);
    assert.ok(first !== null && !(first instanceof HttpError));
    assert.ok(second !== null && !(second instanceof HttpError));
    assert.equal(first.path, "/");
    assert.equal(second.path, "/2");
    assert.equal(text(second.rawHead), "GET /2 HTTP/1.1\r\nHost: x\r\n\r\n");
  } finally {
    await reader.cancel();
  }
});

Deno.test("readRequestHead returns an error when the reader's buffer is smaller than the head", async () => {
  const cases: Array<[string, string]> = [
    [`GET /${"a".repeat(40)} HTTP/1.1\r\nHost: x\r\n\r\n`, "uriTooLong"],
    [`GET / HTTP/1.1\r\nHost: x\r\nX: ${"v".repeat(40)}\r\n\r\n`, "headersTooLarge"],
  ];
  for (const [input, kind] of cases) {
    const bufferBytes = 32;
    const reader = readerOver([bytes(input)], bufferBytes, bufferBytes);
    try {
      const result = await readRequestHead(reader, HEAD_LIMITS);
      assert.ok(result instanceof HttpError, input);
      assert.equal(result.kind, kind);
    } finally {
      await reader.cancel();
    }
  }
});

Deno.test("parseRequestLine returns badRequestLine when the CR is missing", () => {
  const result = parseRequestLine(bytes("GET / HTTP/1.1"));
  assert.ok(result instanceof HttpError);
  assert.equal(result.kind, "badRequestLine");
});

Deno.test("parseRequestLine returns the parts and the authority when given absolute-form", () => {
  assert.deepEqual(parseRequestLine(bytes("PUT http://h:1/a?b HTTP/1.1\r")), {
    method: "PUT",
    target: "http://h:1/a?b",
    targetForm: "absolute",
    path: "/a",
    query: "b",
    version: "HTTP/1.1",
    rawVersion: "HTTP/1.1",
    authority: "h:1",
  });
});

Deno.test("parseFieldLine decodes every byte as latin1 when the value has obs-text", () => {
  const fields = new HeaderFields();
  // 0x80–0x9F are where windows-1252 (what TextDecoder("latin1") really is) differs.
  const high = Array.from({ length: 0x100 - 0x80 }, (_, i) => String.fromCharCode(0x80 + i));
  assert.equal(parseFieldLine(bytes(`X-Big: a${high.join("")}\r`), fields), null);
  assert.deepEqual(fields.entries(), [["X-Big", `a${high.join("")}`]]);
  assert.deepEqual(fields.keys, ["x-big"]);
});

Deno.test("parseFieldLine returns badHeader and adds nothing when the name has obs-text", () => {
  const fields = new HeaderFields();
  const result = parseFieldLine(bytes("X-T\xe9: a\r"), fields);
  assert.ok(result instanceof HttpError);
  assert.equal(result.kind, "badHeader");
  assert.equal(fields.size, 0);
});

Deno.test("parseFieldLine keeps a value longer than one decode chunk intact", () => {
  const fields = new HeaderFields();
  const value = "0123456789abcdef".repeat(2000);
  assert.equal(parseFieldLine(bytes(`Big: ${value}\r`), fields), null);
  assert.equal(fields.get("big"), value);
});

Deno.test("checkHead prefers the target's authority when the target is absolute-form", () => {
  const line = parseRequestLine(bytes("GET http://a.example/ HTTP/1.0\r"));
  assert.ok(!(line instanceof HttpError));
  const none = new HeaderFields();
  assert.equal(checkHead(line, none), "a.example");
  const one = new HeaderFields();
  one.add("Host", "b.example");
  assert.equal(checkHead(line, one), "a.example");
});

Deno.test("readRequestHead uses default limits when given real-size requests", async () => {
  const target = `/${"p".repeat(7000)}`;
  const input = `GET ${target} HTTP/1.1\r\nHost: x\r\nCookie: ${"c".repeat(20000)}\r\n\r\n`;
  const reader = readerOver([bytes(input)], 8 * 1024, 64 * 1024);
  try {
    const head = await readRequestHead(reader, makeLimits());
    assert.ok(head !== null && !(head instanceof HttpError));
    assert.equal(head.path, target);
    assert.equal(head.rawHead.length, input.length);
  } finally {
    await reader.cancel();
  }
});
