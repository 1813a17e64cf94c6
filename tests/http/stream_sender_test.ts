/**
 * The streamed-body sender against a real output buffer: exact framing bytes, when it flushes,
 * and the announced-length checks.
 */

import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { OutputBuffer } from "../../src/http/output_buffer.ts";
import { sendStreamBody } from "../../src/http/stream_sender.ts";
import type { StreamBody } from "../../src/http/types.ts";

const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes);
const bytesOf = (s: string) => new TextEncoder().encode(s);

async function* pieces(...texts: string[]): AsyncGenerator<Uint8Array> {
  for (const t of texts) yield bytesOf(t);
}

/** Sends `body` through a fresh buffer; each flush takes what was gathered as one write. */
async function send(body: StreamBody, chunked: boolean, flushAtBytes = 1 << 20) {
  const out = new OutputBuffer(64);
  const writes: string[] = [];
  const flush = () => {
    writes.push(latin1(out.take()));
    return Promise.resolve();
  };
  const sent = await sendStreamBody(body, chunked, out, flushAtBytes, flush);
  return { sent, writes, left: out.length };
}

Deno.test("stream sender frames each non-empty piece as a chunk and ends with the last chunk", async () => {
  const body: StreamBody = { kind: "stream", stream: pieces("ab", "", "c", "0123456789abcdef") };
  const { sent, writes, left } = await send(body, true);
  assertEquals(sent, 19);
  assertEquals(writes, ["2\r\nab\r\n1\r\nc\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n"]);
  assertEquals(left, 0);
});

Deno.test("stream sender sends pieces raw when not chunked", async () => {
  const body: StreamBody = { kind: "stream", stream: pieces("ab", "", "c") };
  const { sent, writes } = await send(body, false);
  assertEquals(sent, 3);
  assertEquals(writes, ["abc"]);
});

Deno.test("stream sender sends an empty stream as the last chunk alone", async () => {
  const { sent, writes } = await send({ kind: "stream", stream: pieces() }, true);
  assertEquals(sent, 0);
  assertEquals(writes, ["0\r\n\r\n"]);
});

Deno.test("stream sender flushes after every piece when the body asks for it", async () => {
  const body: StreamBody = { kind: "stream", stream: pieces("a", "bc"), flush: true };
  const { writes } = await send(body, true);
  assertEquals(writes, ["1\r\na\r\n", "2\r\nbc\r\n", "0\r\n\r\n"]);
});

Deno.test("stream sender flushes once the gathered bytes reach the threshold", async () => {
  const body: StreamBody = { kind: "stream", stream: pieces("ab", "cd", "e"), length: 5 };
  // 2 bytes gathered stay below 3; 4 reach it; the last byte waits for the final flush.
  const { writes } = await send(body, false, 3);
  assertEquals(writes, ["abcd", "e"]);
});

Deno.test("stream sender sends exactly the announced length", async () => {
  const body: StreamBody = { kind: "stream", stream: pieces("ab", "c"), length: 3 };
  const { sent, writes } = await send(body, false);
  assertEquals(sent, 3);
  assertEquals(writes, ["abc"]);
});

Deno.test("stream sender throws when the stream is longer than announced, before gathering the excess", async () => {
  const out = new OutputBuffer(64);
  const body: StreamBody = { kind: "stream", stream: pieces("ab", "cd"), length: 3 };
  await assertRejects(
    () => sendStreamBody(body, false, out, 1 << 20, () => Promise.resolve()),
    /stream longer than its announced length/,
  );
  assertEquals(latin1(out.take()), "ab");
});

Deno.test("stream sender throws when the stream is shorter than announced, without a final flush", async () => {
  const body: StreamBody = { kind: "stream", stream: pieces("ab"), length: 3 };
  let flushes = 0;
  const flush = () => {
    flushes++;
    return Promise.resolve();
  };
  await assertRejects(
    () => sendStreamBody(body, false, new OutputBuffer(64), 1 << 20, flush),
    /stream shorter than its announced length/,
  );
  assertEquals(flushes, 0);
});

Deno.test("stream sender ends a chunked body with its trailer fields, read at the end", async () => {
  let done = false;
  async function* two() {
    yield bytesOf("ab");
    done = true;
  }
  const body: StreamBody = {
    kind: "stream",
    stream: two(),
    trailers: () => [["X-Done", String(done)], ["Content-Length", "9"], ["X-B", "2"]],
  };
  const { writes } = await send(body, true);
  // Content-Length is the writer's and dropped, as in a head.
  assertEquals(writes, ["2\r\nab\r\n0\r\nX-Done: true\r\nX-B: 2\r\n\r\n"]);
});

Deno.test("stream sender drops the trailers when the body is not chunked", async () => {
  const body: StreamBody = { kind: "stream", stream: pieces("ab"), trailers: () => [["X-A", "1"]] };
  assertEquals((await send(body, false)).writes, ["ab"]);
});

Deno.test("stream sender reports the content of completed flushes, not its chunk framing", async () => {
  const out = new OutputBuffer(64);
  const progress = { flushedBytes: 0 };
  let flushes = 0;
  const flush = () => {
    out.take();
    // The second flush fails: the client went away.
    return ++flushes === 2 ? Promise.reject(new Error("reset")) : Promise.resolve();
  };
  const body: StreamBody = { kind: "stream", stream: pieces("abcd", "efgh", "ijkl") };
  await assertRejects(() => sendStreamBody(body, true, out, 4, flush, progress));
  assertEquals(progress.flushedBytes, 4);
});

Deno.test("many fast streams give the event loop a turn within about 20 ms between them", async () => {
  // 32 streams whose pieces come at once and cost 0.2 ms each, flushed at once (a client reading
  // at full speed): a timer set beside them must not wait for each stream's own budget in turn.
  const busy = (ms: number) => {
    const until = performance.now() + ms;
    while (performance.now() < until) { /* the piece's making */ }
  };
  let stop = false;
  async function* fast(): AsyncGenerator<Uint8Array> {
    const piece = new Uint8Array(1024);
    while (!stop) {
      busy(0.2);
      yield piece;
    }
  }
  const streams = Array.from({ length: 32 }, () => {
    const out = new OutputBuffer(4096);
    return sendStreamBody({ kind: "stream", stream: fast() }, false, out, 1, () => {
      out.take();
      return Promise.resolve();
    });
  });
  const waits: number[] = [];
  for (let i = 0; i < 5; i++) {
    const asked = performance.now();
    await new Promise((r) => setTimeout(r, 0));
    waits.push(performance.now() - asked);
  }
  stop = true;
  await Promise.all(streams);
  // Before, each stream ran its own 20 ms (64 pieces between looks) in turn: 650–830 ms here.
  assert(
    Math.max(...waits) < 150,
    `a timer waited ${waits.map((w) => w.toFixed(0)).join(", ")} ms`,
  );
});
