/**
 * The response writer against an in-memory sink: exact bytes for each framing decision.
 */

import { assert, assertEquals, assertThrows } from "../support/assert.ts";
import { makeLimits } from "../../src/http/limits.ts";
import { type ResponseContext, ResponseWriter } from "../../src/http/response_writer.ts";
import type { HttpResponse } from "../../src/http/types.ts";
import { HttpError } from "../../src/http/errors.ts";

/** A sink that takes at most `maxPerWrite` bytes per call, recording every call. */
class MemorySink {
  writes: Uint8Array[] = [];
  constructor(private maxPerWrite = Infinity) {}
  write(p: Uint8Array): Promise<number> {
    const n = Math.min(p.length, this.maxPerWrite);
    this.writes.push(p.slice(0, n));
    return Promise.resolve(n);
  }
  text(): string {
    return this.writes.map((w) => String.fromCharCode(...w)).join("");
  }
}

const KEEP: ResponseContext = { head: false, http10: false, keepAlive: true };

async function render(res: HttpResponse, ctx = KEEP, sink = new MemorySink()) {
  const w = new ResponseWriter(sink, makeLimits());
  const outcome = await w.write(res, ctx);
  await w.flush();
  const text = sink.text().replace(/Date: [^\r]+\r\n/, "");
  return { text, outcome, sink };
}

Deno.test("writer sends head and small body in one write with Content-Length", async () => {
  const { text, sink } = await render({
    status: 200,
    headers: [["Content-Type", "text/plain"]],
    body: "hi",
  });
  assertEquals(
    text,
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: wireserve\r\nContent-Length: 2\r\n\r\nhi",
  );
  assertEquals(sink.writes.length, 1);
});

Deno.test("writer ignores framing fields set by the handler", async () => {
  const { text } = await render({
    status: 200,
    headers: [["Content-Length", "99"], ["Transfer-Encoding", "chunked"], ["Connection", "close"]],
    body: "abc",
  });
  assert(!text.includes("99") && !text.includes("chunked") && !text.includes("close"), text);
  assert(text.includes("Content-Length: 3\r\n"));
});

Deno.test("writer frames a stream of unknown length as chunked for HTTP/1.1", async () => {
  const stream = (async function* () {
    yield new Uint8Array([0x61, 0x62]);
    yield new Uint8Array(0);
    yield new Uint8Array([0x63]);
  })();
  const { text } = await render({ status: 200, body: { kind: "stream", stream } });
  assert(text.endsWith("Transfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n"), text);
});

Deno.test("writer ends an unknown-length body by closing for HTTP/1.0", async () => {
  const stream = (async function* () {
    yield new Uint8Array([0x61]);
  })();
  const { text, outcome } = await render(
    { status: 200, body: { kind: "stream", stream } },
    { head: false, http10: true, keepAlive: true },
  );
  assert(text.endsWith("Connection: close\r\n\r\na"), text);
  assertEquals(outcome.mustClose, true);
});

Deno.test("writer sends no body for HEAD but keeps Content-Length", async () => {
  const { text } = await render({ status: 200, body: "hello" }, { ...KEEP, head: true });
  assert(text.endsWith("Content-Length: 5\r\n\r\n"), text);
});

Deno.test("writer sends neither body nor Content-Length for 204 and 1xx", async () => {
  for (const status of [204, 101]) {
    const { text } = await render({ status, body: "ignored" });
    assert(!text.includes("Content-Length") && text.endsWith("\r\n\r\n"), text);
  }
});

Deno.test("writer sends 205 with no content, framed as Content-Length: 0 (RFC 9110 §15.3.6)", async () => {
  const stream = (async function* () {
    yield new Uint8Array([0x61]);
  })();
  for (const body of ["ignored", new Uint8Array([1, 2, 3]), { kind: "stream" as const, stream }]) {
    for (const ctx of [KEEP, { head: false, http10: true, keepAlive: true }]) {
      const { text, outcome } = await render({ status: 205, body }, ctx);
      assert(text.endsWith("\r\n\r\n") && !text.includes("ignored"), text);
      assert(text.includes("Content-Length: 0\r\n") && !text.includes("chunked"), text);
      assertEquals(outcome.mustClose, false);
      assertEquals(outcome.bodyBytes, 0);
    }
  }
});

