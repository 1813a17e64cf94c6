/**
 * The TLS handshake of an accepted connection, on its own clock: a client that opens TCP and
 * never finishes the handshake (no ClientHello, or half of one) is abandoned after a bound instead
 * of waiting for a request it will never send. Nginx's `ssl_handshake_timeout` and Go's
 * `ReadHeaderTimeout` (which counts the handshake) bound it the same way.
 *
 * What abandoning frees, measured on Deno 2.9.6: the server's slot, the connection count and
 * every buffer — the connection is built only once the handshake is done. Not the descriptor:
 * `TlsConn.close()` before the handshake completes hands the socket to a task inside Deno that
 * still waits for the handshake (rustls-tokio-stream `TlsStream::drop` awaits the handshake task,
 * which holds the socket and only wakes on the peer's bytes or its close), so the kernel socket
 * lives until the client sends something or goes away. No Deno API reaches that socket from
 * here (see docs/protocol.md, "TLS handshakes").
 *
 * This module must not know HTTP.
 * @module
 */

import type { Slotted } from "./slot_list.ts";

/** A TLS connection whose handshake is under way, as the server keeps it until it ends. */
export class TlsHandshake implements Slotted {
  /** The server's bookkeeping (see `SlotList`). */
  listSlot?: number;
  /** The accepted connection. */
  readonly conn: Deno.TlsConn;
  /**
   * True when the handshake completed in time; false when it failed, ran out of time or was
   * abandoned — the connection is closed then. Never rejects.
   */
  readonly done: Promise<boolean>;
  #settle: ((done: boolean) => void) | null = null;
  #closed = false;

  /** Starts waiting for `conn`'s handshake, for at most `timeoutMs`. */
  constructor(conn: Deno.TlsConn, timeoutMs: number) {
    this.conn = conn;
    this.done = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => this.abandon(), timeoutMs);
      this.#settle = (done) => {
        this.#settle = null;
        clearTimeout(timer);
        if (!done) this.#close();
        resolve(done);
      };
    });
    // A failed handshake (a client speaking plain HTTP, a bad record) rejects; so does closing
    // the connection while it waits.
    conn.handshake().then(() => this.#settle?.(true), () => this.#settle?.(false));
  }

  /**
   * Gives the handshake up now (its clock ran out, or the server shuts down) and closes the
   * connection — also when the handshake is already done. Safe to call more than once.
   */
  abandon(): void {
    if (this.#settle !== null) this.#settle(false);
    else this.#close();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.conn.close();
    } catch {
      // the peer's reset or a failed handshake closed it already
    }
  }
}
