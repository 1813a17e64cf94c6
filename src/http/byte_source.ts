/**
 * Where a reader's bytes come from: the `ByteSource` interface (the part of a
 * `ReadableStreamBYOBReader` a `BufferedReader` uses), and `plainReadSource`, one made of plain
 * `conn.read` calls for a connection that left HTTP. The socket's source while it speaks HTTP is
 * `SocketSource` (`socket_source.ts`).
 *
 * This module must not know HTTP: it moves bytes.
 * @module
 */

/** The part of a `ReadableStreamBYOBReader` the reader needs. */
export interface ByteSource {
  /** Fills (part of) `view` and returns it, transferred, or `done` at end of stream. */
  read<T extends ArrayBufferView>(view: T): Promise<ReadableStreamReadResult<T>>;
  /** Gives up the stream. */
  cancel(reason?: unknown): Promise<void>;
  /** Releases the lock on the stream. */
  releaseLock(): void;
  /**
   * Optional: a read that copies into `view` and leaves its memory in place, also when it fails
   * (a plain `Deno.Conn.read`, made only while no stream read is pending): the bytes read, or null
   * at the end. See `BufferedReader.readInto`'s `keep`.
   */
  readKeeping?(view: Uint8Array): Promise<number | null>;
}

/**
 * A source that reads `conn` with plain `conn.read` calls, copying into the view it is given
 * (nothing is transferred). The connection's `conn.readable` must no longer be read: its reader's
 * lock is released first.
 */
export function plainReadSource(conn: Deno.Conn): ByteSource {
  return {
    read<T extends ArrayBufferView>(view: T): Promise<ReadableStreamReadResult<T>> {
      const bytes = view as unknown as Uint8Array;
      return conn.read(bytes).then((n) => {
        const value = new Uint8Array(bytes.buffer, bytes.byteOffset, n ?? 0) as unknown as T;
        return n === null ? { done: true, value } : { done: false, value };
      });
    },
    cancel: () => Promise.resolve(),
    releaseLock: () => {},
  };
}
