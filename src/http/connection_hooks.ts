/**
 * What a connection is to everything but its own loop: the server's view of it (idle, kept
 * alive, closed, close, going away), the hooks the parts of an exchange call back into it — the
 * write clock (`WriteClock`), the body's clocks and `100 Continue` (`BodyHooks`), interim
 * responses and a handler's own abort (`ExchangeHooks`) — and the ways an exchange ends off the
 * common path: a canned error answer (with its HEAD rule), a clock running out, the hand-off to
 * WebSocket, the access-log line of an exchange cut short. `Connection` (`connection.ts`) extends
 * it with the request loop.
 *
 * A base class rather than parts the connection holds: the loop sets and reads this state for
 * every request, and one object keeps that free of an extra load or call per request.
 *
 * This module must not know routes, files or the UI, nor how requests follow one another (the
 * loop's business).
 * @module
 */

import { clientAddress } from "./client_address.ts";
import { accessEntry, type EndReason, endReason } from "./access_entry.ts";
import { BufferedReader } from "./buffered_reader.ts";
import { cannedBodyBytes, cannedErrorResponse } from "./canned_response.ts";
import type { ConnectionOptions } from "./connection_options.ts";
import { drainBody } from "./drain_body.ts";
import { ERROR_KINDS, type ErrorKind, HttpError } from "./errors.ts";
import { HeadReader } from "./head_reader.ts";
import type { ExchangeHooks, IncomingRequest } from "./incoming_request.ts";
import type { Limits } from "./limits.ts";
import { lingerThenClose } from "./lingering_close.ts";
import { type Phase, PhaseTimer } from "./phase_timer.ts";
import type { BodyHooks } from "./body_hooks.ts";
import type { RequestHead } from "./request_head.ts";
import { ResponseWriter, type WriteClock } from "./response_writer.ts";
import { SocketSource } from "./socket_source.ts";
import type { HttpResponse, RequestBody, WebSocketUpgrade } from "./types.ts";
import { handOffToWebSocket, runWebSocketSession } from "./websocket_handoff.ts";
import type { WebSocketConnection } from "./websocket_session.ts";

/**
 * The errors of a request body that break the message grammar (RFC 9112 §7.1): met while draining
 * a rest the handler left unread, they answer the request in place of the handler. A limit passed
 * while draining (413) is not one: the message may be well formed, only longer than we take.
 */
const GRAMMAR_ERRORS: ReadonlySet<ErrorKind> = new Set([
  "badChunk",
  "badHeader",
  "trailersTooLarge",
]);

/** One accepted connection's state and hooks; `Connection` adds the loop that serves it. */
export class ConnectionHooks implements BodyHooks, WriteClock, ExchangeHooks {
  readonly id: number;
  protected conn: Deno.Conn;
  protected opts: ConnectionOptions;
  protected limits: Limits;
  protected reader: BufferedReader;
  protected heads: HeadReader;
  protected writer: ResponseWriter;
  protected byob: ReadableStreamBYOBReader;
  /** The clock of the current wait (idle, head, body, write, linger). */
  protected timer: PhaseTimer;
  protected isClosed = false;
  /** The WebSocket session this connection switched to, while it runs. */
  #ws: WebSocketConnection | null = null;
  /** Whether the current exchange reached its handler and has no access-log line yet. */
  protected unlogged = false;
  /** The status of the response being written for it, 0 before one is. */
  protected sending = 0;
  protected isIdle = true;
  /** Whether a request was answered (set when the connection starts waiting for the next). */
  protected answered = false;
  protected expectContinue = false;
  /** Whether the handler of `request` is running (interim responses may go out). */
  protected handling = false;
  /** The request being served (the connection records `100 Continue` on it). */
  protected request: IncomingRequest | null = null;
  /** The current exchange's body: released (its budget share given back) when the exchange ends. */
  protected body: RequestBody | null = null;
  /** The head being served (for the access log of canned responses), or null between requests. */
  protected head: RequestHead | null = null;
  /**
   * The clock (ms since epoch) read after the last wait of any kind — for input, a handler, a
   * drain or a write. Until the next wait no time worth a Date passes, so the responses made in
   * between (a pipelined batch) share this one reading.
   */
  protected readAt = 0;
  /** When the current head started arriving (performance.now()), for durations in the log. */
  protected headStarted = 0;
  /**
   * Set by the loop before the one write that ends a connection (a whole answer, then the close).
   * The close pushes out whatever Nagle's algorithm would hold, so that write needs no
   * `TCP_NODELAY`: a `Connection: close` exchange saves the system call.
   */
  protected lastWrite = false;
  /** Whether `TCP_NODELAY` is set (or the socket has no such option). */
  #noDelay = false;

