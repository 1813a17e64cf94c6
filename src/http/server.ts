/**
 * The accept loop: one `Connection` task per accepted socket, failures contained to their
 * connection, and graceful shutdown (stop accepting, close idle connections, let in-flight
 * exchanges finish within a bound, then force the rest closed).
 *
 * This module must not know routes: it serves one `Handler`.
 * @module
 */

import { classifyAcceptFailure } from "./accept_failure.ts";
import { Connection } from "./connection.ts";
import { ConnectionRefusals } from "./connection_refusal.ts";
import type { ConnectionOptions } from "./connection_options.ts";
import type { AccessEntry } from "./access_entry.ts";
import { DeadlineClock, tickFor } from "./deadline_clock.ts";
import { SlotList, type Slotted } from "./slot_list.ts";
import { type Limits, makeLimits } from "./limits.ts";
import { localCount, type SharedCount } from "./shared_count.ts";
import {
  honourRoomRequests,
  MAX_ROOM_WAITERS,
  type RoomRequests,
  waitForRoom,
} from "./room_requests.ts";
import { TlsHandshake } from "./tls_handshake.ts";
import type { Handler } from "./types.ts";

/** How to start a server. */
export interface ServerOptions {
  /** Address to bind; 127.0.0.1 unless told otherwise. */
  hostname?: string;
  /** Port to bind; 0 picks a free one. */
  port: number;
  /** The app. */
  handler: Handler;
  /** Overrides of the default limits. */
  limits?: Partial<Limits>;
  /** PEM certificate and key: serve HTTPS (ALPN http/1.1) with the same engine. */
  tls?: { cert: string; key: string };
  /** Server-side failures (a handler that threw, a failed write). Defaults to stderr. */
  onError?: (err: unknown, where: string) => void;
  /** Called after each response (the access log). */
  onResponse?: (entry: AccessEntry) => void;
  /**
   * Bind with SO_REUSEPORT, so that every worker listens on the same port and the kernel spreads
   * new connections over them (Linux). Needs `--unstable-net`.
   */
  reusePort?: boolean;
  /**
   * Open connections, counted against `maxConnections`: shared by every worker when given, so
   * the limit is the server's, not each worker's. Defaults to a count of this server's own.
   */
  openConnections?: SharedCount;
  /**
   * Requests for room between the servers sharing `openConnections` (see room_requests.ts): with
   * them, a newcomer past the limit gets an idle connection of another server closed.
   */
  roomRequests?: RoomRequests;
}

/** An open connection and the task serving it, as the server keeps them. */
interface Served extends Slotted {
  conn: Connection;
  /** Resolves when the connection has ended (and left the list). */
  task: Promise<void>;
}

const DONE: Promise<void> = Promise.resolve();

/**
 * Pause after a failed accept (out of file descriptors, or a failure not known to be one
 * connection's: accept_failure.ts) before trying again; it doubles
 * with each failure in a row, up to `ACCEPT_RETRY_MAX_MS`, so a server out of descriptors does
 * not spin on a listener whose backlog keeps the accept failing.
 */
const ACCEPT_RETRY_MS = 10;
const ACCEPT_RETRY_MAX_MS = 1000;
/**
 * After an accept failure is logged, further ones stay quiet this long: an episode of running
 * out of descriptors is one line (with the count the next line carries), not a line per retry,
 * flooding the log exactly when the machine is struggling.
 */
const ACCEPT_LOG_QUIET_MS = 60_000;

/**
 * How long a shutdown past its timeout waits, once it has closed every connection, for their
 * exchanges to end. A handler may wait on something closing cannot stop: a file swapped for a
 * FIFO blocks its `open` until a writer comes, which may be never (a probe found the process
 * alive a minute after SIGTERM). Past this the shutdown is over anyway; the process's exit ends
 * what is left.
 */
const CLOSED_GRACE_MS = 1_000;

/** A failed accept as one log line: the OS's reason and what the server does about it. */
class AcceptFailure extends Error {
  constructor(cause: unknown, unlogged: number) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `${reason}; retrying with back-off, further failures unlogged for ` +
        `${ACCEPT_LOG_QUIET_MS / 1000} s` +
        (unlogged > 0 ? ` (${unlogged} failed unlogged before this)` : ""),
    );
    this.name = "AcceptFailure";
    this.stack = this.message; // a stack would only name the accept loop
  }
}

