/**
 * Refusing a connection past `maxConnections`: the canned 503 (RFC 9110 §15.6.4: the overload is
 * temporary), then a bounded lingering close. The client has usually sent its request by then;
 * closing with it unread makes the kernel answer with a reset, which breaks an upload mid-send (the
 * client reports a broken pipe, not the 503) and on some stacks discards the 503 unread (RFC 9112
 * §9.6). So our side is half-closed and what arrives is discarded for at most `lingerTimeoutMs`
 * and `maxLingerBytes`, as after any other refusal. Its request is never parsed: the client learns
 * why, not what.
 *
 * At most MAX_LINGERING_REFUSALS linger at once; past them (a flood) a refusal closes right after
 * its 503, so refusing stays far cheaper than serving. The linger clock also bounds the 503's
 * write, which over TLS first waits for the client's handshake (Deno 2.9.6 then keeps that socket
 * until the client goes, as with any abandoned handshake; the refusal's own state is freed).
 *
 * Each 503 gets its access-log entry through `onResponse`, like the protocol's other canned
 * answers: every part of the request is "-", since it is never read.
 *
 * This module must not know routes.
 * @module
 */

import { clientAddress } from "./client_address.ts";
import { type AccessEntry, accessEntry } from "./access_entry.ts";
import { cannedBodyBytes, cannedErrorResponse } from "./canned_response.ts";
import { ERROR_KINDS } from "./errors.ts";
import type { Limits } from "./limits.ts";

/** Refused connections lingering at once, per server. */
export const MAX_LINGERING_REFUSALS = 64;

/** Where refused connections' input is read and dropped: shared, since nothing reads it back. */
const DISCARD = new Uint8Array(16 * 1024);

/** The refused connections of one server still open. */
export class ConnectionRefusals {
  #limits: Limits;
  #onResponse: ((entry: AccessEntry) => void) | undefined;
  /** Refused connections still open: writing their 503 or lingering. */
  #conns = new Set<Deno.Conn>();
  #lingering = 0;
  #tasks = new Set<Promise<void>>();

  /** `onResponse` is the server's access-log hook. */
  constructor(limits: Limits, onResponse?: (entry: AccessEntry) => void) {
    this.#limits = limits;
    this.#onResponse = onResponse;
  }

  /**
   * Answers `conn` with 503 and closes it, lingering first while there is room. `acceptedAt`
   * (`performance.now()` at the accept) starts the logged duration: a newcomer may have waited
   * for room first.
   */
  refuse(conn: Deno.Conn, acceptedAt = performance.now()): void {
    this.#log(conn, acceptedAt);
    const task: Promise<void> = this.#refuse(conn).finally(() => this.#tasks.delete(task));
    this.#tasks.add(task);
  }

  /** Ends every refusal now (the server is stopping); resolves once all have ended. */
  async closeAll(): Promise<void> {
    for (const conn of this.#conns) closeQuietly(conn);
    await Promise.all(this.#tasks);
  }

  /** The refusal's access-log entry: logged as it is answered, as the other canned errors are. */
  #log(conn: Deno.Conn, acceptedAt: number): void {
    if (this.#onResponse === undefined) return;
    let remote = "-";
    try {
      remote = clientAddress((conn.remoteAddr as Deno.NetAddr).hostname);
    } catch {
      // the peer is already gone: the line still counts the refusal
    }
    this.#onResponse(accessEntry(
      remote,
      null,
      ERROR_KINDS.tooManyConnections.status,
      cannedBodyBytes("tooManyConnections", false),
      performance.now() - acceptedAt,
    ));
  }

  async #refuse(conn: Deno.Conn): Promise<void> {
    this.#conns.add(conn);
    // One clock for the write and the linger: over TLS the write waits for a handshake that a
    // client may never finish.
    const timer = setTimeout(() => closeQuietly(conn), this.#limits.lingerTimeoutMs);
    let lingering = false;
    try {
      await conn.write(cannedErrorResponse("tooManyConnections"));
      if (this.#lingering >= MAX_LINGERING_REFUSALS) return;
      lingering = true;
      this.#lingering++;
      await conn.closeWrite();
      let left = this.#limits.maxLingerBytes;
      while (left > 0) {
        const n = await conn.read(DISCARD);
        if (n === null) break;
        left -= n;
      }
    } catch {
      // the peer left or reset, or the clock or a shutdown closed the socket: it is over
    } finally {
      clearTimeout(timer);
      if (lingering) this.#lingering--;
      this.#conns.delete(conn);
      closeQuietly(conn);
    }
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // closed already (by the clock, a shutdown, or the peer's reset)
  }
}
