/**
 * Every size and time the protocol layer enforces, in one object with the unit in each name.
 *
 * This module must not know about routes or handlers: app-level limits (upload size, echo caps)
 * live with the app.
 * @module
 */

/** Sizes (bytes), counts and times (milliseconds) enforced by the HTTP engine. */
export interface Limits {
  /** Longest request line, without its CRLF. Past it: 414. */
  maxRequestLineBytes: number;
  /** Longest header section (all field lines with their CRLFs, request line excluded). Past it: 431. */
  maxHeaderBytes: number;
  /** Most header field lines in one request. Past it: 431. */
  maxHeaderCount: number;
  /** Longest chunk-size line (size, extensions) in a chunked body. Past it: 400. */
  maxChunkLineBytes: number;
  /**
   * Chunk framing (size lines, extensions, CRLFs) allowed to pile up beyond what the data earns
   * (16 bytes plus twice each chunk's size). Past it: 400.
   */
  maxChunkOverheadBytes: number;
  /** Longest trailer section of a chunked body (field lines with CRLFs). Past it: 431. */
  maxTrailerBytes: number;
  /** Most trailer field lines of a chunked body. Past it: 431. */
  maxTrailerCount: number;
  /** Chunk-size lines remembered per chunked body for inspection; later chunks are counted only. */
  maxChunkRecords: number;
  /** Unread request body the engine will read and discard to keep a connection alive; more closes it. */
  maxDrainBytes: number;
  /**
   * Connections open at once. Past it the connection idle the longest (by accept order) is
   * closed to make room; when none is idle, the new one gets 503 and is closed.
   */
  maxConnections: number;
  /** Time allowed from the first byte of a request head to its end. Past it: 408 and close. */
  headerTimeoutMs: number;
  /**
   * Time a TLS connection has from its accept to the end of its handshake. Past it the
   * connection is closed without an answer (there is no channel to send one over) and its slot
   * freed; the idle clock for its first request starts once the handshake is done.
   */
  tlsHandshakeTimeoutMs: number;
  /** Time a keep-alive connection may sit idle between requests before it is closed. */
  idleTimeoutMs: number;
  /** Time a request body may go without a byte arriving while a handler reads it. Past it: 408 and close. */
  bodyIdleTimeoutMs: number;
  /** Time one write to the client may take before the connection is dropped (a client that stops reading). */
  writeTimeoutMs: number;
  /** Time to keep reading (and discarding) after answering a request whose body was not read, before closing. */
  lingerTimeoutMs: number;
  /**
   * Bytes discarded at most during that linger before the socket is closed. Large on purpose:
   * wget and Python's http.client send a whole body before reading, so closing while it still
   * arrives resets the connection and destroys the answer — the 401 that wget needs before it
   * sends credentials, the 413 that says why. The linger's clock is what bounds the cost; the
   * bytes match the default upload limit, so a refused upload of that size can be read to its end.
   */
  maxLingerBytes: number;
  /** Initial size of each connection's read buffer; it grows only to hold a large head. */
  readBufferBytes: number;
  /** Buffer size for reading large request bodies straight from the socket. */
  bodyReadBufferBytes: number;
  /** Initial size of a response head buffer (grows for a large head). */
  writeBufferBytes: number;
  /** Size of the pieces a file body is read and sent in (two such buffers per sending connection). */
  fileChunkBytes: number;
  /** Bytes of pipelined responses gathered before they are written in one call. */
  maxCoalesceBytes: number;
}

/** The defaults: documented in docs/limits.md. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxRequestLineBytes: 8 * 1024,
  maxHeaderBytes: 32 * 1024,
  maxHeaderCount: 100,
  maxChunkLineBytes: 4 * 1024,
  maxChunkOverheadBytes: 16 * 1024,
  maxTrailerBytes: 16 * 1024,
  maxTrailerCount: 32,
  maxChunkRecords: 1000,
  maxDrainBytes: 256 * 1024,
  maxConnections: 4096,
  headerTimeoutMs: 10_000,
  tlsHandshakeTimeoutMs: 10_000,
  idleTimeoutMs: 5_000,
  bodyIdleTimeoutMs: 30_000,
  writeTimeoutMs: 60_000,
  lingerTimeoutMs: 2_000,
  maxLingerBytes: 1024 * 1024 * 1024,
  readBufferBytes: 8 * 1024,
  bodyReadBufferBytes: 256 * 1024,
  writeBufferBytes: 16 * 1024,
  fileChunkBytes: 1024 * 1024,
  maxCoalesceBytes: 64 * 1024,
});

/** Defaults overridden by `overrides` (tests shrink them so limit tests run fast). */
export function makeLimits(overrides: Partial<Limits> = {}): Limits {
  return { ...DEFAULT_LIMITS, ...overrides };
}

/** WebSocket (RFC 6455) sessions: the largest message taken by default (past it: close 1009). */
export const WEBSOCKET_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** The largest message a handler may allow (a session holds one whole message in memory). */
export const WEBSOCKET_MAX_MESSAGE_CAP_BYTES = 16 * 1024 * 1024;
/** Outgoing messages are cut into frames of at most this many bytes by default. */
export const WEBSOCKET_MAX_FRAGMENT_BYTES = 64 * 1024;
/** A session with no frame from the client for this long is closed (1001). */
export const WEBSOCKET_IDLE_TIMEOUT_MS = 120_000;
/** Time the server waits for the client's close frame after sending its own. */
export const WEBSOCKET_CLOSE_TIMEOUT_MS = 2_000;
