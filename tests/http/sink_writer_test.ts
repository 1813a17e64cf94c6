/**
 * Writes to a sink: partial writes completed, the clock told around every write.
 */

import { assertEquals, assertRejects } from "../support/assert.ts";
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

Deno.test("sink writer completes partial writes inside one clock span", async () => {
  const sink = new MemorySink(2);
  const clock = new LogClock();
  await new SinkWriter(sink, clock).writeAll(Uint8Array.of(1, 2, 3, 4, 5));
  assertEquals(sink.writes, [[1, 2], [3, 4], [5]]);
  assertEquals(clock.log, ["before", "after"]);
});

Deno.test("sink writer tells the clock after a write that fails", async () => {
  const clock = new LogClock();
  const writer = new SinkWriter(new MemorySink(Infinity, true), clock);
  await assertRejects(() => writer.writeAll(Uint8Array.of(1)), /reset/);
  assertEquals(clock.log, ["before", "after"]);
});

Deno.test("sink writer counts the bytes its sink took, partial writes and failures included", async () => {
  const writer = new SinkWriter(new MemorySink(2), undefined);
  await writer.writeAll(Uint8Array.of(1, 2, 3, 4, 5));
  assertEquals(writer.bytesWritten, 5);
  let calls = 0;
  const failing = new SinkWriter(
    {
      write: (p) =>
        ++calls === 1 ? Promise.resolve(Math.min(p.length, 3)) : Promise.reject(new Error("reset")),
    },
    undefined,
  );
  await assertRejects(() => failing.writeAll(new Uint8Array(10)));
  assertEquals(failing.bytesWritten, 3);
});
