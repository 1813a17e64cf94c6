/**
 * Byte-table tests for the chunked decoder and encoder (RFC 9112 §7.1). Every case is fed
 * through a real BufferedReader over a BYOB byte stream: whole, split at every byte offset, and
 * one byte per read, and must come out the same each time.
 */

import assert from "node:assert/strict";
import { BufferedReader, type ByteSource } from "../../src/http/buffered_reader.ts";
import { CHUNK_END, ChunkedDecoder, chunkHeader, LAST_CHUNK } from "../../src/http/chunked.ts";
import { type ErrorKind, HttpError } from "../../src/http/errors.ts";
import { type Limits, makeLimits } from "../../src/http/limits.ts";
import type { ChunkInfo } from "../../src/http/types.ts";

/** Small on purpose: most cases outgrow it, so compaction and growth run. */
const INITIAL_BUFFER_BYTES = 16;
const MAX_BUFFER_BYTES = 1024;
/** Below LIMITS' line and trailer limits, so the reader's own bound is reached first. */
const SMALL_MAX_BUFFER_BYTES = 32;
const LIMITS = makeLimits({ maxChunkLineBytes: 64, maxTrailerBytes: 64, maxTrailerCount: 4 });

/** Latin-1 string → bytes, so cases can spell any byte as "\xNN". */
function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

function text(b: Iterable<number>): string {
  return String.fromCharCode(...b);
}

/** A BYOB reader over a byte stream that delivers `pieces` one per pull, then ends. */
function byobOver(pieces: Uint8Array[]): ReadableStreamBYOBReader {
  let next = 0;
  return new ReadableStream({
    type: "bytes",
    pull(controller) {
      // slice(): enqueue transfers the buffer, and the pieces are views of the shared input.
      if (next < pieces.length) return controller.enqueue(pieces[next++].slice());
      controller.close();
      controller.byobRequest?.respond(0);
    },
  }).getReader({ mode: "byob" });
}

/** Everything a run observed, so runs over different splits can be compared whole. */
interface Outcome {
  data: string;
  error: ErrorKind | null;
  done: boolean;
  trailers: Array<[string, string]> | null;
  chunks: ChunkInfo[];
  chunkCount: number;
  bytesDecoded: number;
  /** Bytes left in the reader after the body (null after an error). */
  rest: string | null;
}

async function decode(
  pieces: Uint8Array[],
  limits: Limits,
  maxBufferBytes = MAX_BUFFER_BYTES,
): Promise<Outcome> {
  const source = byobOver(pieces.filter((p) => p.length > 0));
  const reader = new BufferedReader(source, INITIAL_BUFFER_BYTES, maxBufferBytes);
  const decoder = new ChunkedDecoder(reader, limits);
  const trailersBeforeEnd = decoder.trailers;
  assert.equal(trailersBeforeEnd, null, "trailers stay null until the body is done");
  const data: number[] = [];
  let error: ErrorKind | null = null;
  try {
    for (let piece = await decoder.read(); piece !== null; piece = await decoder.read()) {
      assert.ok(piece.length > 0, "read() returned an empty view");
      data.push(...piece);
    }
    assert.equal(await decoder.read(), null, "read() after the end must stay null");
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    error = e.kind;
    await assert.rejects(decoder.read(), (again) => again === e, "errors must be sticky");
  }
  let rest: string | null = null;
  if (error === null) {
    const left: number[] = [];
    do {
      for (let v = reader.take(MAX_BUFFER_BYTES); v !== null; v = reader.take(MAX_BUFFER_BYTES)) {
        left.push(...v);
      }
    } while (await reader.fill());
    rest = text(left);
  }
  return {
    data: text(data),
    error,
    done: decoder.done,
    trailers: decoder.trailers?.entries() ?? null,
    chunks: [...decoder.chunks],
    chunkCount: decoder.chunkCount,
    bytesDecoded: decoder.bytesDecoded,
    rest,
  };
}

/** Whole, split in two at every offset, and one byte per read. */
function* feeds(input: Uint8Array): Generator<[string, Uint8Array[]]> {
  yield ["whole", [input]];
  for (let k = 1; k < input.length; k++) {
    yield [`split at ${k}`, [input.subarray(0, k), input.subarray(k)]];
  }
  yield ["one byte per read", Array.from(input, (_, i) => input.subarray(i, i + 1))];
}

