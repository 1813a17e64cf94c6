/**
 * The request object handed to handlers: the parsed head, the body, and the few facts the
 * connection keeps updating while the handler runs (whether `100 Continue` went out).
 *
 * This module must not know about sockets or routes.
 * @module
 */

import type { RequestHead } from "./request_head.ts";
import type {
  ConnectionFacts,
  HttpRequest,
  HttpVersion,
  RequestBody,
  TargetForm,
} from "./types.ts";
import type { HeaderFields } from "./header_fields.ts";

const DONE: Promise<void> = Promise.resolve();

/** How a request reaches its connection to send an interim response. */
export interface InterimSender {
  /** Sends `status` with `headers` for `req` if it is still being handled (see `sendInterim`). */
  sendInterim(
    req: IncomingRequest,
    status: number,
    headers: Array<[string, string]>,
  ): Promise<void>;
}

/** How a request reaches its connection: interim responses, and ending the exchange early. */
export interface ExchangeHooks extends InterimSender {
  /** Closes the connection if `req` is still being handled (see `HttpRequest.abort`). */
  abortExchange(req: IncomingRequest): void;
}

/** What stays the same for every request on a connection. */
export type ConnectionPeer = Pick<ConnectionFacts, "id" | "remoteAddress" | "remotePort" | "tls">;

/** One request as a plain class (cheaper to build than an object literal with accessors). */
export class IncomingRequest implements HttpRequest {
  readonly method: string;
  readonly target: string;
  readonly targetForm: TargetForm;
  readonly path: string;
  readonly query: string;
  readonly version: HttpVersion;
  readonly rawVersion: string;
  readonly headers: HeaderFields;
  readonly host: string;
  readonly body: RequestBody;
  readonly expectContinue: boolean;
  /** Set by the connection when it sends `100 Continue`. */
  continueSent = false;
  #head: RequestHead;
  #peer: ConnectionPeer;
  #requestIndex: number;
  #pipelined: boolean;
  #facts: ConnectionFacts | null = null;
  #interim: ExchangeHooks | null;
  /** Made on the first read of `signal`: most handlers never wait on a timer. */
  #abort: AbortController | null = null;
  #closed = false;

  constructor(
    head: RequestHead,
    body: RequestBody,
    expectContinue: boolean,
    peer: ConnectionPeer,
    requestIndex: number,
    pipelined: boolean,
    interim: ExchangeHooks | null = null,
  ) {
    this.method = head.method;
    this.target = head.target;
    this.targetForm = head.targetForm;
    this.path = head.path;
    this.query = head.query;
    this.version = head.version;
    this.rawVersion = head.rawVersion;
    this.headers = head.headers;
    this.host = head.host;
    this.#head = head;
    this.body = body;
    this.expectContinue = expectContinue;
    this.#peer = peer;
    this.#requestIndex = requestIndex;
    this.#pipelined = pipelined;
    this.#interim = interim;
  }

  /** Sends a 1xx ahead of the final answer (see `HttpRequest.sendInterim`). */
  sendInterim(status: number, headers: Array<[string, string]> = []): Promise<void> {
    // refuse: 101 switches protocols and 2xx–5xx are final; neither may go out this way
    if (!Number.isInteger(status) || status < 100 || status > 199 || status === 101) {
      throw new RangeError(`Cannot send status ${status} as an interim response`);
    }
    // RFC 9110 §15.2: a server must not send a 1xx response to an HTTP/1.0 client.
    if (this.version === "HTTP/1.0" || this.#interim === null) return DONE;
    return this.#interim.sendInterim(this, status, headers);
  }

  /** Ends the exchange now, unanswered (see `HttpRequest.abort`). */
  abort(): void {
    this.#interim?.abortExchange(this);
  }

  /**
   * Aborted when the server closes the connection; a client that left is seen only at the next
   * write (see `HttpRequest.signal`).
   */
  get signal(): AbortSignal {
    if (this.#abort === null) {
      this.#abort = new AbortController();
      if (this.#closed) this.#abort.abort(connectionClosed());
    }
    return this.#abort.signal;
  }

  /** Called by the connection when it closes: aborts `signal`. */
  connectionClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort?.abort(connectionClosed());
  }

  /** The head as received (copied out of the connection's buffer on first use). */
  get rawHead(): Uint8Array {
    return this.#head.rawHead;
  }

  /** See `HttpRequest.leadingEmptyLines`. */
  get leadingEmptyLines(): number {
    return this.#head.leadingEmptyLines;
  }

  /** Facts about the connection (built on first use: few handlers ask). */
  get connection(): ConnectionFacts {
    if (this.#facts === null) {
      const peer = this.#peer;
      this.#facts = {
        id: peer.id,
        requestIndex: this.#requestIndex,
        pipelined: this.#pipelined,
        remoteAddress: peer.remoteAddress,
        remotePort: peer.remotePort,
        tls: peer.tls,
      };
    }
    return this.#facts;
  }
}

/** The reason `signal` gives: a disconnect, which the connection logs as an exchange cut short. */
function connectionClosed(): Error {
  return new Deno.errors.ConnectionAborted("The connection closed before the answer was made");
}
