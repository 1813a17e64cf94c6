/**
 * The lingering close: half-close, discard what still arrives within a byte bound, close; and
 * straight to close when the half-close fails.
 */

import { assertEquals } from "../support/assert.ts";
import { lingerThenClose } from "../../src/http/lingering_close.ts";
import { makeLimits } from "../../src/http/limits.ts";
import { type Phase, PhaseTimer } from "../../src/http/phase_timer.ts";
import { BufferedReader } from "../../src/http/buffered_reader.ts";
import { bytes, readerOver } from "./byte_feed.ts";

/** A socket that records what was done to it, in order. */
function fakeSocket(failCloseWrite = false) {
  const calls: string[] = [];
  return {
    calls,
    closed: false,
    closeWrite(): Promise<void> {
      calls.push("closeWrite");
      return failCloseWrite ? Promise.reject(new Error("reset")) : Promise.resolve();
    },
    close(): void {
      calls.push("close");
      this.closed = true;
    },
  };
}

/** An endless byte source that counts the bytes it handed out. */
function endlessReader(pieceBytes: number): { reader: BufferedReader; sent: () => number } {
  let sent = 0;
  const stream = new ReadableStream({
    type: "bytes",
    pull(controller) {
      const piece = new Uint8Array(pieceBytes).fill(0x41);
      sent += piece.length;
      controller.enqueue(piece);
    },
  });
  return {
    reader: new BufferedReader(stream.getReader({ mode: "byob" }), 1024, 1024),
    sent: () => sent,
  };
}

Deno.test("lingering close half-closes, reads what is left to the end, then closes", async () => {
  const socket = fakeSocket();
  const reader = readerOver([bytes("unread body "), bytes("and more")]);
  const phases: Phase[] = [];
  const timer = new PhaseTimer(() => {});
  const arm = timer.arm.bind(timer);
  timer.arm = (phase, ms, now) => {
    phases.push(phase);
    arm(phase, ms, now);
  };
  await lingerThenClose(socket, reader, makeLimits({}), timer);
  assertEquals(socket.calls, ["closeWrite", "close"]);
  assertEquals(reader.buffered, 0, "everything that arrived was discarded");
  assertEquals(reader.eof, true);
  assertEquals([phases, timer.phase, timer.deadline], [["linger"], "none", 0]);
});

Deno.test("lingering close stops discarding at maxLingerBytes and closes", async () => {
  const socket = fakeSocket();
  const { reader, sent } = endlessReader(512);
  const limits = makeLimits({ maxLingerBytes: 4096 });
  await lingerThenClose(socket, reader, limits, new PhaseTimer(() => {}));
  assertEquals(socket.calls, ["closeWrite", "close"]);
  assertEquals(sent() >= 4096 && sent() <= 4096 + 1024, true, `read ${sent()} bytes`);
});

Deno.test("lingering close stops when the socket is closed under it (the linger clock ran out)", async () => {
  const socket = fakeSocket();
  const { reader, sent } = endlessReader(512);
  const origFill = reader.fill.bind(reader);
  let fills = 0;
  reader.fill = () => {
    if (++fills === 3) socket.closed = true;
    return origFill();
  };
  await lingerThenClose(socket, reader, makeLimits({}), new PhaseTimer(() => {}));
  assertEquals(socket.calls, ["closeWrite", "close"]);
  assertEquals(sent() <= 4 * 1024, true, `read ${sent()} bytes after the close`);
});

Deno.test("lingering close closes at once when the half-close fails", async () => {
  const socket = fakeSocket(true);
  const { reader, sent } = endlessReader(512);
  await lingerThenClose(socket, reader, makeLimits({}), new PhaseTimer(() => {}));
  assertEquals(socket.calls, ["closeWrite", "close"]);
  assertEquals(sent(), 0, "nothing read");
});
