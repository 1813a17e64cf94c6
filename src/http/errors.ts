/**
 * The one error taxonomy of the protocol layer and its mapping to statuses.
 *
 * Every failure a client can cause has a kind here; the kind fixes the status and the text the
 * client sees. Client-visible text never echoes request bytes. This module must not know about
 * routes or handlers.
 * @module
 */

import { STATUS } from "./status.ts";

/** Each error kind with its status and the fixed text sent to the client. */
export const ERROR_KINDS = {
  badRequestLine: { status: STATUS.BadRequest, text: "Malformed request line" },
  notHttp: {
    status: STATUS.BadRequest,
    text: "Malformed request line: not HTTP/1.x (TLS sent to a plain-HTTP port?)",
  },
  badHeader: { status: STATUS.BadRequest, text: "Malformed header field" },
  badHost: { status: STATUS.BadRequest, text: "Missing, repeated or invalid Host header" },
  repeatedAuthorization: { status: STATUS.BadRequest, text: "Repeated Authorization header" },
  badFraming: { status: STATUS.BadRequest, text: "Invalid message framing" },
  badChunk: { status: STATUS.BadRequest, text: "Malformed chunked body" },
  badTarget: { status: STATUS.BadRequest, text: "Malformed request target" },
  uriTooLong: { status: STATUS.URITooLong, text: "Request line too long" },
  headersTooLarge: {
    status: STATUS.RequestHeaderFieldsTooLarge,
    text: "Header section too large",
  },
  trailersTooLarge: {
    status: STATUS.RequestHeaderFieldsTooLarge,
    text: "Trailer section too large",
  },
  versionNotSupported: {
    status: STATUS.HTTPVersionNotSupported,
    text: "HTTP version not supported",
  },
  unsupportedTransferCoding: {
    status: STATUS.NotImplemented,
    text: "Transfer coding not implemented",
  },
  methodNotImplemented: { status: STATUS.NotImplemented, text: "Method not implemented" },
  expectationFailed: { status: STATUS.ExpectationFailed, text: "Expectation not supported" },
  headerTimeout: { status: STATUS.RequestTimeout, text: "Request head not received in time" },
  bodyTimeout: { status: STATUS.RequestTimeout, text: "Request body not received in time" },
  contentTooLarge: { status: STATUS.ContentTooLarge, text: "Request body too large" },
  clientGone: { status: STATUS.BadRequest, text: "Connection closed before the body ended" },
  internal: { status: STATUS.InternalServerError, text: "Internal server error" },
  tooManyConnections: {
    status: STATUS.ServiceUnavailable,
    text: "Too many connections",
    retryAfterSeconds: 1,
  },
  bodiesBusy: {
    status: STATUS.ServiceUnavailable,
    text: "Too many request bodies held at once; try again",
    retryAfterSeconds: 1,
  },
} as const;

/** The name of one kind of protocol failure. */
export type ErrorKind = keyof typeof ERROR_KINDS;

/**
 * A failure with a known kind. `detail` is for logs only and is never sent to the client.
 */
export class HttpError extends Error {
  /** What went wrong, from the taxonomy. */
  readonly kind: ErrorKind;
  /** The status the client receives. */
  readonly status: number;

  /** An error of `kind`; `detail` (optional) goes to the log, not the client. */
  constructor(kind: ErrorKind, detail?: string) {
    super(detail ? `${ERROR_KINDS[kind].text}: ${detail}` : ERROR_KINDS[kind].text);
    this.name = "HttpError";
    this.kind = kind;
    this.status = ERROR_KINDS[kind].status;
  }
}

/** The fixed client-visible text for `kind`. */
export function errorText(kind: ErrorKind): string {
  return ERROR_KINDS[kind].text;
}

/**
 * Whether `err` only says the peer went away (not worth a log line). A TLS peer that closes
 * without close_notify (Python's http.client, any killed client) raises `UnexpectedEof`. RFC 9112
 * §9.8 asks clients for that alert, but the framing, not the alert, says where each message
 * ends, so its absence truncates nothing the server relies on: the client is simply gone.
 */
export function isDisconnect(err: unknown): boolean {
  return err instanceof Deno.errors.BadResource ||
    err instanceof Deno.errors.UnexpectedEof ||
    err instanceof Deno.errors.ConnectionReset ||
    err instanceof Deno.errors.BrokenPipe ||
    err instanceof Deno.errors.ConnectionAborted ||
    err instanceof Deno.errors.NotConnected ||
    err instanceof Deno.errors.Interrupted ||
    (err instanceof TypeError && /closed|locked|released/i.test(err.message));
}