Deno.test("writer sends no body for 304", async () => {
  const { text } = await render({ status: 304, headers: [["ETag", '"a"']], body: "ignored" });
  assert(text.startsWith('HTTP/1.1 304 Not Modified\r\nETag: "a"\r\n'), text);
  assert(text.endsWith("\r\n\r\n") && !text.includes("ignored"), text);
});

Deno.test("writer refuses CR, LF, NUL and non-token names from handler data", async () => {
  const bad: Array<[string, string]> = [
    ["X-A", "a\r\nInjected: 1"],
    ["X-A", "a\nb"],
    ["X-A", "a\0b"],
    ["X A", "v"],
    ["X-A", "\u0100"],
    ["", "v"],
  ];
  for (const field of bad) {
    const sink = new MemorySink();
    const w = new ResponseWriter(sink, makeLimits());
    let error: unknown;
    try {
      await w.write({ status: 200, headers: [field], body: "x" }, KEEP);
    } catch (err) {
      error = err;
    }
    assert(error instanceof HttpError && error.kind === "internal", JSON.stringify(field));
    assertEquals(w.pending, 0, "a refused head leaves nothing to send");
  }
});

Deno.test("writer keeps obs-text bytes in values as single bytes (latin1)", async () => {
  const { text } = await render({ status: 200, headers: [["X-A", "caf\u00e9"]], body: "" });
  // One byte 0xE9 (not UTF-8's C3 A9) between "caf" and CRLF.
  assert(text.includes("X-A: caf\u00e9\r\n"), JSON.stringify(text));
});

Deno.test("writer completes partial writes", async () => {
  const { text } = await render({ status: 200, body: "hello world" }, KEEP, new MemorySink(3));
  assert(text.endsWith("\r\n\r\nhello world"), text);
});

Deno.test("writer says Connection: close when not keeping alive and keep-alive for 1.0", async () => {
  const closing = await render({ status: 200, body: "" }, { ...KEEP, keepAlive: false });
  assert(closing.text.includes("Connection: close\r\n"));
  const kept10 = await render({ status: 200, body: "" }, { ...KEEP, http10: true });
  assert(kept10.text.includes("Connection: keep-alive\r\n"));
});

Deno.test("writer adds the upgrade connection option to an answer with an Upgrade field", async () => {
  // RFC 9110 §7.8: "A sender of Upgrade MUST also send an upgrade connection option".
  const res: HttpResponse = { status: 426, headers: [["upgrade", "websocket"]], body: "" };
  const connection = (text: string) => text.match(/^Connection: [^\r]*/gm);
  assertEquals(connection((await render(res)).text), ["Connection: Upgrade"]);
  const closing = await render(res, { ...KEEP, keepAlive: false });
  assertEquals(connection(closing.text), ["Connection: close, Upgrade"]);
  const kept10 = await render(res, { ...KEEP, http10: true });
  assertEquals(connection(kept10.text), ["Connection: keep-alive, Upgrade"]);
  const plain = await render({ status: 200, headers: [["Upgrades", "x"]], body: "" });
  assertEquals(connection(plain.text), null, "only the Upgrade field itself");
});

Deno.test("writer answers a HEAD with contentLength null without any length or chunking", async () => {
  const res: HttpResponse = { status: 200, contentLength: null };
  const head = await render(res, { ...KEEP, head: true });
  assert(!/content-length|transfer-encoding|connection/i.test(head.text), head.text);
  assertEquals(head.outcome.mustClose, false, "a HEAD answer has no body to delimit");
  const get = await render(res);
  assert(get.text.includes("Content-Length: 0\r\n"), "for any other request null is no body");
});