  constructor(conn: Deno.Conn, id: number, opts: ConnectionOptions) {
    this.conn = conn;
    this.id = id;
    this.opts = opts;
    this.limits = opts.limits;
    this.timer = new PhaseTimer((phase) => this.#expired(phase));
    this.writer = new ResponseWriter(conn, opts.limits, this);
    this.byob = conn.readable.getReader({ mode: "byob" });
    // Never waits for input with output pending: pipelined responses go out before a read blocks.
    const source = new SocketSource(conn, this.byob, this.writer);
    const maxHead = opts.limits.maxRequestLineBytes + opts.limits.maxHeaderBytes + 64;
    this.reader = new BufferedReader(source, opts.limits.readBufferBytes, maxHead);
    this.heads = new HeadReader(this.reader, opts.limits);
  }

  /** Whether the connection waits for a request (shutdown closes such connections at once). */
  get idle(): boolean {
    return this.isIdle;
  }

  /** Whether it waits for a further request after answering one (a kept-alive connection). */
  get keptAlive(): boolean {
    return this.isIdle && this.answered;
  }

  /** Closes the socket now. Safe to call more than once. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    // An exchange cut here (a shutdown past its timeout, a clock) may never get back to the loop
    // (its handler may still be waiting, and the process may exit first): its line goes now.
    if (this.unlogged) this.logEnded(this.sending);
    try {
      this.conn.close();
    } catch {
      // already closed by the peer or by a racing close
    }
    // A handler or body stream waiting on a timer for this exchange stops: nothing will read its
    // answer, and a shutdown past its timeout must not wait for the timer (`HttpRequest.signal`).
    this.request?.connectionClosed();
  }

  /** Whether the socket is closed (by us, the peer's reset or a clock). */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Ends our side of the stream (see `lingerThenClose`). */
  closeWrite(): Promise<void> {
    return this.conn.closeWrite();
  }

  /**
   * The server is shutting down: a WebSocket session is told so (close 1001) and ends when its
   * client answers. HTTP exchanges in flight need nothing: they end with `Connection: close`.
   */
  goingAway(): void {
    this.#ws?.close(1001, "server shutting down").catch(() => {});
  }

  /**
   * Reads and discards what the handler left of `body` (up to `maxDrainBytes`), after sending the
   * answer written so far when `afterAnswer` (`answersBeforeDrain` says when). True when the body
   * ended, so the connection can read the next request; false when it passed the bound or failed.
   * Before the answer, a rest that breaks the grammar (a malformed chunk) is its error instead:
   * the request was not a valid message, and the answer to it is the error's (RFC 9112 §2.2),
   * not the handler's. Once an answer went out, a body clock that runs out only closes
   * (`#expired`).
   */
  protected async drainRest(body: RequestBody, afterAnswer: boolean): Promise<boolean | HttpError> {
    try {
      if (afterAnswer) await this.writer.flush();
      return await drainBody(body, this.limits.maxDrainBytes);
    } catch (err) {
      return !afterAnswer && err instanceof HttpError && GRAMMAR_ERRORS.has(err.kind) &&
          !this.isClosed
        ? err
        : false;
    } finally {
      this.readAt = Date.now();
    }
  }

  /** What the clock does when the current wait runs out. */
  #expired(phase: Phase): void {
    if (phase === "head" || (phase === "body" && this.sending === 0)) {
      // RFC 9110 §15.5.9: tell the client why before closing — unless an answer has begun
      // (a body drained after its answer, or read by the answer's own stream): then just close.
      const kind = phase === "head" ? "headerTimeout" : "bodyTimeout";
      const headOnly = this.#answersHead();
      this.#logCanned(kind, headOnly);
      this.conn.write(cannedErrorResponse(kind, Date.now(), headOnly)).catch(() => {})
        .finally(() => this.close());
    } else {
      this.close();
    }
  }

  // WriteClock: every write runs on the write clock, so a client that stops reading cannot pin
  // the connection (and the body it is being sent) forever. The phase a write interrupts (a read
  // waiting behind a flush of pipelined responses) gets its own clock back afterwards.

  /** Arms the write clock. */
  beforeWrite(): void {
    if (!this.#noDelay && !this.lastWrite) this.#setNoDelay();
    this.timer.interrupt("write", this.limits.writeTimeoutMs);
  }

  /**
   * Turns Nagle's algorithm off before any write that another may follow: it would hold a small
   * write (the next response, a body's last piece) until the client acknowledges the previous
   * one, which a delayed ACK can put off by 40 ms or more.
   */
  #setNoDelay(): void {
    this.#noDelay = true;
    const conn = this.conn as Partial<Deno.TcpConn>;
    try {
      conn.setNoDelay?.(true);
    } catch {
      // the socket is gone: the write about to fail says so
    }
  }

  /** Restores the interrupted phase's clock. */
  afterWrite(): void {
    this.timer.resume();
  }

  // BodyHooks: how request bodies reach back into the connection.

  /** Sends `100 Continue` before the first body read when the client is waiting for it. */
  async beforeFirstRead(): Promise<void> {
    const req = this.request;
    if (!this.expectContinue || req === null || req.continueSent) return;
    req.continueSent = true;
    await this.writer.writeContinue();
  }

