/**
 * The outgoing side of a WebSocket session when the client stops reading: what waits to be
 * written is counted as the memory it holds (a sealed cork whole), flushes made while a write is
 * on its way join one batch instead of pinning a cork each, and an echo session over a client that
 * sends without reading holds about `MAX_UNWRITTEN_BYTES`, not eight times it.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { BufferedReader, type ByteSource } from "../../src/http/buffered_reader.ts";
import {
  MAX_UNWRITTEN_BYTES,
  WebSocketFrameWriter,
} from "../../src/http/websocket_frame_writer.ts";
import { WebSocketConnection } from "../../src/http/websocket_session.ts";
import { fullCollection } from "../../src/app/idle_memory.ts";

const CORK_BYTES = 64 * 1024;
/** The connection's read buffer: an echo flushes once per read of this much. */
const READ_BYTES = 8 * 1024;

/** A source for a reader that is refilled through the transport's `read`: never read itself. */
const unusedSource: ByteSource = {
  read: () => Promise.reject(new Error("the transport's read is used")),
  cancel: () => Promise.resolve(),
  releaseLock: () => {},
};

/** A masked client binary frame of `size` bytes (mask key 0: the payload goes as it is). */
function clientFrame(size: number): Uint8Array {
  const frame = new Uint8Array(8 + size);
  frame[0] = 0x82;
  frame[1] = 0x80 | 126;
  frame[2] = size >> 8;
  frame[3] = size & 0xff;
  frame.fill(0x62, 8);
  return frame;
}

/** Writes that stay on their way until `release` (a client that stopped reading). */
function stuckOutput() {
  let release = () => {};
  const released = new Promise<void>((r) => release = r);
  const writes: Uint8Array[] = [];
  const reader = new BufferedReader(unusedSource, READ_BYTES, READ_BYTES);
  return {
    reader,
    writes,
    release,
    write: async (bytes: Uint8Array) => {
      writes.push(bytes);
      await released;
    },
  };
}

Deno.test("flushes made while a write is on its way go out together, in full corks", async () => {
  const out = stuckOutput();
  const writer = new WebSocketFrameWriter(out);
  const payload = new Uint8Array(1000);
  // An echo over a client that stopped reading: eight messages a read, a flush before each read.
  let flushes = 0;
  while (writer.unwrittenBytes < MAX_UNWRITTEN_BYTES) {
    for (let i = 0; i < 8; i++) writer.append(0x2, payload, true);
    writer.sendQueued();
    flushes++;
  }
  const held = writer.unwrittenBytes;
  out.release();
  await writer.flush();
  const buffers = new Set(out.writes.map((piece) => piece.buffer));
  let pinned = 0;
  for (const buffer of buffers) pinned += buffer.byteLength;
  // The count is the memory: every buffer written was counted whole, but for the cork that was
  // still filling (counted by its frames: every session has one).
  assertEquals(pinned <= held + CORK_BYTES, true, `${pinned} bytes pinned, ${held} counted`);
  // A cork per flush would pin 64 KiB for every 8 KiB of frames.
  assertEquals(
    buffers.size <= Math.ceil(flushes * 8 * 1004 / CORK_BYTES) + 2,
    true,
    `${buffers.size} buffers for ${flushes} flushes`,
  );
  assertEquals(writer.unwrittenBytes, 0);
});

Deno.test("a sender waits before its unwritten frames pin more than MAX_UNWRITTEN_BYTES", async () => {
  const out = stuckOutput();
  const writer = new WebSocketFrameWriter(out);
  const payload = new Uint8Array(1000);
  let waiting = false;
  let sent = 0;
  while (!waiting) {
    writer.append(0x2, payload, true);
    sent++;
    if (sent % 8 === 0) writer.sendQueued(); // a flush per read, as the echo does
    let settled = false;
    writer.pace().then(() => settled = true);
    await Promise.resolve();
    waiting = !settled;
  }
  out.release();
  await writer.flush();
  let pinned = 0;
  for (const buffer of new Set(out.writes.map((piece) => piece.buffer))) {
    pinned += buffer.byteLength;
  }
  // Held back at the limit, plus the cork that was filling.
  assert(
    pinned <= MAX_UNWRITTEN_BYTES + CORK_BYTES,
    `${pinned} bytes pinned when the sender waited`,
  );
});

Deno.test("an echo session over a client that sends without reading holds about MAX_UNWRITTEN_BYTES", async () => {
  const collect = fullCollection();
  assert(collect !== null, "the test needs V8's gc()");
  const SESSIONS = 8;
  // The client's stream: 64 binary messages of 1,000 bytes, again and again, never a read.
  const burst = new Uint8Array(64 * 1008);
  for (let i = 0; i < 64; i++) burst.set(clientFrame(1000), i * 1008);
  let lastRead = performance.now();
  let leave = () => {};
  const left = new Promise<void>((r) => leave = r);
  let clientLeft = false;
  left.then(() => clientLeft = true);

  /** One session with its echo loop running; resolves when the session has ended. */
  const session = async (): Promise<void> => {
    const reader = new BufferedReader(unusedSource, READ_BYTES, READ_BYTES);
    let at = 0;
    const ws = new WebSocketConnection(
      {
        reader,
        read: (view) => {
          if (clientLeft) return Promise.resolve(null);
          lastRead = performance.now();
          const n = Math.min(view.length, burst.length - at);
          view.set(burst.subarray(at, at + n));
          at = (at + n) % burst.length;
          return Promise.resolve(n);
        },
        // A client that stopped reading: no write completes until it leaves.
        write: async () => {
          await left;
          throw new Deno.errors.ConnectionReset("the client left");
        },
        close: () => {},
      },
      { maxMessageBytes: 1 << 20, maxFragmentBytes: 64 * 1024 },
      60_000,
    );
    try {
      for (let m = await ws.receive(); m !== null; m = await ws.receive()) await ws.send(m.data);
    } catch {
      // the client left while a send waited
    } finally {
      await ws.finish();
    }
  };

  collect();
  const before = Deno.memoryUsage().external;
  const sessions = Array.from({ length: SESSIONS }, session);
  // Every session stalls once its unwritten output reaches the bound: no read for a while.
  while (performance.now() - lastRead < 200) await new Promise((r) => setTimeout(r, 50));
  collect();
  const held = Deno.memoryUsage().external - before;
  leave();
  await Promise.all(sessions);
  const perSession = held / SESSIONS;
  // The bound: 1 MiB unwritten, the cork being filled, its two spares and the read buffer's share.
  assert(
    perSession <= MAX_UNWRITTEN_BYTES + 4 * CORK_BYTES,
    `${(perSession / 2 ** 20).toFixed(2)} MiB held per session`,
  );
});