interface Case {
  name: string;
  input: string;
  limits?: Partial<Limits>;
  /** Decoded bytes; for an error case, those delivered before it. */
  data?: string;
  error?: ErrorKind;
  trailers?: Array<[string, string]>;
  chunks?: ChunkInfo[];
  chunkCount?: number;
  rest?: string;
}

const BODY = "5\r\nhello\r\n0\r\n\r\n";
const NEXT_REQUEST = "GET /next HTTP/1.1\r\nHost: a\r\n\r\n";
const line = (n: number) => "5;" + "e".repeat(n - 2);
const tr = (n: number) => "A: " + "v".repeat(n - 5) + "\r\n"; // a field line of n bytes
const trailers = (n: number) => Array.from({ length: n }, (_, i) => `T${i}: ${i}\r\n`).join("");

/** The rest of a valid body after its first chunk-size line. */
const TAIL = "hello\r\n0\r\n\r\n";
const LINE_16 = { maxChunkLineBytes: 16 };
const TRAILERS_24 = { maxTrailerBytes: 24 };
const COUNT_2 = { maxTrailerCount: 2 };

const ACCEPTED: Case[] = [
  { name: "simple", input: BODY, data: "hello", chunkCount: 2 },
  { name: "empty body", input: "0\r\n\r\n", data: "", chunks: [{ size: 0, line: "0" }] },
  { name: "multiple chunks", input: "3\r\nabc\r\n1\r\nd\r\n2\r\nef\r\n0\r\n\r\n", data: "abcdef" },
  {
    name: "extensions kept in chunks",
    input: "5;a=b;c\r\nhello\r\n0 ; last = \t1\r\n\r\n",
    chunks: [{ size: 5, line: "5;a=b;c" }, { size: 0, line: "0 ; last = \t1" }],
  },
  {
    name: "quoted-string ext",
    input: '5;n="a;b\\"c d"\r\n' + TAIL,
    chunks: [{ size: 5, line: '5;n="a;b\\"c d"' }, { size: 0, line: "0" }],
  },
  {
    name: "BWS around every part of an extension",
    input: '5 ; a = b ;\tc="" ; d\r\n' + TAIL,
    chunks: [{ size: 5, line: '5 ; a = b ;\tc="" ; d' }, { size: 0, line: "0" }],
  },
  {
    name: "obs-text in a quoted ext kept as latin1",
    input: '1;x="\x80\xff"\r\nZ\r\n0\r\n\r\n',
    data: "Z",
  },
  { name: "uppercase hex", input: `A\r\n0123456789\r\naB\r\n${"x".repeat(0xab)}\r\n0\r\n\r\n` },
  { name: "leading zeros ok", input: "0000000000000000000000005\r\nhello\r\n000\r\n\r\n" },
  {
    name: "trailers parsed (case preserved, duplicates kept)",
    input: '0\r\nX-Sum: 1\r\nx-sum:2 \r\nETag:\t"a b"\t\r\nEmpty:\r\nLat: \x80\xe9\r\n\r\n',
    trailers: [
      ["X-Sum", "1"],
      ["x-sum", "2"],
      ["ETag", '"a b"'],
      ["Empty", ""],
      ["Lat", "\x80\xe9"],
    ],
    limits: { maxTrailerCount: 5 },
  },
  { name: "pipelined bytes left unread", input: BODY + NEXT_REQUEST, rest: NEXT_REQUEST },
  {
    name: "pipelined after trailers",
    input: "0\r\nT: 1\r\n\r\n" + NEXT_REQUEST,
    rest: NEXT_REQUEST,
  },
  { name: "chunk line at limit ok", input: `${line(16)}\r\n${TAIL}`, limits: LINE_16 },
  {
    name: "trailer section at limit ok",
    input: `0\r\n${tr(12)}${tr(12)}\r\n`,
    limits: TRAILERS_24,
  },
  { name: "trailer count at limit ok", input: `0\r\n${trailers(2)}\r\n`, limits: COUNT_2 },
  {
    name: "chunk records stop at maxChunkRecords",
    input: "1\r\na\r\n1\r\nb\r\n0\r\n\r\n",
    limits: { maxChunkRecords: 1 },
    chunks: [{ size: 1, line: "1" }],
    chunkCount: 3,
  },
];

