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
  readonly connection: ConnectionFacts;
  /** Set by the connection when it sends `100 Continue`. */
  continueSent = false;
  #head: RequestHead;

  /** The head as received (copied out of the connection's buffer on first use). */
  get rawHead(): Uint8Array {
    return this.#head.rawHead;
  }

  constructor(
    head: RequestHead,
    body: RequestBody,
    expectContinue: boolean,
    connection: ConnectionFacts,
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
    this.connection = connection;
  }
}