/** A listening wireserve engine. */
export class HttpServer {
  /** The bound address (the real port when 0 was asked for). */
  readonly addr: Deno.NetAddr;
  /** Resolves when the accept loop and every connection have ended. */
  readonly finished: Promise<void>;
  #listener: Deno.Listener;
  /**
   * The open connections with their serving tasks: a `SlotList`, not Sets — one comes and goes per
   * connection, and Sets churned that way kept ended connections alive (see slot_list.ts).
   */
  #served = new SlotList<Served>();
  /** TLS connections whose handshake is under way: counted, but not yet `Connection`s. */
  #handshaking = new SlotList<TlsHandshake>();
  #shuttingDown = false;
  #clock: DeadlineClock;
  #nextId = 1;
  #open: SharedCount;
  #limits: Limits;
  #opts: ServerOptions;
  #activity = { requests: 0 };
  /** Connections refused past the limit, lingering over their unread request. */
  #refusals: ConnectionRefusals;
  /** Newcomers past the limit waiting for room made by another server. */
  #roomWaiters = 0;

  /** Binds and starts accepting. Throws when the address cannot be bound. */
  constructor(opts: ServerOptions) {
    this.#opts = opts;
    this.#limits = makeLimits(opts.limits);
    this.#open = opts.openConnections ?? localCount();
    this.#refusals = new ConnectionRefusals(this.#limits, opts.onResponse);
    const hostname = opts.hostname ?? "127.0.0.1";
    this.#listener = opts.tls
      ? Deno.listenTls({
        hostname,
        port: opts.port,
        cert: opts.tls.cert,
        key: opts.tls.key,
        alpnProtocols: ["http/1.1"],
        reusePort: opts.reusePort,
      })
      : Deno.listen({ hostname, port: opts.port, transport: "tcp", reusePort: opts.reusePort });
    this.addr = this.#listener.addr as Deno.NetAddr;
    const l = this.#limits;
    this.#clock = new DeadlineClock(
      tickFor([
        l.idleTimeoutMs,
        l.headerTimeoutMs,
        l.bodyIdleTimeoutMs,
        l.writeTimeoutMs,
        l.lingerTimeoutMs,
      ]),
    );
    this.finished = this.#acceptLoop();
    const requests = opts.roomRequests;
    if (requests !== undefined) {
      const stopped = () => this.#shuttingDown;
      honourRoomRequests(
        requests,
        () => this.#oldestIdle() !== null,
        () => this.#closeOneIdle(),
        stopped,
      );
    }
  }

  /** Connections currently open (TLS ones still in their handshake included). */
  get connectionCount(): number {
    return this.#served.size + this.#handshaking.size;
  }

  /** Request heads read since the server started, on every connection. */
  get requestCount(): number {
    return this.#activity.requests;
  }

  /**
   * Stops accepting, closes idle connections, waits up to `timeoutMs` for in-flight exchanges,
   * then closes whatever is left. Resolves when everything has ended, or `CLOSED_GRACE_MS` after
   * the close when some handler does not (it is left to the process's exit). Then the handler's
   * `close`, if it has one.
   */
  async shutdown(timeoutMs = 10_000): Promise<void> {
    if (!this.#shuttingDown) {
      this.#shuttingDown = true;
      try {
        this.#listener.close();
      } catch {
        // already closed
      }
      for (const { conn } of this.#served.values()) {
        if (conn.idle) conn.close();
        else conn.goingAway(); // a WebSocket gets its close frame (1001)
      }
      // A client still in its TLS handshake has not sent a request: it is as idle as they come.
      for (const handshake of this.#handshaking.values()) handshake.abandon();
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    const result = await Promise.race([this.finished.then(() => "done" as const), deadline]);
    clearTimeout(timer);
    if (result === "timeout") {
      for (const { conn } of this.#served.values()) conn.close();
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CLOSED_GRACE_MS);
      });
      await Promise.race([this.finished, grace]);
      clearTimeout(timer);
    }
    this.#clock.stop();
    this.#opts.handler.close?.();
  }

  /**
   * Closes a kept-alive connection waiting for its next request (the earliest accepted of them)
   * to make room for a new one. RFC 9112 §9.5: a server may close an idle connection at any
   * time; clients retry on a new one. A connection that has not sent its first request yet is
   * left alone: its client has only just arrived. False when no connection can go.
   */
  #closeOneIdle(): boolean {
    const oldest = this.#oldestIdle();
    if (oldest === null) return false;
    oldest.close();
    return true;
  }

  /** The earliest accepted kept-alive connection waiting for a request, or null. */
  #oldestIdle(): Connection | null {
    // The list keeps no order: the earliest accepted is the one with the lowest id.
    let oldest: Connection | null = null;
    for (const { conn } of this.#served.values()) {
      if (conn.keptAlive && !conn.closed && (oldest === null || conn.id < oldest.id)) {
        oldest = conn;
      }
    }
    return oldest;
  }

  /**
   * A newcomer past the limit with no idle connection here to close: other servers sharing the
   * limit are asked to close one of theirs, and it waits briefly for the slot (room_requests.ts);
   * else, or with too many waiting already, it is refused.
   */
  async #admitWhenRoom(conn: Deno.Conn, options: ConnectionOptions): Promise<void> {
    const acceptedAt = performance.now();
    const requests = this.#opts.roomRequests;
    if (requests === undefined || this.#roomWaiters >= MAX_ROOM_WAITERS) {
      return this.#refusals.refuse(conn, acceptedAt);
    }
    this.#roomWaiters++;
    const stopped = () => this.#shuttingDown;
    let room = false;
    try {
      room = await waitForRoom(requests, this.#open, this.#limits.maxConnections, stopped);
    } finally {
      this.#roomWaiters--;
    }
    if (this.#shuttingDown) {
      // The accept loop has ended: nothing would wait for this connection.
      if (room) this.#open.add(-1);
      return closeQuietly(conn);
    }
    if (!room) return this.#refusals.refuse(conn, acceptedAt);
    if (options.tls) this.#handshake(conn as Deno.TlsConn, options);
    else this.#serve(conn, options);
  }

  async #acceptLoop(): Promise<void> {
    const onError = this.#opts.onError ?? defaultOnError;
    const options = {
      limits: this.#limits,
      handler: this.#opts.handler,
      clock: this.#clock,
      tls: this.#opts.tls !== undefined,
      shuttingDown: () => this.#shuttingDown,
      onError,
      onResponse: this.#opts.onResponse,
      activity: this.#activity,
    };
    /** Failed accepts in a row (the back-off grows with them). */
    let failures = 0;
    /** When the next failure may be logged, and how many were not meanwhile. */
    let quietUntil = 0;
    let unlogged = 0;
    while (!this.#shuttingDown) {
      let conn: Deno.Conn;
      try {
        conn = await this.#listener.accept();
      } catch (err) {
        if (this.#shuttingDown || err instanceof Deno.errors.BadResource) break;
        // A client that reset before we accepted it is its own loss: the next one in the backlog
        // is fine, so no pause (it would hold up every client queued behind) and no log line.
        if (classifyAcceptFailure(err) === "connection-gone") continue;
        const now = Date.now();
        if (now >= quietUntil) {
          onError(new AcceptFailure(err, unlogged), "accept");
          quietUntil = now + ACCEPT_LOG_QUIET_MS;
          unlogged = 0;
        } else unlogged++;
        const pause = Math.min(ACCEPT_RETRY_MS * 2 ** Math.min(failures, 16), ACCEPT_RETRY_MAX_MS);
        failures++;
        await new Promise((r) => setTimeout(r, pause));
        continue;
      }
      failures = 0;
      // Past the server-wide limit an idle connection of ours makes room (its slot comes back
      // when it ends: the count runs over by one meanwhile), else one of another server sharing
      // the limit, else the newcomer is refused.
      if (!this.#open.tryAdd(1, this.#limits.maxConnections)) {
        if (!this.#closeOneIdle()) {
          this.#admitWhenRoom(conn, options).catch((err) => onError(err, "connection"));
          continue;
        }
        this.#open.add(1);
      }
      if (options.tls) this.#handshake(conn as Deno.TlsConn, options);
      else this.#serve(conn, options);
    }
    // Refused clients have had their answer: their lingering ends with the listener.
    await this.#refusals.closeAll();
    while (this.#served.size > 0 || this.#handshaking.size > 0) {
      await Promise.all(this.#served.values().map((s) => s.task));
      await Promise.all(this.#handshaking.values().map((h) => h.done));
    }
  }

  /** Serves `conn`, which holds one slot of the count until it ends. */
  #serve(conn: Deno.Conn, options: ConnectionOptions): void {
    const served: Served = { conn: new Connection(conn, this.#nextId++, options), task: DONE };
    this.#served.add(served);
    served.task = served.conn.serve().finally(() => {
      this.#open.add(-1);
      this.#served.delete(served);
    });
  }

  /**
   * Serves a TLS connection once its handshake is done, off the accept loop. A handshake not done
   * within `tlsHandshakeTimeoutMs` (a client that never sends its ClientHello, or stops halfway)
   * is abandoned: the connection is closed and its slot given back.
   */
  #handshake(conn: Deno.TlsConn, options: ConnectionOptions): void {
    const handshake = new TlsHandshake(conn, this.#limits.tlsHandshakeTimeoutMs);
    this.#handshaking.add(handshake);
    handshake.done.then((done) => {
      this.#handshaking.delete(handshake);
      // The shutdown came during the handshake: the connection goes like any idle one.
      if (done && this.#shuttingDown) handshake.abandon();
      else if (done) return this.#serve(conn, options);
      this.#open.add(-1);
    }).catch((err) => {
      // Not served after all (a detached task must not reject): its slot comes back.
      this.#open.add(-1);
      handshake.abandon();
      options.onError(err, "connection");
    });
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}

function defaultOnError(err: unknown, where: string): void {
  console.error(`wireserve: ${where} failed:`, err);
}