/** [name, input, error kind, data delivered before the error, limits]. */
type Refused = [string, string, ErrorKind, string?, Partial<Limits>?];

const REFUSED: Refused[] = [
  ["size at MAX_SAFE_INTEGER accepted (then EOF)", "1fffffffffffff\r\nab", "clientGone", "ab"],
  ["size-overflow", "fffffffffffffffffff\r\n" + TAIL, "badChunk"],
  ["size-overflow just past 2^53-1", "20000000000000\r\nx\r\n", "badChunk"],
  ["size-overflow wrapping 2^64", "10000000000000000\r\nx\r\n", "badChunk"],
  ["negative size", "-5\r\n" + TAIL, "badChunk"],
  ["plus size", "+5\r\n" + TAIL, "badChunk"],
  ["0x size", "0x5\r\n" + TAIL, "badChunk"],
  ["space before size", " 5\r\n" + TAIL, "badChunk"],
  ["tab before size", "\t5\r\n" + TAIL, "badChunk"],
  ["empty size line", "\r\n" + TAIL, "badChunk"],
  ["extension without size", ";a\r\n" + TAIL, "badChunk"],
  ["empty size line read as last chunk", "\r\n\r\n", "badChunk"],
  ["extension without size read as last chunk", ";a\r\n\r\n", "badChunk"],
  ["junk after size", "5x\r\n" + TAIL, "badChunk"],
  ["second number after size", "5 5\r\n" + TAIL, "badChunk"],
  ["trailing space after size", "5 \r\n" + TAIL, "badChunk"],
  ["bare-LF after size", "5\n" + TAIL, "badChunk"],
  ["bare-LF after extension", "5;x\n" + TAIL, "badChunk"],
  ["bare-LF after two-digit size", "50\n" + TAIL, "badChunk"],
  ["bare-LF after last chunk", "5\r\nhello\r\n0\n\r\n", "badChunk", "hello"],
  ["bare-LF after data", "5\r\nhello\n0\r\n\r\n", "badChunk", "hello"],
  ["CR without LF after data", "5\r\nhello\rX0\r\n\r\n", "badChunk", "hello"],
  ["missing CRLF after data (smuggle)", "3\r\n" + TAIL, "badChunk", "hel"],
  ["bare CR in extension", "5;a\rb\r\n" + TAIL, "badChunk"],
  ["bare CR after size", "5\r\r\n" + TAIL, "badChunk"],
  ["NUL in extension", "5;a=\0\r\n" + TAIL, "badChunk"],
  ["DEL in extension", "5;a=\x7f\r\n" + TAIL, "badChunk"],
  // RFC 9112 §7.1.1: chunk-ext = *( BWS ";" BWS token [ BWS "=" BWS ( token / quoted-string ) ] )
  ["extension name with a space in it", "5;a b=c\r\n" + TAIL, "badChunk"],
  ["bare semicolon", "5;\r\n" + TAIL, "badChunk"],
  ["extension without a name", "5;=x\r\n" + TAIL, "badChunk"],
  ["extension with an empty value", "5;a=\r\n" + TAIL, "badChunk"],
  ["extension value of two tokens", "5;a=b c\r\n" + TAIL, "badChunk"],
  ["unclosed quoted-string", '5;a="x\r\n' + TAIL, "badChunk"],
  ["quoted-string ended by an escaped quote", '5;a="x\\"\r\n' + TAIL, "badChunk"],
  ["bytes after a quoted-string", '5;a="x"y\r\n' + TAIL, "badChunk"],
  ["obs-text outside a quoted-string", "5;x=\x80\xff\r\n" + TAIL, "badChunk"],
  ["separator in an extension name", "5;a/b\r\n" + TAIL, "badChunk"],
  // BWS comes before a further ";" or "=" only: never after the last name or value.
  ["space after the last extension value", "5;a=b \r\n" + TAIL, "badChunk"],
  ["tab after the last extension name", "5;a\t\r\n" + TAIL, "badChunk"],
  ["space after a quoted extension value", '5;a="b" \r\n' + TAIL, "badChunk"],
  ["space after the last-chunk's extension", "5\r\nhello\r\n0;a \r\n\r\n", "badChunk", "hello"],
  ["chunk line one byte past", `${line(17)}\r\n${TAIL}`, "badChunk", "", LINE_16],
  [
    "last chunk line one byte past",
    `5\r\nhello\r\n0;${"e".repeat(15)}\r\n\r\n`,
    "badChunk",
    "hello",
    LINE_16,
  ],
  [
    "trailer section one byte past",
    `0\r\n${tr(12)}${tr(13)}\r\n`,
    "trailersTooLarge",
    "",
    TRAILERS_24,
  ],
  ["trailer line alone past", `0\r\n${tr(25)}\r\n`, "trailersTooLarge", "", TRAILERS_24],
  ["trailer count one past", `0\r\n${trailers(3)}\r\n`, "trailersTooLarge", "", COUNT_2],
  ["obs-fold in trailer", "0\r\nX-A: 1\r\n  2\r\n\r\n", "badChunk"],
  ["space before colon in trailer", "0\r\nX-A : 1\r\n\r\n", "badChunk"],
  ["trailer without colon", "0\r\nX-A\r\n\r\n", "badChunk"],
  ["trailer with empty name", "0\r\n: 1\r\n\r\n", "badChunk"],
  ["bare CR in trailer value", "0\r\nX-A: 1\r2\r\n\r\n", "badChunk"],
  ["NUL in trailer value", "0\r\nX-A: \0\r\n\r\n", "badChunk"],
  ["bare-LF after trailer", "0\r\nX-A: 1\n\r\n", "badChunk"],
  ["bare-LF ending trailer section", "0\r\n\n", "badChunk"],
  ["EOF before anything", "", "clientGone"],
  ["EOF mid-size", "5", "clientGone"],
  ["EOF mid-size after CR", "5\r", "clientGone"],
  ["EOF mid-data", "5\r\nhel", "clientGone", "hel"],
  ["EOF before CRLF after data", "5\r\nhello\r", "clientGone", "hello"],
  ["EOF after last chunk", "0\r\n", "clientGone"],
  ["EOF mid-trailers", "0\r\nX-A: 1\r\n", "clientGone"],
];

