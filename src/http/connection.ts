/**
 * The keep-alive loop of one connection: read a head, decide framing, call the handler, decide
 * persistence, write, repeat. One error switch: every protocol failure becomes exactly one
 * canned response and a close. Separate clocks for idle, head and body reads.
 *
 * The connection's state, the hooks the body, the writer and the request call back into, and the
 * exchanges that end off the common path (canned errors, clocks, the WebSocket hand-off, the log
 * line of a cut exchange) are `ConnectionHooks`' (`connection_hooks.ts`), which this extends.
 *
 * This module must not know routes, files or the UI: it calls one `Handler`.
 * @module
 */

import { clientAddress } from "./client_address.ts";
import { decideFraming } from "./body_framing.ts";
import { ConnectionHooks } from "./connection_hooks.ts";
import { discardBody } from "./discard_body.ts";
import { internalErrorResponse } from "./canned_response.ts";
import { waitsForContinue } from "./expectation.ts";
import { HttpError, isDisconnect } from "./errors.ts";
import { wantsPersistence } from "./persistence.ts";
import { answersBeforeDrain } from "./drain_body.ts";
import { requestBody } from "./request_body.ts";
import { INCOMPLETE } from "./head_reader.ts";
import type { RequestHead } from "./request_head.ts";
import type { ResponseContext } from "./response_context.ts";
import { STATUS } from "./status.ts";
import type { HttpResponse } from "./types.ts";
import { type ConnectionPeer, IncomingRequest } from "./incoming_request.ts";

/** Serves requests on one accepted connection until it closes. */
export class Connection extends ConnectionHooks {
  /** Serves until the connection ends; never throws. */
  async serve(): Promise<void> {
    this.opts.clock.add(this.timer);
    try {
      await this.#loop();
    } catch (err) {
      if (!this.isClosed && !isDisconnect(err)) this.opts.onError(err, "connection");
    } finally {
      this.timer.disarm();
      this.opts.clock.delete(this.timer);
      this.close();
      this.body?.release?.();
      this.writer.dispose();
      // No head may borrow bytes from the read buffer once it goes back to the pool.
      this.heads.release();
      this.reader.release();
    }
  }

