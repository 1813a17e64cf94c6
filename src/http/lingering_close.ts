/**
 * Closing a connection after a final response while request bytes may still be arriving (a body
 * we did not read, input after a framing error). Closing at once would make the kernel answer
 * that input with a reset, and a reset can destroy the response before the client reads it
 * (RFC 9112 §9.6), so we half-close, read and discard for a bounded time and a bounded number of
 * bytes, then close: the "lingering close" of Apache and nginx.
 *
 * This module must not know HTTP messages: it only discards bytes.
 * @module
 */

import type { BufferedReader } from "./buffered_reader.ts";
import type { Limits } from "./limits.ts";
import type { PhaseTimer } from "./phase_timer.ts";

/** The socket side of a connection, as the lingering close needs it. */
export interface ClosingSocket {
  /** Whether the socket is closed (by us, the peer or a clock). */
  readonly closed: boolean;
  /** Ends our side of the stream (the client sees end of input after the response). */
  closeWrite(): Promise<void>;
  /** Closes the socket; safe to call more than once. */
  close(): void;
}

/**
 * Half-closes `socket`, discards what arrives through `reader` for at most
 * `limits.lingerTimeoutMs` (timed by `timer`) and `limits.maxLingerBytes`, then closes it. Never
 * throws: a reset from the peer or the clock closing the socket ends the linger early.
 */
export async function lingerThenClose(
  socket: ClosingSocket,
  reader: BufferedReader,
  limits: Limits,
  timer: PhaseTimer,
): Promise<void> {
  try {
    await socket.closeWrite();
  } catch {
    return socket.close();
  }
  timer.arm("linger", limits.lingerTimeoutMs);
  let left = limits.maxLingerBytes;
  try {
    while (left > 0 && !socket.closed) {
      left -= reader.skip(left);
      if (!(await reader.fill())) break;
    }
  } catch {
    // the peer reset or the linger clock closed the socket: either way we are done
  } finally {
    timer.disarm();
    socket.close();
  }
}
