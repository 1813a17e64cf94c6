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
  readonly body: RequestBody;
  readonly expectContinue: boolean;
  /** Set by the connection when it sends `100 Continue`. */
  continueSent = false;
  #head: RequestHead;
  #peer: ConnectionPeer;
  #requestIndex: number;
  #pipelined: boolean;
  #facts: ConnectionFacts | null = null;

  constructor(
    head: RequestHead,
    body: RequestBody,
    expectContinue: boolean,
    peer: ConnectionPeer,
    requestIndex: number,
    pipelined: boolean,
  ) {
    this.method = head.method;
    this.target = head.target;
    this.targetForm = head.targetForm;
    this.path = head.path;
    this.query = head.query;
    this.version = head.version;
    this.rawVersion = head.rawVersion;
    this.headers = head.headers;
    this.#head = head;
    this.body = body;
    this.expectContinue = expectContinue;
    this.#peer = peer;
    this.#requestIndex = requestIndex;
    this.#pipelined = pipelined;
  }

  /** The head as received (copied out of the connection's buffer on first use). */
  get rawHead(): Uint8Array {
    return this.#head.rawHead;
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
