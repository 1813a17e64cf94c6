/**
 * The free read buffers of connections that ended, by size: a new connection's reader takes one
 * instead of allocating (with `Connection: close`, every request would otherwise pay for a fresh
 * buffer and the garbage collector for the old one).
 *
 * This module must not know what the buffers hold or who reads into them: a buffer handed back
 * must be whole (not a view of part of one) and no longer read into.
 * @module
 */

/** Free buffers kept per size: enough for a burst of connections, bounded when they end. */
const MAX_FREE_PER_SIZE = 256;

const freeBuffers = new Map<number, Uint8Array[]>();

/** A buffer of `bytes` bytes: a free one of that size, else a new one. */
export function takeReadBuffer(bytes: number): Uint8Array {
  return freeBuffers.get(bytes)?.pop() ?? new Uint8Array(bytes);
}

/** Keeps `buf` for the next `takeReadBuffer` of its size, unless enough of that size are kept. */
export function giveReadBuffer(buf: Uint8Array): void {
  let free = freeBuffers.get(buf.length);
  if (free === undefined) freeBuffers.set(buf.length, free = []);
  if (free.length < MAX_FREE_PER_SIZE) free.push(buf);
}