  async #loop(): Promise<void> {
    const reader = this.reader;
    const writer = this.writer;
    const limits = this.limits;
    const opts = this.opts;
    const addr = this.conn.remoteAddr as Deno.NetAddr;
    const peer: ConnectionPeer = {
      id: this.id,
      remoteAddress: clientAddress(addr.hostname),
      remotePort: addr.port,
      tls: opts.tls,
    };
    const heads = this.heads;
    const timer = this.timer;
    // One context per connection, refilled for each response (the writer does not keep it).
    const ctx: ResponseContext = { head: false, http10: false, keepAlive: true, now: 0 };
    let index = 0;
    this.readAt = Date.now();
    for (;;) {
      // The last exchange is over: its head's raw bytes need not be kept for it any longer.
      heads.release();
      const pipelined = index > 0 && reader.buffered > 0;
      if (reader.buffered === 0) {
        // The answers gathered go out before we wait for the next request, on the write clock (a
        // client that stops reading is dropped after writeTimeoutMs). A write to a socket with
        // room is done at once, and awaiting it here costs less than running it beside the read:
        // fewer promise reactions per request (measured: echo, 64 connections, +6–14 % requests/s).
        // The buffer goes back once written: idle connections hold no output buffer.
        if (writer.pending > 0) {
          await writer.flush();
          this.readAt = Date.now();
        }
        writer.release();
        if (opts.shuttingDown()) return;
        this.isIdle = true;
        this.answered = index > 0;
        // No time worth a clock reading passed since the last wait (see `#readAt`). Before its
        // first request a connection is not idle but a client about to send: it gets the head's
        // time when that is longer. A busy server may not read a new socket for seconds, and a
        // request that came with the connect is then in the socket already; closing it on the
        // keep-alive clock left the client an empty reply it cannot safely retry (a probe: 250
        // to 620 of 1,000 connections on one worker, each asking a large download at once).
        const wait = index === 0
          ? Math.max(limits.idleTimeoutMs, limits.headerTimeoutMs)
          : limits.idleTimeoutMs;
        timer.arm("idle", wait, this.readAt);
        // The BYOB reader is read directly here (no wrapper promise): this is once per request.
        const view = reader.fillTarget();
        const more = view !== null && reader.filled(await this.byob.read(view));
        this.readAt = Date.now();
        timer.disarm();
        this.isIdle = false;
        if (!more) return;
        // The idle clock closed the connection in the same turn the next request arrived: its
        // answer could never go out, so it must not run — a client may resend a request it got no
        // answer to only when the server did not act on it (RFC 9112 §9.3.1).
        if (this.isClosed) return;
      }
      this.isIdle = false;
      this.head = null;
      if (opts.onResponse) this.headStarted = performance.now();
      heads.begin();
      let head: RequestHead | HttpError | typeof INCOMPLETE | null = heads.advance();
      if (head === INCOMPLETE) {
        // The head clock runs only while we wait for the rest of a head (a whole head already
        // buffered, as when requests are pipelined, is parsed without waiting).
        timer.arm("head", limits.headerTimeoutMs);
        while (head === INCOMPLETE) {
          head = await reader.fill() ? heads.advance() : heads.stopped();
        }
        this.readAt = Date.now();
        timer.disarm();
        // The head clock answered 408 and closed as the rest arrived: the request is not run.
        if (this.isClosed) return;
      }
      if (head === null) return;
      if (head instanceof HttpError) return await this.fail(head);
      this.head = head;
      index++;
      opts.activity.requests++;
      this.unlogged = true;
      this.sending = 0;

      const framing = decideFraming(head);
      if (framing instanceof HttpError) return await this.fail(framing);
      const expectContinue = waitsForContinue(head);
      if (expectContinue instanceof HttpError) return await this.fail(expectContinue);
      this.expectContinue = expectContinue;
      this.body?.release?.(); // the previous exchange is over
      const body = requestBody(framing, reader, limits, this);
      this.body = body;
      const req = new IncomingRequest(
        head,
        body,
        this.expectContinue,
        peer,
        index,
        pipelined,
        this,
      );
      this.request = req;

      let res: HttpResponse;
      this.handling = true;
      try {
        // A handler that answers synchronously costs no extra turn of the microtask queue.
        const answer = opts.handler(req);
        if (answer instanceof Promise) {
          res = await answer;
          this.readAt = Date.now();
        } else res = answer;
      } catch (err) {
        // A client gone mid-request (e.g. before its `100 Continue` went out: BrokenPipe) is not
        // a server fault: log the request as ended, no stack.
        if (this.isClosed || isDisconnect(err)) return this.logEnded(0);
        // A body that failed to read leaves the framing unknown: answer and close.
        if (err instanceof HttpError) return await this.fail(err);
        opts.onError(err, "handler");
        res = internalErrorResponse();
      } finally {
        this.handling = false;
      }
      if (this.isClosed) {
        // The client left while the handler worked: its answer is never written, so what the
        // body holds (an open file, a producer with a place in a server-wide count) goes now.
        discardBody(res.body).catch(() => {});
        return this.logEnded(0);
      }
      if (res.upgrade !== undefined && res.status === STATUS.SwitchingProtocols) {
        return await this.switchProtocols(res, res.upgrade);
      }

      // A CONNECT is never kept: what follows its head is the client's tunnel, sent before it knew
      // the answer (RFC 9110 §9.3.6), and must not be read as the next request.
      let keepAlive = !res.close && !opts.shuttingDown() && head.method !== "CONNECT" &&
        wantsPersistence(head.version, head.headers);
      let bodyLeft = !body.done;
      let drainAfter = false;
      if (bodyLeft && keepAlive) {
        if (this.expectContinue && !body.started) {
          // The client may still be holding the body back waiting for 100: it cannot be drained.
          keepAlive = false;
        } else if (answersBeforeDrain(res, head.method, body, reader.buffered, limits)) {
          // A client that sent part of a body and waits (for an early 412, 401 or 413) gets the
          // answer first; the rest of the body is drained after it.
          drainAfter = true;
        } else {
          const drained = await this.drainRest(body, false);
          if (drained instanceof HttpError) {
            discardBody(res.body).catch(() => {}); // never written: the error goes instead
            return await this.fail(drained);
          }
          bodyLeft = !drained;
          keepAlive = !bodyLeft;
        }
      }
      if (this.isClosed) {
        discardBody(res.body).catch(() => {}); // as above: never written
        return this.logEnded(0);
      }

      this.sending = res.status;
      ctx.head = head.method === "HEAD";
      ctx.http10 = head.version === "HTTP/1.0";
      ctx.keepAlive = keepAlive;
      ctx.now = this.readAt;
      let outcome;
      try {
        const written = writer.write(res, ctx);
        if (written instanceof Promise) {
          outcome = await written;
          this.readAt = Date.now();
        } else outcome = written;
      } catch (err) {
        // The head has gone out (or begun to): its status is the one the client may have seen.
        if (this.isClosed || isDisconnect(err)) return this.logEnded(res.status);
        opts.onError(err, "response");
        // A head that failed validation left nothing behind: a 500 can still go out.
        if (err instanceof HttpError && err.kind === "internal") {
          res = internalErrorResponse();
          outcome = await writer.write(res, { ...ctx, keepAlive: false });
          keepAlive = false;
        } else return this.logEnded(res.status, "error"); // the body failed on our side
      }
      this.log(res.status, outcome.bodyBytes);
      body.release?.(); // the answer is made: what the handler held of the body goes back
      if (drainAfter && keepAlive && !outcome.mustClose) {
        bodyLeft = (await this.drainRest(body, true)) !== true;
        keepAlive = !bodyLeft;
      }
      if (!keepAlive || outcome.mustClose) {
        this.lastWrite = true;
        await writer.flush();
        // Pipelined bytes already read are input left too: a close over unread input resets the
        // connection, and the reset can erase the answer still in flight (RFC 9112 §9.6).
        return await this.closeAfterResponse(bodyLeft || reader.buffered > 0);
      }
      if (writer.pending >= limits.maxCoalesceBytes) {
        await writer.flush();
        this.readAt = Date.now();
      }
    }
  }
}