Deno.test("writer uses the standard reason phrase", async () => {
  const { text } = await render({ status: 431, body: "" });
  assert(text.startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"), text);
});

Deno.test("writer streams a file range and closes the file", async () => {
  const path = await Deno.makeTempFile();
  try {
    await Deno.writeTextFile(path, "0123456789");
    const file = await Deno.open(path);
    const { text } = await render({
      status: 206,
      body: { kind: "file", file, offset: 2, length: 5 },
    });
    assert(text.endsWith("Content-Length: 5\r\n\r\n23456"), text);
    let closedAlready = false;
    try {
      file.close();
    } catch {
      closedAlready = true;
    }
    assert(closedAlready, "the writer closed the file");
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("writer streams a file range larger than its buffers through both of them", async () => {
  const path = await Deno.makeTempFile();
  try {
    // Larger than the output buffer (16 KiB), so it goes apart from its head.
    const content = Array.from({ length: 40_000 }, (_, i) => String.fromCharCode(33 + (i % 90)))
      .join("");
    await Deno.writeTextFile(path, content);
    const file = await Deno.open(path);
    const sink = new MemorySink();
    const w = new ResponseWriter(sink, makeLimits({ fileChunkBytes: 7_000 }));
    const outcome = await w.write(
      { status: 200, body: { kind: "file", file, offset: 3, length: 39_990 } },
      KEEP,
    );
    assertEquals(outcome.bodyBytes, 39_990);
    const sent = new Uint8Array(sink.writes.reduce((n, w) => n + w.length, 0));
    sink.writes.reduce((at, w) => (sent.set(w, at), at + w.length), 0);
    const tail = new TextDecoder().decode(sent.subarray(sent.length - 39_991));
    assertEquals(tail, "\n" + content.slice(3, 39_993), "the range, whole");
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("writer gathers a short file range with its head, read at once, and closes the file", async () => {
  const path = await Deno.makeTempFile();
  try {
    await Deno.writeTextFile(path, "0123456789abcdefghij");
    const file = await Deno.open(path);
    // No asynchronous read: the range is read synchronously into the output.
    file.read = () => Promise.reject(new Error("async read used"));
    const sink = new MemorySink();
    const w = new ResponseWriter(sink, makeLimits());
    const outcome = w.write(
      { status: 206, body: { kind: "file", file, offset: 5, length: 10 } },
      KEEP,
    );
    assert(!(outcome instanceof Promise), "nothing to await: gathered");
    assertEquals(outcome.bodyBytes, 10);
    assertEquals(sink.text(), "", "nothing written before the flush");
    await w.flush();
    assertEquals(sink.writes.length, 1, "head and body in one write");
    assert(sink.text().endsWith("Content-Length: 10\r\n\r\n56789abcde"), sink.text());
    assertThrows(() => file.readSync(new Uint8Array(1)), Deno.errors.BadResource);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("writer gathers nothing for a short file range the file no longer holds", async () => {
  const path = await Deno.makeTempFile();
  try {
    await Deno.writeTextFile(path, "short");
    const file = await Deno.open(path);
    const sink = new MemorySink();
    const w = new ResponseWriter(sink, makeLimits());
    const err = (() => {
      try {
        w.write({ status: 200, body: { kind: "file", file, offset: 0, length: 10 } }, KEEP);
      } catch (e) {
        return e;
      }
    })();
    assert(err instanceof HttpError && err.kind === "internal", String(err));
    assertEquals(w.pending, 0, "the head was dropped with its body");
    assertThrows(() => file.readSync(new Uint8Array(1)), Deno.errors.BadResource);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("writer sends string bodies as UTF-8 whether ASCII or not", async () => {
  const ascii = await render({ status: 200, body: "plain" });
  assert(ascii.text.endsWith("Content-Length: 5\r\n\r\nplain"), ascii.text);
  const utf8 = await render({ status: 200, body: "caf\u00e9" });
  // "é" is two bytes in UTF-8: C3 A9, seen here one char per byte.
  assert(utf8.text.endsWith("Content-Length: 5\r\n\r\ncaf\u00c3\u00a9"), JSON.stringify(utf8.text));
});

/** A fixed clock for exact heads: the Date line of 2001-02-03 04:05:06 UTC. */
const NOW = Date.UTC(2001, 1, 3, 4, 5, 6);
const DATE_LINE = "Date: Sat, 03 Feb 2001 04:05:06 GMT\r\n";

Deno.test("writer drops handler Content-Length, Date and Server in any case, keeping its own once", async () => {
  const sink = new MemorySink();
  const w = new ResponseWriter(sink, makeLimits());
  await w.write({
    status: 200,
    headers: [
      ["content-length", "99"],
      ["DATE", "Mon, 01 Jan 1990 00:00:00 GMT"],
      ["X-Keep", "1"],
      ["Date", "yesterday"],
      ["server", "impostor"],
      ["Content-Length", "98"],
    ],
    body: "abc",
  }, { ...KEEP, now: NOW });
  await w.flush();
  assertEquals(
    sink.text(),
    `HTTP/1.1 200 OK\r\nX-Keep: 1\r\nServer: wireserve\r\n${DATE_LINE}Content-Length: 3\r\n\r\nabc`,
  );
});

Deno.test("writer leaves nothing of a head it refuses, keeping what was gathered before it", async () => {
  const bad: Array<Array<[string, string]>> = [
    [["X-Ok", "1"], ["X-Bad", "a\r\nInjected: 1"]],
    [["X-Ok", "1"], ["X-Bad", "a\rb"]],
    [["X-Ok", "1"], ["X-Bad", "a\nb"]],
    [["X-Ok", "1"], ["Bad Name", "v"]],
  ];
  const good = `HTTP/1.1 204 No Content\r\nServer: wireserve\r\n${DATE_LINE}\r\n`;
  for (const headers of bad) {
    const sink = new MemorySink();
    const w = new ResponseWriter(sink, makeLimits());
    await w.write({ status: 204 }, { ...KEEP, now: NOW });
    const before = w.pending;
    // Twice: a refused name or value must not be remembered as fine.
    for (let attempt = 1; attempt <= 2; attempt++) {
      let error: unknown;
      try {
        await w.write({ status: 200, headers, body: "x" }, { ...KEEP, now: NOW });
      } catch (err) {
        error = err;
      }
      const label = `${JSON.stringify(headers)}, attempt ${attempt}`;
      assert(error instanceof HttpError && error.kind === "internal", label);
      assertEquals(w.pending, before, label);
    }
    await w.write({ status: 204 }, { ...KEEP, now: NOW });
    await w.flush();
    assertEquals(sink.text(), good + good, "only the two good heads go out");
  }
});

/** [announced length, its digits]: one digit, the first two-digit, longer, past 2^32. */
const LENGTHS: Array<[number, string]> = [
  [0, "0"],
  [9, "9"],
  [10, "10"],
  [12345, "12345"],
  [2 ** 32, "4294967296"],
  [2 ** 40, "1099511627776"],
  [Number.MAX_SAFE_INTEGER, "9007199254740991"],
];

for (const [length, digits] of LENGTHS) {
  Deno.test(`writer announces Content-Length: ${digits} when the length is ${length}`, async () => {
    const sink = new MemorySink();
    const w = new ResponseWriter(sink, makeLimits());
    await w.write({ status: 200, contentLength: length }, { ...KEEP, now: NOW });
    await w.flush();
    assertEquals(
      sink.text(),
      `HTTP/1.1 200 OK\r\nServer: wireserve\r\n${DATE_LINE}Content-Length: ${digits}\r\n\r\n`,
    );
  });
}

Deno.test("writer announces the exact length of string bodies around the one-digit boundary", async () => {
  for (const n of [0, 1, 9, 10, 11, 99, 100]) {
    const body = "b".repeat(n);
    const { text } = await render({ status: 200, body });
    assert(text.endsWith(`\r\nContent-Length: ${n}\r\n\r\n${body}`), `${n}: ${text}`);
  }
});
