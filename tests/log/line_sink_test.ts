/**
 * The non-blocking line sink: lines from one turn leave in one write, a partial write is
 * completed, a slow output drops lines past the bound and says so, a broken one stops logging
 * without throwing; a block of lines (a worker's batch) counts as its lines when dropped.
 */

import { type ByteWriter, LineSink } from "../../src/log/line_sink.ts";
import { assertEquals } from "../support/assert.ts";

const decoder = new TextDecoder();

/** A writer whose writes wait until `release()` and take at most `maxBytes` each. */
class SlowWriter implements ByteWriter {
  writes: string[] = [];
  #waiting: Array<() => void> = [];
  #maxBytes: number;
  gated = true;

  constructor(maxBytes = Infinity) {
    this.#maxBytes = maxBytes;
  }

  async write(p: Uint8Array): Promise<number> {
    if (this.gated) await new Promise<void>((r) => this.#waiting.push(r));
    const n = Math.min(p.length, this.#maxBytes);
    this.writes.push(decoder.decode(p.subarray(0, n)));
    return n;
  }

  release(): void {
    this.gated = false;
    for (const r of this.#waiting.splice(0)) r();
  }
}

Deno.test("LineSink returns at once and writes a turn's lines in one write", async () => {
  const w = new SlowWriter();
  const sink = new LineSink(w);
  sink.line("a");
  sink.line("b");
  sink.line("c");
  assertEquals(w.writes, []);
  w.release();
  await sink.flush();
  assertEquals(w.writes, ["a\nb\nc\n"]);
});

Deno.test("LineSink completes partial writes", async () => {
  const w = new SlowWriter(3);
  w.gated = false;
  const sink = new LineSink(w);
  sink.line("hello");
  sink.line("world");
  await sink.flush();
  assertEquals(w.writes.join(""), "hello\nworld\n");
  assertEquals(w.writes.length, 4);
});

Deno.test("LineSink drops lines past its bound while the output is stuck, then says so", async () => {
  const w = new SlowWriter();
  const sink = new LineSink(w, 10);
  sink.line("first"); // taken by the first write, which is stuck
  await new Promise((r) => setTimeout(r, 50)); // past the batch delay: the write has started
  sink.line("12345678"); // 9 bytes: fits the bound
  sink.line("x"); // 2 more: past it, dropped
  sink.line("y"); // dropped
  assertEquals(sink.dropped, 2);
  w.release();
  await sink.flush();
  assertEquals(
    w.writes.join(""),
    "first\n12345678\nwireserve: 2 log lines dropped (output too slow)\n",
  );
});

Deno.test("LineSink with a notices channel tells its drops there, not in its own output", async () => {
  const w = new SlowWriter();
  const notices: string[] = [];
  const sink = new LineSink(w, 10, (line) => notices.push(line));
  sink.line("first");
  await new Promise((r) => setTimeout(r, 50));
  sink.line("12345678");
  sink.line("x");
  w.release();
  await sink.flush();
  assertEquals(w.writes.join(""), "first\n12345678\n", "the access log holds log lines only");
  assertEquals(notices, ["wireserve: 1 log line dropped (output too slow)"]);
});

Deno.test("LineSink stops logging without throwing when the output breaks", async () => {
  let calls = 0;
  const sink = new LineSink({
    write: () => {
      calls++;
      return Promise.reject(new Deno.errors.BrokenPipe("closed"));
    },
  });
  sink.line("a");
  sink.line("b");
  await sink.flush();
  sink.line("c");
  await sink.flush();
  assertEquals(calls, 1);
  assertEquals(sink.dropped, 3);
});

Deno.test("LineSink writes lines queued in separate turns within the batch delay at once", async () => {
  const writes: string[] = [];
  const sink = new LineSink({
    write: (p: Uint8Array) => {
      writes.push(new TextDecoder().decode(p));
      return Promise.resolve(p.length);
    },
  });
  sink.line("a");
  await new Promise((r) => setTimeout(r, 0)); // a later turn, as the next request would be
  sink.line("b");
  await sink.flush();
  assertEquals(writes, ["a\nb\n"]);
});

Deno.test("LineSink counts each line of a dropped block, not the block", async () => {
  const w = new SlowWriter();
  const sink = new LineSink(w, 10);
  sink.line("first"); // taken by the first write, which is stuck
  await new Promise((r) => setTimeout(r, 50)); // past the batch delay: the write has started
  sink.lines("a\nb"); // 4 bytes: fits the bound, kept together
  sink.lines("c\nd\ne\nf"); // 8 more: past it, four lines dropped
  assertEquals(sink.dropped, 4);
  w.release();
  await sink.flush();
  assertEquals(
    w.writes.join(""),
    "first\na\nb\nwireserve: 4 log lines dropped (output too slow)\n",
  );
});

Deno.test("LineSink counts each line of the blocks lost when the output breaks", async () => {
  const sink = new LineSink({ write: () => Promise.reject(new Deno.errors.BrokenPipe("closed")) });
  sink.lines("a\nb\nc");
  sink.line("d");
  await sink.flush();
  sink.lines("e\nf");
  await sink.flush();
  assertEquals(sink.dropped, 6);
});

Deno.test("LineSink tells a drop even when every entry is larger than its bound", async () => {
  let written = "";
  const sink = new LineSink({
    write: (p) => {
      written += new TextDecoder().decode(p);
      return Promise.resolve(p.length);
    },
  }, 100);
  sink.lines(["a".repeat(60), "b".repeat(60)].join("\n")); // 122 bytes: never fits
  await new Promise((r) => setTimeout(r, 50));
  await sink.flush();
  assertEquals(sink.dropped, 2);
  assertEquals(written, "wireserve: 2 log lines dropped (output too slow)\n");
});
