/**
 * Test support: a `Connection` over a fake socket, for tests that must control exactly when input
 * arrives and what each socket call does (a read that lands as a clock fires, a write that fails),
 * which real TCP cannot time.
 * @module
 */

import { Connection } from "../../src/http/connection.ts";
import type { ConnectionOptions } from "../../src/http/connection_options.ts";
import { DeadlineClock } from "../../src/http/deadline_clock.ts";
import { DEFAULT_LIMITS } from "../../src/http/limits.ts";
import type { Handler } from "../../src/http/types.ts";

/** What the fake socket does; every method left out is a harmless default. */
export interface FakeSocket {
  /** The input: a byte stream (BYOB), as `conn.readable` is. */
  readable: ReadableStream<Uint8Array>;
  /** Defaults to taking every byte. */
  write?: (bytes: Uint8Array) => Promise<number>;
  /** Plain reads (bodies are read this way); left out, the socket has none. */
  read?: (into: Uint8Array) => Promise<number | null>;
  close?: () => void;
  setNoDelay?: (on: boolean) => void;
}

/** A byte stream that serves `pull` to each BYOB read (see `ReadableByteStreamController`). */
export function byteStream(
  pull: (controller: ReadableByteStreamController) => void | Promise<void>,
): ReadableStream<Uint8Array> {
  return new ReadableStream({ type: "bytes", pull });
}

/** A `Connection` (id 1) over `socket`, serving `handler` with `options` over the defaults. */
export function fakeConnection(
  socket: FakeSocket,
  handler: Handler,
  options: Partial<ConnectionOptions> = {},
): { connection: Connection; clock: DeadlineClock } {
  const conn = {
    readable: socket.readable,
    remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 },
    write: socket.write ?? ((bytes: Uint8Array) => Promise.resolve(bytes.length)),
    close: socket.close ?? (() => {}),
    closeWrite: () => Promise.resolve(),
    ...(socket.read ? { read: socket.read } : {}),
    ...(socket.setNoDelay ? { setNoDelay: socket.setNoDelay } : {}),
  } as unknown as Deno.Conn;
  const clock = new DeadlineClock(100);
  const connection = new Connection(conn, 1, {
    limits: DEFAULT_LIMITS,
    handler,
    clock,
    tls: false,
    shuttingDown: () => false,
    onError: () => {},
    activity: { requests: 0 },
    ...options,
  });
  return { connection, clock };
}

/** Serves the connection to its end, then stops its clock. */
export async function serveToEnd(made: { connection: Connection; clock: DeadlineClock }) {
  await made.connection.serve();
  made.clock.stop();
}
