/**
 * The WebSocket session without a socket: a client that goes quiet past the idle clock gets a
 * close frame with 1001 and, not answering, loses the connection after the close timeout.
 */

import { assertEquals } from "../support/assert.ts";
import { BufferedReader, type ByteSource } from "../../src/http/buffered_reader.ts";
import { WebSocketClosingError, WebSocketConnection } from "../../src/http/websocket_session.ts";
import { WEBSOCKET_CLOSE_TIMEOUT_MS } from "../../src/http/limits.ts";

/** A source that never sends a byte, until it is closed. */
function silentSource(): ByteSource & { end(): void } {
  let end = () => {};
  const ended = new Promise<void>((r) => end = r);
  return {
    end,
    async read<T extends ArrayBufferView>(view: T): Promise<ReadableStreamReadResult<T>> {
      await ended;
      return { done: true, value: view };
    },
    cancel: () => Promise.resolve(),
    releaseLock: () => {},
  };
}

Deno.test("a quiet client gets close 1001 after the idle time, then the socket closes", async () => {
  const source = silentSource();
  const written: Uint8Array[] = [];
  let closedAt = 0;
  const ws = new WebSocketConnection(
    {
      reader: new BufferedReader(source, 1024, 1024),
      write: (bytes) => {
        written.push(bytes.slice());
        return Promise.resolve();
      },
      close: () => {
        closedAt = performance.now();
        source.end();
      },
    },
    { maxMessageBytes: 1024, maxFragmentBytes: 1024 },
    50,
  );
  const started = performance.now();
  assertEquals(await ws.receive(), null); // ends when the connection is closed
  const frame = written.at(-1)!;
  assertEquals([frame[0], frame[2] << 8 | frame[3]], [0x88, 1001]);
  const waited = closedAt - started;
  // The idle clock, then the wait for the client's close frame.
  assertEquals(waited >= 50 + WEBSOCKET_CLOSE_TIMEOUT_MS - 20, true, `closed after ${waited} ms`);
  await ws.finish();
});

Deno.test("a close while a long message goes out in fragments ends it: no data frame follows the close frame", async () => {
  const source = silentSource();
  const written: Uint8Array[] = [];
  // Writes wait until released, so the message's fragments pile up and its send has to wait.
  let release = () => {};
  let released = new Promise<void>((r) => release = r);
  const ws = new WebSocketConnection(
    {
      reader: new BufferedReader(source, 1024, 1024),
      write: async (bytes) => {
        written.push(bytes.slice());
        await released;
      },
      close: () => source.end(),
    },
    { maxMessageBytes: 8 << 20, maxFragmentBytes: 1024 },
    60_000,
  );
  const sending = ws.send(new Uint8Array(4 << 20)).then(() => "sent", (e) => e);
  await new Promise((r) => setTimeout(r, 10)); // the send is now waiting for its writes
  const closing = ws.close(1001, "server shutting down");
  release();
  released = Promise.resolve();
  const outcome = await sending;
  assertEquals(outcome instanceof WebSocketClosingError, true, `send ended with ${outcome}`);
  await closing;
  await ws.finish();
  // Walk the frames the server wrote: after the close frame there is nothing.
  const all = new Uint8Array(written.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of written) all.set(b, (at += b.length) - b.length);
  const opcodes: number[] = [];
  for (let i = 0; i < all.length;) {
    const len7 = all[i + 1] & 0x7f;
    const [head, len] = len7 === 126
      ? [4, all[i + 2] << 8 | all[i + 3]]
      : len7 === 127
      ? [10, Number(new DataView(all.buffer, i + 2, 8).getBigUint64(0))]
      : [2, len7];
    opcodes.push(all[i] & 0x0f);
    i += head + len;
  }
  const close = opcodes.indexOf(0x8);
  assertEquals(close >= 0, true, "no close frame went out");
  assertEquals(opcodes.slice(close + 1), [], "frames after the close frame");
  assertEquals(opcodes.length < 4096, true, "the whole message went out despite the close");
});

/** A masked client frame (mask key 0: the payload goes as it is). */
function clientFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(6 + payload.length);
  frame[0] = 0x80 | opcode;
  frame[1] = 0x80 | payload.length; // < 126
  frame.set(payload, 6);
  return frame;
}

