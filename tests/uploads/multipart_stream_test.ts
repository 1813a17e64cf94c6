/**
 * The streaming multipart parser: the same parts come out however the body is split (every
 * single split offset, one byte at a time, random pieces), delimiter look-alikes inside content
 * stay content, and malformed bodies fail with a MultipartError.
 */

import {
  MultipartError,
  type MultipartEvent,
  MultipartStreamParser,
} from "../../src/uploads/multipart_stream.ts";
import { assertEquals } from "../support/assert.ts";

const BOUNDARY = "----WebKitFormBoundaryX3c9";
const enc = new TextEncoder();
const dec = new TextDecoder("latin1");

interface Part {
  head: string;
  data: string;
}

/** Parses `body` pushed in the given pieces; returns the parts (content as latin1). */
function parse(pieces: Uint8Array[], boundary = BOUNDARY): Part[] {
  const parser = new MultipartStreamParser(boundary);
  const parts: Part[] = [];
  let open: { head: string; data: number[] } | null = null;
  const apply = (events: MultipartEvent[]) => {
    for (const e of events) {
      if (e.kind === "part") open = { head: dec.decode(e.head), data: [] };
      else if (e.kind === "data") open!.data.push(...e.bytes);
      else {
        parts.push({ head: open!.head, data: dec.decode(new Uint8Array(open!.data)) });
        open = null;
      }
    }
  };
  for (const piece of pieces) apply(parser.push(piece));
  parser.finish();
  return parts;
}

const tricky = "line1\r\nline2\r\n--not-the-boundary\r\n--" + BOUNDARY.slice(0, 10) + "\r\n\r";
const BODY = enc.encode(
  "preamble to ignore\r\n" +
    `--${BOUNDARY}\r\n` +
    'Content-Disposition: form-data; name="a"; filename="a.txt"\r\n' +
    "Content-Type: text/plain\r\n\r\n" +
    tricky +
    `\r\n--${BOUNDARY}  \t\r\n` + // transport padding after a delimiter
    'Content-Disposition: form-data; name="field"\r\n\r\n' +
    "value" +
    `\r\n--${BOUNDARY}\r\n` +
    "\r\n" + // a part with no header fields at all
    "" +
    `\r\n--${BOUNDARY}--\r\n` +
    "epilogue to ignore --" + BOUNDARY,
);
const EXPECTED: Part[] = [
  {
    head: 'Content-Disposition: form-data; name="a"; filename="a.txt"\r\nContent-Type: text/plain',
    data: tricky,
  },
  { head: 'Content-Disposition: form-data; name="field"', data: "value" },
  { head: "", data: "" },
];

Deno.test("multipart parser yields the parts when the body comes in one piece", () => {
  assertEquals(parse([BODY]), EXPECTED);
});

Deno.test("multipart parser yields the same parts when split at every byte offset", () => {
  for (let i = 0; i <= BODY.length; i++) {
    assertEquals(parse([BODY.slice(0, i), BODY.slice(i)]), EXPECTED, `split at ${i}`);
  }
});

Deno.test("multipart parser yields the same parts when fed one byte at a time", () => {
  const pieces = Array.from(BODY, (b) => Uint8Array.of(b));
  assertEquals(parse(pieces), EXPECTED);
});

Deno.test("multipart parser yields the same parts for random piece sizes", () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 200; round++) {
    const pieces: Uint8Array[] = [];
    for (let at = 0; at < BODY.length;) {
      const n = 1 + Math.floor(random() * 60);
      pieces.push(BODY.slice(at, at + n));
      at += n;
    }
    assertEquals(parse(pieces), EXPECTED, `round ${round}`);
  }
});

Deno.test("multipart parser accepts a body that starts with the delimiter, no preamble", () => {
  const body = enc.encode(`--${BOUNDARY}\r\nX: 1\r\n\r\nabc\r\n--${BOUNDARY}--`);
  assertEquals(parse([body]), [{ head: "X: 1", data: "abc" }]);
});

Deno.test("multipart parser keeps binary content with every byte value intact", () => {
  const content = new Uint8Array(70_000).map((_, i) => (i * 31 + (i >> 8)) & 0xff);
  const head = enc.encode(`--${BOUNDARY}\r\nX: b\r\n\r\n`);
  const tail = enc.encode(`\r\n--${BOUNDARY}--\r\n`);
  const body = new Uint8Array([...head, ...content, ...tail]);
  for (const size of [1000, 4096, 65_536]) {
    const pieces = [];
    for (let at = 0; at < body.length; at += size) pieces.push(body.slice(at, at + size));
    assertEquals(parse(pieces)[0].data, dec.decode(content), `pieces of ${size}`);
  }
});

Deno.test("multipart parser content views point into the pushed chunk without copying", () => {
  const body = enc.encode(`--${BOUNDARY}\r\n\r\n${"x".repeat(1000)}\r\n--${BOUNDARY}--`);
  const parser = new MultipartStreamParser(BOUNDARY);
  const data = parser.push(body).find((e) => e.kind === "data");
  assertEquals(data?.kind === "data" && data.bytes.buffer === body.buffer, true);
});

const BAD: Array<[string, string]> = [
  ["no delimiter at all", "just some text"],
  ["no close delimiter", `--${BOUNDARY}\r\n\r\nabc`],
  ["truncated inside a head", `--${BOUNDARY}\r\nContent-Disp`],
  ["garbage after a delimiter", `--${BOUNDARY}x\r\n\r\nabc\r\n--${BOUNDARY}--`],
  ["single dash after a delimiter", `--${BOUNDARY}-x`],
  ["bare LF after a delimiter", `--${BOUNDARY}\n\r\nabc\r\n--${BOUNDARY}--`],
  ["endless padding", `--${BOUNDARY}${" ".repeat(100)}\r\n\r\n\r\n--${BOUNDARY}--`],
];

Deno.test("multipart parser refuses malformed bodies with a MultipartError", () => {
  for (const [what, text] of BAD) {
    let error: unknown = null;
    try {
      parse([enc.encode(text)]);
    } catch (err) {
      error = err;
    }
    assertEquals(error instanceof MultipartError, true, what);
  }
});

Deno.test("multipart parser refuses a part head past its limit, and at the limit accepts it", () => {
  const limits = { maxPartHeadBytes: 64, maxParts: 10 };
  const head = (n: number) => `X: ${"h".repeat(n - 3)}`; // a field line of exactly n bytes
  const body = (n: number) => enc.encode(`--${BOUNDARY}\r\n${head(n)}\r\n\r\nz\r\n--${BOUNDARY}--`);
  // The limit counts the field lines with their CRLFs: n + 2 bytes.
  new MultipartStreamParser(BOUNDARY, limits).push(body(62));
  let error: unknown = null;
  try {
    new MultipartStreamParser(BOUNDARY, limits).push(body(63));
  } catch (err) {
    error = err;
  }
  assertEquals(error instanceof MultipartError, true);
});

Deno.test("multipart parser refuses more parts than its limit, and at the limit accepts them", () => {
  const limits = { maxPartHeadBytes: 1024, maxParts: 3 };
  const body = (parts: number) =>
    enc.encode(`--${BOUNDARY}\r\n\r\nx\r\n`.repeat(parts) + `--${BOUNDARY}--`);
  new MultipartStreamParser(BOUNDARY, limits).push(body(3));
  let error: unknown = null;
  try {
    new MultipartStreamParser(BOUNDARY, limits).push(body(4));
  } catch (err) {
    error = err;
  }
  assertEquals(error instanceof MultipartError, true);
});
