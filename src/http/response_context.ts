/**
 * What a connection tells its response writer about the request a response answers
 * (`ResponseContext`), and what the writer reports back (`WriteOutcome`).
 *
 * This module must not know how a response is written: it only names what crosses between the
 * connection and its writer.
 * @module
 */

/** How the request shapes its response. */
export interface ResponseContext {
  /** Whether the request was HEAD (headers only). */
  head: boolean;
  /** Whether the client speaks HTTP/1.0 (no chunked: unknown lengths end by closing). */
  http10: boolean;
  /** Whether the connection stays open after this response. */
  keepAlive: boolean;
  /**
   * When the response originates (ms since epoch) for its Date, if the caller already knows
   * (a connection answering a pipelined batch reads the clock once for all of it); else now.
   */
  now?: number;
}

/** What the writer did, for the connection's persistence decision and the access log. */
export interface WriteOutcome {
  /** Body bytes sent (0 for HEAD). */
  bodyBytes: number;
  /** The response could only be delimited by closing the connection (HTTP/1.0, unknown length). */
  mustClose: boolean;
}
