/**
 * The WebSocket session without a socket: a client that goes quiet past the idle clock gets a
 * close frame with 1001 and, not answering, loses the connection after the close timeout.
 */

import { assertEquals } from "../support/assert.ts";
import { BufferedReader, type ByteSource } from "../../src/http/buffered_reader.ts";
import { WebSocketConnection } from "../../src/http/websocket_session.ts";
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
