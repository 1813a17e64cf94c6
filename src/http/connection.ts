/**
 * The keep-alive loop of one connection: read a head, decide framing, call the handler, decide
 * persistence, write, repeat. One error switch: every protocol failure becomes exactly one
 * canned response and a close. Separate clocks for idle, head and body reads.
 *
 * This module must not know routes, files or the UI: it calls one `Handler`.
 * @module
 */

import { accessEntry, type EndReason } from "./access_entry.ts";
import { BufferedReader } from "./buffered_reader.ts";
import { decideFraming } from "./body_framing.ts";
import { discardBody } from "./discard_body.ts";
import { cannedErrorResponse, internalErrorResponse } from "./canned_response.ts";
import type { ConnectionOptions } from "./connection_options.ts";
import { waitsForContinue } from "./expectation.ts";
import { ERROR_KINDS, type ErrorKind, errorText, HttpError, isDisconnect } from "./errors.ts";
import type { Limits } from "./limits.ts";
import { lingerThenClose } from "./lingering_close.ts";
import { type Phase, PhaseTimer } from "./phase_timer.ts";
import { wantsPersistence } from "./persistence.ts";
import { type BodyHooks, drainBody, requestBody } from "./request_body.ts";
import { HeadReader, INCOMPLETE } from "./head_reader.ts";
import type { RequestHead } from "./request_head.ts";
import { type ResponseContext, ResponseWriter, type WriteClock } from "./response_writer.ts";
import { SocketSource } from "./socket_source.ts";
import { STATUS } from "./status.ts";
import type { HttpResponse, RequestBody, WebSocketUpgrade } from "./types.ts";
import { WebSocketClosingError, WebSocketConnection } from "./websocket_session.ts";
import { type ConnectionPeer, IncomingRequest, type InterimSender } from "./incoming_request.ts";

/** Serves requests on one accepted connection until it closes. */
export class Connection implements BodyHooks, WriteClock, InterimSender {
  readonly id: number;
  #conn: Deno.Conn;
  #opts: ConnectionOptions;
  #limits: Limits;
  #reader: BufferedReader;
  #heads: HeadReader;
  #writer: ResponseWriter;
  #byob: ReadableStreamBYOBReader;
  /** The clock of the current wait (idle, head, body, write, linger). */
  #timer: PhaseTimer;
  #closed = false;
  /** The WebSocket session this connection switched to, while it runs. */
  #ws: WebSocketConnection | null = null;
  /** Whether the current exchange reached its handler and has no access-log line yet. */
  #unlogged = false;
  /** The status of the response being written for it, 0 before one is. */
  #sending = 0;
  #idle = true;
  /** Whether a request was answered (set when the connection starts waiting for the next). */
  #answered = false;
  #expectContinue = false;
  /** Whether the handler of `#request` is running (interim responses may go out). */
  #handling = false;
  /** The request being served (the connection records `100 Continue` on it). */
  #request: IncomingRequest | null = null;
  /** The current exchange's body: released (its budget share given back) when the exchange ends. */
  #body: RequestBody | null = null;
  /** The head being served (for the access log of canned responses), or null between requests. */
  #head: RequestHead | null = null;
  /**
   * The clock (ms since epoch) read after the last wait of any kind — for input, a handler, a
   * drain or a write. Until the next wait no time worth a Date passes, so the responses made in
   * between (a pipelined batch) share this one reading.
   */
  #readAt = 0;
  /** When the current head started arriving (performance.now()), for durations in the log. */
  #headStarted = 0;

