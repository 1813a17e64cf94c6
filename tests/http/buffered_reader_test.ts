/**
 * The buffered reader: line scanning across reads without re-scanning, marks kept through
 * compaction, bounded growth, and direct reads for large bodies.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { BufferedReader, LINE_TOO_LONG, NEED_MORE } from "../../src/http/buffered_reader.ts";
import { bytes, drain, readerOver, text } from "./byte_feed.ts";

Deno.test("reader finds a line split across reads", async () => {
  const r = readerOver([bytes("GET / HT"), bytes("TP/1.1\r\nrest")]);
  await r.fill();
  assertEquals(r.tryReadLine(100), NEED_MORE);
  await r.fill();
  const line = r.tryReadLine(100);
  assert(line !== NEED_MORE && line !== LINE_TOO_LONG);
  assertEquals(text(line), "GET / HTTP/1.1\r");
  assertEquals(await drain(r), "rest");
});

Deno.test("reader reports a line too long before its LF arrives", async () => {
  const r = readerOver([bytes("0123456789")], 64, 64);
  await r.fill();
  assertEquals(r.tryReadLine(9), LINE_TOO_LONG);
  assertEquals(r.tryReadLine(10), NEED_MORE, "ten bytes without LF are within a limit of ten");
});

Deno.test("reader accepts a line of exactly the limit and refuses one byte more", async () => {
  const r = readerOver([bytes("abcd\nabcde\n")]);
  await r.fill();
  const first = r.tryReadLine(4);
  assert(first !== NEED_MORE && first !== LINE_TOO_LONG);
  assertEquals(text(first), "abcd");
  assertEquals(r.tryReadLine(4), LINE_TOO_LONG);
});

Deno.test("reader keeps marked bytes through compaction and growth", async () => {
  const pieces = ["AAAA\n", "BBBBBBBB\n", "CCCCCCCCCCCC\n"].map(bytes);
  const r = readerOver(pieces, 8, 64);
  r.mark();
  const lines: string[] = [];
  while (lines.length < 3) {
    const line = r.tryReadLine(64);
    if (line === NEED_MORE) assert(await r.fill(), "more input expected");
    else if (line === LINE_TOO_LONG) throw new Error("unexpected");
    else lines.push(text(line));
  }
  assertEquals(lines, ["AAAA", "BBBBBBBB", "CCCCCCCCCCCC"]);
  const k = keeper();
  r.lendMarked(k);
  assertEquals(text(r.copyLent(k)), "AAAA\nBBBBBBBB\nCCCCCCCCCCCC\n");
});

Deno.test("reader stops growing at its maximum", async () => {
  const r = readerOver([bytes("x".repeat(40))], 8, 16);
  let filled = 0;
  while (await r.fill()) filled++;
  assertEquals(r.capacity, 16);
  assertEquals(r.buffered, 16);
  assert(!r.eof, "a full buffer is not the end of the stream");
  assert(filled >= 1);
  r.skip(16);
  assertEquals(await drain(r), "x".repeat(24));
});

Deno.test("reader hands buffered bytes to readInto before reading the source", async () => {
  const r = readerOver([bytes("abc"), bytes("defgh")]);
  await r.fill();
  const first = await r.readInto(new Uint8Array(2));
  assertEquals(first && text(first), "ab");
  const second = await r.readInto(new Uint8Array(8));
  assertEquals(second && text(second), "c");
  const third = await r.readInto(new Uint8Array(8));
  assertEquals(third && text(third), "defgh");
  assertEquals(await r.readInto(new Uint8Array(8)), null);
});

/** A keeper that records the copy the reader hands it. */
function keeper(): { copies: string[]; keepCopy(copy: Uint8Array): void } {
  return {
    copies: [],
    keepCopy(copy: Uint8Array) {
      this.copies.push(text(copy));
    },
  };
}

Deno.test("reader lends marked bytes and copies them on request", async () => {
  const r = readerOver([bytes("HEAD\nrest")]);
  await r.fill();
  r.mark();
  assert(r.tryReadLine(64) !== NEED_MORE);
  const k = keeper();
  r.lendMarked(k);
  assertEquals(text(r.copyLent(k)), "HEAD\n");
  assertEquals(k.copies, [], "asked for: no spill");
  let threw = false;
  try {
    r.copyLent(k);
  } catch {
    threw = true;
  }
  assert(threw, "a loan is copied once: a second copy must not read bytes that may have moved");
});

Deno.test("reader hands lent bytes over before a fill can move or detach them", async () => {
  // An 8-byte buffer: the next fill must reset or compact over the lent bytes.
  const r = readerOver([bytes("AB\nCD\n"), bytes("EFGHIJ\n")], 8, 8);
  await r.fill();
  r.mark();
  assert(r.tryReadLine(8) !== NEED_MORE);
  const k = keeper();
  r.lendMarked(k);
  assert(r.tryReadLine(8) !== NEED_MORE);
  assert(await r.fill());
  assertEquals(k.copies, ["AB\n"], "copied before the buffer changed, with the original bytes");
  const line = r.tryReadLine(8);
  assert(line !== NEED_MORE && line !== LINE_TOO_LONG);
  assertEquals(text(line), "EFGHIJ");
});

Deno.test("reader ends a loan without a copy when the keeper gives it back", async () => {
  const r = readerOver([bytes("AB\n"), bytes("CD\n")], 8, 8);
  await r.fill();
  r.mark();
  assert(r.tryReadLine(8) !== NEED_MORE);
  const k = keeper();
  r.lendMarked(k);
  r.endLoan(k);
  assert(await r.fill());
  assertEquals(k.copies, [], "no copy for a keeper that gave the bytes back");
});

Deno.test("reader spills the previous loan when a new one starts", async () => {
  const r = readerOver([bytes("A\nB\n")]);
  await r.fill();
  const first = keeper(), second = keeper();
  r.mark();
  assert(r.tryReadLine(8) !== NEED_MORE);
  r.lendMarked(first);
  r.mark();
  assert(r.tryReadLine(8) !== NEED_MORE);
  r.lendMarked(second);
  assertEquals(first.copies, ["A\n"]);
  assertEquals(text(r.copyLent(second)), "B\n");
});

Deno.test("a released reader's buffer serves the next reader, which never sees the old bytes", async () => {
  // An odd size, so that no other test's released buffer is in the way.
  const size = 24;
  const first = readerOver([bytes("SECRET-LINE\nmore\n")], size, size);
  assert(await first.fill());
  const used = first.bytes;
  first.release();
  const second = readerOver([bytes("ab")], size, size);
  assert(second.bytes === used, "the released buffer is taken again");
  assert(await second.fill());
  assertEquals(second.tryReadLine(size), NEED_MORE, "an old LF past the new bytes is not seen");
  assertEquals(await drain(second), "ab");
});

Deno.test("a reader released while a read holds its buffer gives nothing to the next one", async () => {
  const size = 40;
  let pulled!: () => void;
  const pending = new Promise<void>((resolve) => pulled = resolve);
  // A source that never answers: the read stays pending, holding the buffer.
  const stream = new ReadableStream({ type: "bytes", pull: () => pulled() });
  const byob = stream.getReader({ mode: "byob" });
  const r = new BufferedReader(byob, size, size);
  const reading = r.fill();
  await pending; // the BYOB read now holds (has detached) the buffer
  r.release();
  const next = readerOver([bytes("x\n")], size, size);
  assert(next.bytes.length === size, "a fresh buffer, not the detached one");
  await byob.cancel();
  await reading.catch(() => {});
});