const CASES: Case[] = ACCEPTED.concat(
  REFUSED.map(([name, input, error, data = "", limits]) => ({ name, input, error, data, limits })),
);

for (const c of CASES) {
  const verb = c.error ? `fails with ${c.error}` : "decodes";
  Deno.test(`ChunkedDecoder ${verb} when fed "${c.name}" at every split`, async () => {
    const input = bytes(c.input);
    const limits = makeLimits({ ...LIMITS, ...c.limits });
    const [, wholePieces] = feeds(input).next().value!;
    const whole = await decode(wholePieces, limits);
    assert.equal(whole.error, c.error ?? null);
    assert.equal(whole.done, c.error === undefined);
    if (c.data !== undefined) assert.equal(whole.data, c.data);
    assert.equal(whole.bytesDecoded, whole.data.length);
    if (c.trailers) assert.deepEqual(whole.trailers, c.trailers);
    if (c.chunks) assert.deepEqual(whole.chunks, c.chunks);
    if (c.chunkCount !== undefined) assert.equal(whole.chunkCount, c.chunkCount);
    if (!c.error) assert.equal(whole.rest, c.rest ?? "");
    for (const [how, pieces] of feeds(input)) {
      assert.deepEqual(await decode(pieces, limits), whole, `fed ${how}`);
    }
  });
}

Deno.test("ChunkedDecoder refuses a line when it outgrows the reader's maximum buffer", async () => {
  const tooBig: Array<[string, ErrorKind]> = [
    [`${line(40)}\r\n${TAIL}`, "badChunk"],
    [`0\r\n${tr(40)}\r\n`, "trailersTooLarge"],
  ];
  for (const [input, kind] of tooBig) {
    for (const [how, pieces] of feeds(bytes(input))) {
      assert.equal((await decode(pieces, LIMITS, SMALL_MAX_BUFFER_BYTES)).error, kind, how);
    }
  }
});

