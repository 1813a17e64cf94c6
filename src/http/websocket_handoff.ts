/**
 * The hand-off of a connection to the WebSocket protocol once its 101 is written: the reader
 * leaves the socket's stream for plain reads, a `WebSocketConnection` takes the reader and the
 * writer, and the upgrade's session runs over it until it ends (RFC 9110 §7.8: the connection
 * never returns to HTTP).
 *
 * This module must not know the HTTP exchange before the switch (the 101 and its log line are
 * the connection's), nor routes: the session is the handler's.
 * @module
 */

import type { BufferedReader } from "./buffered_reader.ts";
import { plainReadSource } from "./byte_source.ts";
import { isDisconnect } from "./errors.ts";
import type { ResponseWriter } from "./response_writer.ts";
import type { WebSocketUpgrade } from "./types.ts";
import { WebSocketClosingError, WebSocketConnection } from "./websocket_session.ts";

/** What the hand-off needs of the connection it takes over. */
export interface SwitchingConnection {
  /** Whether the socket is closed (by us, the peer or a clock). */
  readonly closed: boolean;
  /** Closes the socket; safe to call more than once. */
  close(): void;
  /** Half-closes, discards input for a bounded time and bytes, then closes (`lingerThenClose`). */
  linger(): Promise<void>;
}

/**
 * The WebSocket session over `conn`, reading through `reader` (what it already buffered is the
 * first frames') and writing through `writer`. The caller has released `conn.readable`'s reader.
 */
export function handOffToWebSocket(
  conn: Deno.Conn,
  reader: BufferedReader,
  writer: ResponseWriter,
  upgrade: WebSocketUpgrade,
  owner: SwitchingConnection,
): WebSocketConnection {
  // Frames are read with plain `conn.read` calls into the same buffer: the stream machinery of
  // `conn.readable` cost a ping-pong session half its speed (bench/websocket_bench.ts, one
  // message in flight), and the HTTP part — what our reader parses — is over.
  reader.switchSource(plainReadSource(conn));
  return new WebSocketConnection({
    reader,
    read: (view) => conn.read(view),
    write: (bytes) => writer.writeDirect(bytes),
    close: () => owner.close(),
    linger: () => owner.linger(),
  }, upgrade);
}

/**
 * Runs the upgrade's session on `ws` until it ends, then finishes the WebSocket close. Reports a
 * session failure through `onError` unless it is the session's own ending (a close, a client
 * gone, the socket closed under it).
 */
export async function runWebSocketSession(
  ws: WebSocketConnection,
  upgrade: WebSocketUpgrade,
  owner: SwitchingConnection,
  onError: (err: unknown, where: string) => void,
): Promise<void> {
  try {
    await upgrade.session(ws);
  } catch (err) {
    const expected = err instanceof WebSocketClosingError || isDisconnect(err);
    if (!ws.closed && !owner.closed && !expected) onError(err, "websocket");
  } finally {
    await ws.finish();
  }
}