  constructor(conn: Deno.Conn, id: number, opts: ConnectionOptions) {
    this.#conn = conn;
    this.id = id;
    this.#opts = opts;
    this.#limits = opts.limits;
    this.#timer = new PhaseTimer((phase) => this.#expired(phase));
    this.#writer = new ResponseWriter(conn, opts.limits, this);
    this.#byob = conn.readable.getReader({ mode: "byob" });
    // Never waits for input with output pending: pipelined responses go out before a read blocks.
    const source = new SocketSource(conn, this.#byob, this.#writer);
    const maxHead = opts.limits.maxRequestLineBytes + opts.limits.maxHeaderBytes + 64;
    this.#reader = new BufferedReader(source, opts.limits.readBufferBytes, maxHead);
    this.#heads = new HeadReader(this.#reader, opts.limits);
  }

  /** Whether the connection waits for a request (shutdown closes such connections at once). */
  get idle(): boolean {
    return this.#idle;
  }

  /** Whether it waits for a further request after answering one (a kept-alive connection). */
  get keptAlive(): boolean {
    return this.#idle && this.#answered;
  }

  /** Serves until the connection ends; never throws. */
  async serve(): Promise<void> {
    this.#opts.clock.add(this.#timer);
    try {
      await this.#loop();
    } catch (err) {
      if (!this.#closed && !isDisconnect(err)) this.#opts.onError(err, "connection");
    } finally {
      this.#timer.disarm();
      this.#opts.clock.delete(this.#timer);
      this.close();
      this.#body?.release?.();
      this.#writer.dispose();
      // No head may borrow bytes from the read buffer once it goes back to the pool.
      this.#heads.release();
      this.#reader.release();
    }
  }

  /** Closes the socket now. Safe to call more than once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // An exchange cut here (a shutdown past its timeout, a clock) may never get back to the loop
    // (its handler may still be waiting, and the process may exit first): its line goes now.
    if (this.#unlogged) this.#logEnded(this.#sending);
    try {
      this.#conn.close();
    } catch {
      // already closed by the peer or by a racing close
    }
  }

  /** Whether the socket is closed (by us, the peer's reset or a clock). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Ends our side of the stream (see `lingerThenClose`). */
  closeWrite(): Promise<void> {
    return this.#conn.closeWrite();
  }

  /** What the clock does when the current wait runs out. */
  #expired(phase: Phase): void {
    if (phase === "head" || phase === "body") {
      // RFC 9110 §15.5.9: tell the client why before closing.
      const kind = phase === "head" ? "headerTimeout" : "bodyTimeout";
      const headOnly = this.#answersHead();
      this.#logCanned(kind, headOnly);
      this.#conn.write(cannedErrorResponse(kind, Date.now(), headOnly)).catch(() => {})
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
    this.#timer.interrupt("write", this.#limits.writeTimeoutMs);
  }

  /** Restores the interrupted phase's clock. */
  afterWrite(): void {
    this.#timer.resume();
  }

  // BodyHooks: how request bodies reach back into the connection.

  /** Sends `100 Continue` before the first body read when the client is waiting for it. */
  async beforeFirstRead(): Promise<void> {
    const req = this.#request;
    if (!this.#expectContinue || req === null || req.continueSent) return;
    req.continueSent = true;
    await this.#writer.writeContinue();
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
    if (this.#closed || this.#request !== req || !this.#handling) return;
    try {
      await this.#writer.writeInterim(status, headers);
    } catch (err) {
      if (err instanceof HttpError && err.kind === "internal") throw err;
    }
  }

  /** Arms the body-idle clock. */
  armBodyTimeout(): void {
    this.#timer.arm("body", this.#limits.bodyIdleTimeoutMs);
  }

  /** Disarms the body-idle clock. */
  disarmBodyTimeout(): void {
    this.#timer.disarm();
  }

  /** Whether the body clock fired. */
  timedOut(): boolean {
    return this.#timer.expired === "body";
  }

  async #loop(): Promise<void> {
    const reader = this.#reader;
    const writer = this.#writer;
    const limits = this.#limits;
    const opts = this.#opts;
    const addr = this.#conn.remoteAddr as Deno.NetAddr;
    const peer: ConnectionPeer = {
      id: this.id,
      remoteAddress: addr.hostname,
      remotePort: addr.port,
      tls: opts.tls,
    };
    const heads = this.#heads;
    const timer = this.#timer;
    // One context per connection, refilled for each response (the writer does not keep it).
    const ctx: ResponseContext = { head: false, http10: false, keepAlive: true, now: 0 };
    let index = 0;
    this.#readAt = Date.now();
    for (;;) {
      // The last exchange is over: its head's raw bytes need not be kept for it any longer.
      heads.release();
      const pipelined = index > 0 && reader.buffered > 0;
      if (reader.buffered === 0) {
        // The answers go out while we already wait for the next request: one turn of the event
        // loop serves both. The idle clock covers a client that stops reading meanwhile.
        // Released as soon as it is written: idle connections hold no output buffer.
        writer.flushInBackground();
        if (opts.shuttingDown()) return await writer.settle();
        this.#idle = true;
        this.#answered = index > 0;
        // No time worth a clock reading passed since the last wait (see `#readAt`).
        timer.arm("idle", limits.idleTimeoutMs, this.#readAt);
        // The BYOB reader is read directly here (no wrapper promise): this is once per request.
        const view = reader.fillTarget();
        const more = view !== null && reader.filled(await this.#byob.read(view));
        this.#readAt = Date.now();
        timer.disarm();
        this.#idle = false;
        // A client that sent its next request has nearly always read our answer: the write is
        // done by now, and then there is nothing to wait for. When it is not, the wait runs on
        // the write clock: a client that sends requests but stops reading must not pin us.
        if (writer.writing) {
          timer.arm("write", limits.writeTimeoutMs);
          await writer.settle();
          this.#readAt = Date.now();
          timer.disarm();
        }
        if (!more) return;
        // The idle clock closed the connection in the same turn the next request arrived: its
        // answer could never go out, so it must not run — a client may resend a request it got no
        // answer to only when the server did not act on it (RFC 9112 §9.3.1).
        if (this.#closed) return;
      }
      this.#idle = false;
      this.#head = null;
      if (opts.onResponse) this.#headStarted = performance.now();
      heads.begin();
      let head: RequestHead | HttpError | typeof INCOMPLETE | null = heads.advance();
      if (head === INCOMPLETE) {
        // The head clock runs only while we wait for the rest of a head (a whole head already
        // buffered, as when requests are pipelined, is parsed without waiting).
        timer.arm("head", limits.headerTimeoutMs);
        while (head === INCOMPLETE) {
          head = await reader.fill() ? heads.advance() : heads.stopped();
        }
        this.#readAt = Date.now();
        timer.disarm();
        // The head clock answered 408 and closed as the rest arrived: the request is not run.
        if (this.#closed) return;
      }
      if (head === null) return;
      if (head instanceof HttpError) return await this.#fail(head);
      this.#head = head;
      index++;
      opts.activity.requests++;
      this.#unlogged = true;
      this.#sending = 0;

      const framing = decideFraming(head);
      if (framing instanceof HttpError) return await this.#fail(framing);
      const expectContinue = waitsForContinue(head);
      if (expectContinue instanceof HttpError) return await this.#fail(expectContinue);
      this.#expectContinue = expectContinue;
      this.#body?.release?.(); // the previous exchange is over
      const body = requestBody(framing, reader, limits, this);
      this.#body = body;
      const req = new IncomingRequest(
        head,
        body,
        this.#expectContinue,
        peer,
        index,
        pipelined,
        this,
      );
      this.#request = req;

      let res: HttpResponse;
      this.#handling = true;
      try {
        // A handler that answers synchronously costs no extra turn of the microtask queue.
        const answer = opts.handler(req);
        if (answer instanceof Promise) {
          res = await answer;
          this.#readAt = Date.now();
        } else res = answer;
      } catch (err) {
        // A client gone mid-request (e.g. before its `100 Continue` went out: BrokenPipe) is not
        // a server fault: log the request as ended, no stack.
        if (this.#closed || isDisconnect(err)) return this.#logEnded(0);
        // A body that failed to read leaves the framing unknown: answer and close.
        if (err instanceof HttpError) return await this.#fail(err);
        opts.onError(err, "handler");
        res = internalErrorResponse();
      } finally {
        this.#handling = false;
      }
      if (this.#closed) {
        // The client left while the handler worked: its answer is never written, so what the
        // body holds (an open file, a producer with a place in a server-wide count) goes now.
        discardBody(res.body).catch(() => {});
        return this.#logEnded(0);
      }
      if (res.upgrade !== undefined && res.status === STATUS.SwitchingProtocols) {
        return await this.#switchProtocols(res, res.upgrade);
      }

      let keepAlive = !res.close && !opts.shuttingDown() &&
        wantsPersistence(head.version, head.headers);
      let bodyLeft = !body.done;
      if (bodyLeft && keepAlive) {
        if (this.#expectContinue && !body.started) {
          // The client may still be holding the body back waiting for 100: it cannot be drained.
          keepAlive = false;
        } else {
          try {
            bodyLeft = !(await drainBody(body, limits.maxDrainBytes));
          } catch {
            bodyLeft = true;
          }
          this.#readAt = Date.now();
          keepAlive = !bodyLeft;
        }
      }
      if (this.#closed) {
        discardBody(res.body).catch(() => {}); // as above: never written
        return this.#logEnded(0);
      }

      this.#sending = res.status;
      ctx.head = head.method === "HEAD";
      ctx.http10 = head.version === "HTTP/1.0";
      ctx.keepAlive = keepAlive;
      ctx.now = this.#readAt;
      let outcome;
      try {
        const written = writer.write(res, ctx);
        if (written instanceof Promise) {
          outcome = await written;
          this.#readAt = Date.now();
        } else outcome = written;
      } catch (err) {
        // The head has gone out (or begun to): its status is the one the client may have seen.
        if (this.#closed || isDisconnect(err)) return this.#logEnded(res.status);
        opts.onError(err, "response");
        // A head that failed validation left nothing behind: a 500 can still go out.
        if (err instanceof HttpError && err.kind === "internal") {
          res = internalErrorResponse();
          outcome = await writer.write(res, { ...ctx, keepAlive: false });
          keepAlive = false;
        } else return;
      }
      this.#log(res.status, outcome.bodyBytes);
      body.release?.(); // the answer is made: what the handler held of the body goes back
      if (!keepAlive || outcome.mustClose) {
        await writer.flush();
        return await this.#closeAfterResponse(bodyLeft);
      }
      if (writer.pending >= limits.maxCoalesceBytes) {
        await writer.flush();
        this.#readAt = Date.now();
      }
    }
  }

  /**
   * Sends the 101 and runs the WebSocket session over this connection until it ends; the
   * connection never returns to HTTP (RFC 9110 §7.8).
   */
  async #switchProtocols(res: HttpResponse, upgrade: WebSocketUpgrade): Promise<void> {
    const writer = this.#writer;
    this.#sending = res.status;
    await writer.writeSwitch(res.headers ?? [], Date.now());
    this.#log(res.status, 0);
    this.#heads.release();
    // Frames are read with plain `conn.read` calls into the same buffer: the stream machinery of
    // `conn.readable` cost a ping-pong session half its speed (bench/websocket_bench.ts, one
    // message in flight), and the HTTP part — what our reader parses — is over.
    this.#byob.releaseLock();
    const conn = this.#conn;
    this.#reader.switchSource({
      read<T extends ArrayBufferView>(view: T): Promise<ReadableStreamReadResult<T>> {
        const bytes = view as unknown as Uint8Array;
        return conn.read(bytes).then((n) => {
          const value = new Uint8Array(bytes.buffer, bytes.byteOffset, n ?? 0) as unknown as T;
          return n === null ? { done: true, value } : { done: false, value };
        });
      },
      cancel: () => Promise.resolve(),
      releaseLock: () => {},
    });
    const ws = new WebSocketConnection({
      reader: this.#reader,
      read: (view) => conn.read(view),
      write: (bytes) => writer.writeDirect(bytes),
      close: () => this.close(),
    }, upgrade);
    this.#ws = ws;
    try {
      await upgrade.session(ws);
    } catch (err) {
      const expected = err instanceof WebSocketClosingError || isDisconnect(err);
      if (!ws.closed && !this.#closed && !expected) this.#opts.onError(err, "websocket");
    } finally {
      await ws.finish();
      this.#ws = null;
    }
  }

  /**
   * The server is shutting down: a WebSocket session is told so (close 1001) and ends when its
   * client answers. HTTP exchanges in flight need nothing: they end with `Connection: close`.
   */
  goingAway(): void {
    this.#ws?.close(1001, "server shutting down").catch(() => {});
  }

  /** Sends the canned response for `err` and closes (after lingering over unread input). */
  async #fail(err: HttpError): Promise<void> {
    if (this.#closed) return;
    const headOnly = this.#answersHead();
    this.#logCanned(err.kind, headOnly);
    await this.#writer.writeRaw(cannedErrorResponse(err.kind, Date.now(), headOnly));
    await this.#closeAfterResponse(true);
  }

  /**
   * Whether the exchange being answered is a HEAD request: its request line was parsed, even if
   * the rest of the head was then refused. Its client reads no content (RFC 9112 §6.3 rule 1).
   */
  #answersHead(): boolean {
    return (this.#head?.method ?? this.#heads.method) === "HEAD";
  }

  /** Reports a canned response to the access log, with whatever of the head was parsed. */
  #logCanned(kind: ErrorKind, headOnly: boolean): void {
    this.#log(ERROR_KINDS[kind].status, headOnly ? 0 : errorText(kind).length + 1);
  }

  /**
   * The one access-log entry of an exchange that reached its handler but ended before its
   * response was sent whole: `status` is what went out (0: nothing), with the body bytes that
   * went out before the cut, and the reason is told.
   */
  #logEnded(status: number): void {
    if (!this.#unlogged) return; // told already (close() tells before the loop sees it)
    const reason = this.#opts.shuttingDown() && this.#closed
      ? "shutdown"
      : this.timedOut()
      ? "timeout"
      : "client-gone";
    this.#log(status, status === 0 ? 0 : this.#writer.bodySent, reason);
  }

  /** One access-log entry for the current exchange (with what was parsed of its head). */
  #log(status: number, bodyBytes: number, ended?: EndReason): void {
    this.#unlogged = false;
    const onResponse = this.#opts.onResponse;
    if (onResponse === undefined) return;
    const started = this.#headStarted;
    onResponse(accessEntry(
      (this.#conn.remoteAddr as Deno.NetAddr).hostname,
      this.#head,
      status,
      bodyBytes,
      started === 0 ? 0 : performance.now() - started,
      ended,
    ));
  }

  /** Closes after a final response, lingering first when request bytes may still arrive. */
  #closeAfterResponse(inputLeft: boolean): Promise<void> | void {
    if (!inputLeft || this.#closed) return this.close();
    return lingerThenClose(this, this.#reader, this.#limits, this.#timer);
  }
}