Deno.test("ChunkedDecoder keeps the trailer section as sent only when asked, at every split", async () => {
  const section = "x-t:tv  \r\nX-B:\t a \r\n\r\n";
  const input = bytes(`3\r\nabc\r\n0;e\r\n${section}${NEXT_REQUEST}`);
  for (const keep of [true, false]) {
    for (const [how, pieces] of feeds(input)) {
      const reader = new BufferedReader(
        byobOver(pieces.filter((p) => p.length > 0)),
        INITIAL_BUFFER_BYTES,
        MAX_BUFFER_BYTES,
      );
      const decoder = new ChunkedDecoder(reader, LIMITS);
      if (keep) decoder.keepRawTrailers();
      while (await decoder.read() !== null) {
        assert.equal(decoder.rawTrailers, null, `${how}: null until the body is done`);
      }
      const raw = decoder.rawTrailers;
      assert.equal(raw === null ? null : text(raw), keep ? section : null, how);
      assert.deepEqual(decoder.trailers?.entries(), [["x-t", "tv"], ["X-B", "a"]], how);
    }
  }
});

Deno.test("ChunkedDecoder returns views into the reader's buffer when data is buffered", async () => {
  const input = bytes("3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  let reads = 0;
  let lastView: Uint8Array | null = null;
  // Hands over everything on the first read and fails any later one: a buffered body must
  // decode without another read from the source.
  const source: ByteSource = {
    read<T extends ArrayBufferView>(view: T) {
      reads++;
      if (reads > 1) return Promise.reject(new Error("unexpected read"));
      const filled = new Uint8Array(view.buffer, view.byteOffset, input.length);
      filled.set(input);
      lastView = filled;
      return Promise.resolve({ done: false, value: filled as unknown as T });
    },
    cancel: () => Promise.resolve(),
    releaseLock: () => {},
  };
  const decoder = new ChunkedDecoder(
    new BufferedReader(source, MAX_BUFFER_BYTES, MAX_BUFFER_BYTES),
    LIMITS,
  );
  const first = await decoder.read();
  assert.equal(text(first!), "abc");
  assert.equal(first!.buffer, lastView!.buffer, "the piece must be a view, not a copy");
  assert.equal(text((await decoder.read())!), "de");
  assert.equal(await decoder.read(), null);
  assert.equal(reads, 1);
});

Deno.test("ChunkedDecoder rethrows a source error without reading again when read twice", async () => {
  const reset = new Deno.errors.ConnectionReset("reset by peer");
  let reads = 0;
  const source: ByteSource = {
    read: () => (reads++, Promise.reject(reset)),
    cancel: () => Promise.resolve(),
    releaseLock: () => {},
  };
  const reader = new BufferedReader(source, INITIAL_BUFFER_BYTES, MAX_BUFFER_BYTES);
  const decoder = new ChunkedDecoder(reader, LIMITS);
  await assert.rejects(decoder.read(), (e) => e === reset);
  await assert.rejects(decoder.read(), (e) => e === reset);
  assert.equal(reads, 1);
});

Deno.test("chunkHeader writes lower-case hex and CRLF when given a positive size", () => {
  assert.equal(text(chunkHeader(1)), "1\r\n");
  assert.equal(text(chunkHeader(0xff)), "ff\r\n");
  assert.equal(text(chunkHeader(Number.MAX_SAFE_INTEGER)), "1fffffffffffff\r\n");
});

Deno.test("chunkHeader throws RangeError when the size is zero, negative or not an integer", () => {
  for (const bad of [0, -1, 1.5, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1]) {
    assert.throws(() => chunkHeader(bad), RangeError, `size ${bad}`);
  }
});

Deno.test("CHUNK_END and LAST_CHUNK are CRLF and 0 CRLF CRLF", () => {
  assert.equal(text(CHUNK_END), "\r\n");
  assert.equal(text(LAST_CHUNK), "0\r\n\r\n");
});

Deno.test("ChunkedDecoder reads back what the encoder wrote when pieces vary in size", async () => {
  const pieces = ["a", "bc", "x".repeat(300), "\r\n0\r\n"].map(bytes);
  const wire = pieces.flatMap((p) => [chunkHeader(p.length), p, CHUNK_END]).concat(LAST_CHUNK);
  const out = await decode(wire, LIMITS);
  assert.equal(out.data, pieces.map(text).join(""));
  assert.deepEqual(out.chunks.map((c) => c.size), [1, 2, 300, 5, 0]);
  assert.equal(out.rest, "");
});