  /**
   * Sends a 1xx for `req` while its handler runs (the request checked the status and version);
   * nothing once the handler returned or the connection closed. The write runs on the write clock
   * and a failed one is left to the body read or the final write to report.
   */
  async sendInterim(
    req: IncomingRequest,
    status: number,
    headers: Array<[string, string]>,
  ): Promise<void> {
    if (this.isClosed || this.request !== req || !this.handling) return;
    try {
      await this.writer.writeInterim(status, headers);
    } catch (err) {
      if (err instanceof HttpError && err.kind === "internal") throw err;
    }
  }

  /**
   * Closes the connection under `req`'s handler, at its own request (`HttpRequest.abort`): a body
   * read in progress fails at once, and the rest of the body, unread, cannot be skipped to reach
   * a next request. Nothing once the handler returned: the answer is then the loop's to end.
   */
  abortExchange(req: IncomingRequest): void {
    if (this.isClosed || this.request !== req || !this.handling) return;
    this.close();
  }

  /** Arms the body-idle clock. */
  armBodyTimeout(): void {
    this.timer.arm("body", this.limits.bodyIdleTimeoutMs);
  }

  /** Disarms the body-idle clock. */
  disarmBodyTimeout(): void {
    this.timer.disarm();
  }

  /** Whether the body clock fired. */
  timedOut(): boolean {
    return this.timer.expired === "body";
  }

  /**
   * Sends the 101 and runs the WebSocket session over this connection until it ends; the
   * connection never returns to HTTP (RFC 9110 §7.8). A client that also sent
   * `Expect: 100-continue` gets its 100 first, as §7.8 demands, though no body is read.
   */
  protected async switchProtocols(res: HttpResponse, upgrade: WebSocketUpgrade): Promise<void> {
    this.sending = res.status;
    await this.beforeFirstRead();
    await this.writer.writeSwitch(res.headers ?? [], Date.now());
    this.log(res.status, 0);
    this.heads.release();
    this.byob.releaseLock();
    const ws = handOffToWebSocket(this.conn, this.reader, this.writer, upgrade, this);
    this.#ws = ws;
    try {
      await runWebSocketSession(ws, upgrade, this, this.opts.onError);
    } finally {
      this.#ws = null;
    }
  }

  /** Sends the canned response for `err` and closes (after lingering over unread input). */
  protected async fail(err: HttpError): Promise<void> {
    if (this.isClosed) return;
    const headOnly = this.#answersHead();
    this.#logCanned(err.kind, headOnly);
    await this.writer.writeRaw(cannedErrorResponse(err.kind, Date.now(), headOnly));
    await this.closeAfterResponse(true);
  }

  /**
   * Whether the exchange being answered is a HEAD request: its request line was parsed, even if
   * the rest of the head was then refused. Its client reads no content (RFC 9112 §6.3 rule 1).
   */
  #answersHead(): boolean {
    return (this.head?.method ?? this.heads.method) === "HEAD";
  }

  /** Reports a canned response to the access log, with whatever of the head was parsed. */
  #logCanned(kind: ErrorKind, headOnly: boolean): void {
    this.log(ERROR_KINDS[kind].status, cannedBodyBytes(kind, headOnly));
  }

  /**
   * The one access-log entry of an exchange that reached its handler but ended before its
   * response was sent whole: `status` is what went out (0: nothing), with the body bytes that
   * went out before the cut, and the reason is told: `why` when the caller knows it, else read
   * from the connection's state.
   */
  protected logEnded(status: number, why?: EndReason): void {
    if (!this.unlogged) return; // told already (close() tells before the loop sees it)
    const reason = why ?? endReason(this.opts.shuttingDown() && this.isClosed, this.timedOut());
    this.log(status, status === 0 ? 0 : this.writer.bodySent, reason);
  }

  /** One access-log entry for the current exchange (with what was parsed of its head). */
  protected log(status: number, bodyBytes: number, ended?: EndReason): void {
    this.unlogged = false;
    const onResponse = this.opts.onResponse;
    if (onResponse === undefined) return;
    const started = this.headStarted;
    onResponse(accessEntry(
      clientAddress((this.conn.remoteAddr as Deno.NetAddr).hostname),
      this.head,
      status,
      bodyBytes,
      started === 0 ? 0 : performance.now() - started,
      ended,
    ));
  }

  /**
   * Half-closes, discards what the client still sends (bounded by `lingerTimeoutMs` and
   * `maxLingerBytes`), then closes: for a WebSocket failed with a close frame while its client
   * was still sending (RFC 6455 §7.1.7), as for an HTTP error answer.
   */
  linger(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return lingerThenClose(this, this.reader, this.limits, this.timer);
  }

  /** Closes after a final response, lingering first when request bytes may still arrive. */
  protected closeAfterResponse(inputLeft: boolean): Promise<void> | void {
    if (!inputLeft || this.isClosed) return this.close();
    return this.linger();
  }
}
