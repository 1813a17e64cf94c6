/**
 * Writes to a sink: partial writes completed, the clock told around timed writes, and a
 * background write's success and failure reported the way the connection expects.
 */

import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { SinkWriter, type WriteClock } from "../../src/http/sink_writer.ts";

/** A sink that takes at most `maxPerWrite` bytes per call, or fails every call when `fail`. */
class MemorySink {
  writes: number[][] = [];
  constructor(private maxPerWrite = Infinity, private fail = false) {}
  write(p: Uint8Array): Promise<number> {
    if (this.fail) return Promise.reject(new Error("reset"));
    const n = Math.min(p.length, this.maxPerWrite);
    this.writes.push([...p.subarray(0, n)]);
    return Promise.resolve(n);
  }
}

class LogClock implements WriteClock {
  log: string[] = [];
  beforeWrite() {
    this.log.push("before");
  }
  afterWrite() {
    this.log.push("after");
  }
}

const noop = () => {};

Deno.test("sink writer completes partial writes inside one clock span", async () => {
  const sink = new MemorySink(2);
  const clock = new LogClock();
  await new SinkWriter(sink, clock, noop).writeAll(Uint8Array.of(1, 2, 3, 4, 5));
  assertEquals(sink.writes, [[1, 2], [3, 4], [5]]);
  assertEquals(clock.log, ["before", "after"]);
});

Deno.test("sink writer tells the clock after a write that fails", async () => {
  const clock = new LogClock();
  const writer = new SinkWriter(new MemorySink(Infinity, true), clock, noop);
  await assertRejects(() => writer.writeAll(Uint8Array.of(1)), /reset/);
  assertEquals(clock.log, ["before", "after"]);
});

Deno.test("sink writer leaves the clock out of an untimed write", async () => {
  const clock = new LogClock();
  await new SinkWriter(new MemorySink(), clock, noop).writeAll(Uint8Array.of(1), false);
  assertEquals(clock.log, []);
});

Deno.test("sink writer finishes a background write, partial writes included, then says so", async () => {
  const sink = new MemorySink(2);
  const clock = new LogClock();
  let done = 0;
  const writer = new SinkWriter(sink, clock, () => done++);
  writer.writeInBackground(Uint8Array.of(1, 2, 3));
  assert(writer.inFlight && writer.writing);
  await writer.settle();
  assertEquals(sink.writes, [[1, 2], [3]]);
  assertEquals(done, 1);
  assert(!writer.inFlight && !writer.writing);
  assertEquals(clock.log, [], "background writes are not timed");
});

Deno.test("sink writer holds a background failure until settle reports it once", async () => {
  let done = 0;
  const writer = new SinkWriter(new MemorySink(Infinity, true), undefined, () => done++);
  writer.writeInBackground(Uint8Array.of(1));
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert(!writer.inFlight, "the write is over");
  assert(writer.writing, "its failure is not yet reported");
  await assertRejects(() => writer.settle(), /reset/);
  assert(!writer.writing);
  await writer.settle();
  assertEquals(done, 0);
});

Deno.test("sink writer counts the bytes its sink took, partial writes and failures included", async () => {
  const writer = new SinkWriter(new MemorySink(2), undefined, noop);
  await writer.writeAll(Uint8Array.of(1, 2, 3, 4, 5));
  assertEquals(writer.bytesWritten, 5);
  let calls = 0;
  const failing = new SinkWriter(
    {
      write: (p) =>
        ++calls === 1 ? Promise.resolve(Math.min(p.length, 3)) : Promise.reject(new Error("reset")),
    },
    undefined,
    noop,
  );
  await assertRejects(() => failing.writeAll(new Uint8Array(10)));
  assertEquals(failing.bytesWritten, 3);
});