Deno.test("after its close frame the server drops message after message until the client's close", async () => {
  // The client had three messages on the way when our close went out, then it answers the close.
  const incoming = [
    clientFrame(0x2, new Uint8Array(10)),
    clientFrame(0x1, new TextEncoder().encode("second")),
    clientFrame(0x2, new Uint8Array(3)),
    clientFrame(0x8, Uint8Array.of(1001 >> 8, 1001 & 0xff)),
  ];
  let gate = () => {};
  const opened = new Promise<void>((r) => gate = r);
  let closed = false;
  const source: ByteSource = {
    async read<T extends ArrayBufferView>(view: T): Promise<ReadableStreamReadResult<T>> {
      await opened;
      const next = incoming.shift();
      if (next === undefined) return { done: true, value: view };
      const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
      bytes.set(next);
      return { done: false, value: bytes.subarray(0, next.length) as unknown as T };
    },
    cancel: () => Promise.resolve(),
    releaseLock: () => {},
  };
  const written: Uint8Array[] = [];
  const ws = new WebSocketConnection(
    {
      reader: new BufferedReader(source, 1024, 1024),
      write: (bytes) => {
        written.push(bytes.slice());
        return Promise.resolve();
      },
      close: () => closed = true,
    },
    { maxMessageBytes: 1024, maxFragmentBytes: 1024 },
    60_000,
  );
  const receiving = ws.receive();
  await ws.close(1001, "server shutting down");
  gate();
  assertEquals(await receiving, null);
  await ws.finish();
  assertEquals(closed, true);
  // One close frame went out, ours (1001): none for a protocol error (1002) on the second message.
  const closes = written.filter((f) => (f[0] & 0x0f) === 0x8).map((f) => f[2] << 8 | f[3]);
  assertEquals(closes, [1001]);
  assertEquals(incoming.length, 0, "the client's close was not read");
});

/** A source handing out `pieces` one per read, `delayMs` apart; then the end. */
function pacedSource(pieces: Uint8Array[], delayMs: number, gate?: Promise<void>): ByteSource {
  return {
    async read<T extends ArrayBufferView>(view: T): Promise<ReadableStreamReadResult<T>> {
      await gate;
      await new Promise((r) => setTimeout(r, delayMs));
      const next = pieces.shift();
      if (next === undefined) return { done: true, value: view };
      const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
      bytes.set(next);
      return { done: false, value: bytes.subarray(0, next.length) as unknown as T };
    },
    cancel: () => Promise.resolve(),
    releaseLock: () => {},
  };
}

/** A masked (zero key) client frame with a 16-bit length. */
function clientFrame16(opcode: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(8 + payload.length);
  frame[0] = 0x80 | opcode;
  frame[1] = 0x80 | 126;
  frame[2] = payload.length >> 8;
  frame[3] = payload.length & 0xff;
  frame.set(payload, 8);
  return frame;
}

Deno.test("a frame still arriving keeps the session from the idle clock", async () => {
  // 1,000 bytes of payload in ten pieces 40 ms apart: 400 ms of arrival against a 150 ms clock.
  const frame = clientFrame16(0x2, new Uint8Array(1000).fill(7));
  const pieces = [frame.subarray(0, 8)];
  for (let at = 8; at < frame.length; at += 100) pieces.push(frame.subarray(at, at + 100));
  const written: Uint8Array[] = [];
  const ws = new WebSocketConnection(
    {
      reader: new BufferedReader(pacedSource(pieces, 40), 1024, 1024),
      write: (bytes) => {
        written.push(bytes.slice());
        return Promise.resolve();
      },
      close: () => {},
    },
    { maxMessageBytes: 4096, maxFragmentBytes: 4096 },
    150,
  );
  const message = await ws.receive();
  assertEquals(message !== null && "data" in message ? message.data.length : message, 1000);
  assertEquals(written.filter((f) => (f[0] & 0x0f) === 0x8).length, 0, "no close frame");
  await ws.close();
  await ws.finish();
});

Deno.test("a ping after the server's close frame is still answered with a pong", async () => {
  const ping = new TextEncoder().encode("still there?");
  let gate = () => {};
  const opened = new Promise<void>((r) => gate = r);
  const source = pacedSource(
    [
      clientFrame(0x9, ping),
      clientFrame(0x8, Uint8Array.of(1000 >> 8, 1000 & 0xff)),
    ],
    1,
    opened,
  );
  const written: Uint8Array[] = [];
  const ws = new WebSocketConnection(
    {
      reader: new BufferedReader(source, 1024, 1024),
      write: (bytes) => {
        written.push(bytes.slice());
        return Promise.resolve();
      },
      close: () => {},
    },
    { maxMessageBytes: 1024, maxFragmentBytes: 1024 },
    60_000,
  );
  const receiving = ws.receive();
  await ws.close(1001, "server shutting down");
  gate();
  assertEquals(await receiving, null);
  await ws.finish();
  const opcodes = written.map((f) => f[0] & 0x0f);
  assertEquals(opcodes, [0x8, 0xa], "our close, then the pong");
  assertEquals(new TextDecoder().decode(written[1].subarray(2)), "still there?");
});
