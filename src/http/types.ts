/**
 * The seam between the protocol layer and the app: the request a handler receives and the
 * response description it returns. Plain data, no sockets (see STYLE.md, "The seam").
 *
 * This module must not know about routes, files or the UI.
 * @module
 */

import type { HeaderFields } from "./header_fields.ts";

/** The HTTP versions wireserve speaks; a higher 1.x minor is treated as 1.1 (RFC 9110 §6.2). */
export type HttpVersion = "HTTP/1.0" | "HTTP/1.1";

/** The form of the request-target (RFC 9112 §3.2). */
export type TargetForm = "origin" | "absolute" | "authority" | "asterisk";

/** What one chunk of a chunked body looked like on the wire (for inspection). */
export interface ChunkInfo {
  /** Chunk size in bytes as declared. */
  size: number;
  /** The chunk-size line exactly as sent, without CRLF (hex size plus any extensions). */
  line: string;
}

/** The request body: a read-once byte stream with backpressure, never buffered whole. */
export interface RequestBody {
  /** Declared length (Content-Length), 0 when there is no body, null when chunked. */
  readonly length: number | null;
  /** Whether the body is chunked (RFC 9112 §7.1). */
  readonly chunked: boolean;
  /** Body bytes delivered so far (decoded, for chunked). */
  readonly bytesRead: number;
  /** Whether the end of the body has been reached. */
  readonly done: boolean;
  /** Whether reading started (for `Expect: 100-continue`, reading is what sends the 100). */
  readonly started: boolean;
  /**
   * The next piece of the body, or null at its end. The view is only valid until the next call:
   * copy it to keep it. Throws an `HttpError` on malformed framing, timeout or disconnect.
   */
  read(): Promise<Uint8Array | null>;
  /**
   * Reads the next body bytes into `view` (at most `view.length`, never past the body's end) and
   * returns the filled part, or null at the end. Unlike `read`, the memory is the caller's: by
   * alternating two buffers a caller can write one piece to disk while the next is being read
   * (uploads). The socket read may transfer `view`'s memory to a new ArrayBuffer: keep using the
   * returned view's `buffer`, not `view`'s. Optional: bodies built by tests may lack it, and
   * callers fall back to `read`. Throws like `read`.
   *
   * `keep`: the caller keeps bytes in `view`'s buffer from earlier reads and must not lose them
   * when this read fails (a resumable upload appends every byte that arrived). The read then
   * copies into `view` and leaves its memory where it is, fails or not.
   */
  readInto?(view: Uint8Array, keep?: boolean): Promise<Uint8Array | null>;
  /**
   * Tells the body the most bytes its reader will take. A chunked body then refuses, with
   * `contentTooLarge` (413), the chunk-size line that would carry it past `maxBytes` as soon as
   * the line is parsed, before its data is read: a size line announcing a terabyte needs no
   * terabyte of reading to be refused. (A declared Content-Length is checked by its reader
   * before reading.) Optional: bodies built by tests may lack it.
   */
  limitTo?(maxBytes: number): void;
  /**
   * Charges `bytes` of this body that the handler keeps in memory to the process's budget for
   * bodies held whole, until the exchange ends; false (nothing charged) when the budget is spent.
   * Optional: bodies built by tests may lack it (then nothing is counted).
   */
  hold?(bytes: number): boolean;
  /**
   * Gives back what the body holds against the server's buffer budget; the connection calls it
   * once the exchange is over. Optional: bodies that hold nothing lack it.
   */
  release?(): void;
  /** Trailer fields of a chunked body once it is done, else null. */
  readonly trailers: HeaderFields | null;
  /**
   * Asks a chunked body to keep its trailer section exactly as sent, for `rawTrailers`; call it
   * before the first read. Off by default, so only a caller that shows bytes pays for the copy,
   * and bounded by the trailer limits (`maxTrailerBytes` plus the final CRLF). Optional: bodies
   * that are not chunked (and bodies built by tests) lack it.
   */
  keepRawTrailers?(): void;
  /**
   * The trailer section as sent — every field line with its CRLF, then the CRLF that ends the
   * body (RFC 9112 §7.1) — once a body asked by `keepRawTrailers` is done; else null or absent.
   */
  readonly rawTrailers?: Uint8Array | null;
  /** The chunk-size lines seen so far (bounded), or null for a body that is not chunked. */
  readonly chunks: readonly ChunkInfo[] | null;
  /** How many chunks arrived (the last, empty one included), recorded or not; 0 if not chunked. */
  readonly chunkCount: number;
}

/** Facts about the connection a request arrived on. */
export interface ConnectionFacts {
  /** Server-wide connection number, from 1. */
  readonly id: number;
  /** This request's number on its connection, from 1. */
  readonly requestIndex: number;
  /** Whether this request's first bytes were already buffered behind the previous request. */
  readonly pipelined: boolean;
  /** Remote address. */
  readonly remoteAddress: string;
  /** Remote port. */
  readonly remotePort: number;
  /** Whether the connection is TLS. */
  readonly tls: boolean;
}

/** A parsed request as handlers see it. */
export interface HttpRequest {
  /** The method token, case preserved (methods are case-sensitive, RFC 9110 §9.1). */
  readonly method: string;
  /** The request-target exactly as sent. */
  readonly target: string;
  /** Which form the target took. */
  readonly targetForm: TargetForm;
  /** The path of the target, still percent-encoded; "*" for asterisk-form. */
  readonly path: string;
  /** The query after "?", raw, without the "?"; "" when absent. */
  readonly query: string;
  /** The version, normalized (1.x with x > 1 becomes 1.1). */
  readonly version: HttpVersion;
  /** The version exactly as sent in the request line. */
  readonly rawVersion: string;
  /** The header fields in original case and order. */
  readonly headers: HeaderFields;
  /**
   * The host the request is for (RFC 9112 §3.2.2, §7.2 of RFC 9110): the target's authority when
   * it has one (absolute-form, authority-form; the Host field is then ignored), else the Host
   * value, checked to be `uri-host [ ":" port ]`; "" when there is neither. Everything that builds
   * or compares this server's own URLs reads it rather than the Host field.
   */
  readonly host: string;
  /**
   * The request head exactly as received: request line through the empty line. It is a view into
   * a slab shared with other requests: read its bytes, never its `.buffer`. Available while the
   * exchange lasts (copied on first use): reading it after the response went out throws.
   */
  readonly rawHead: Uint8Array;
  /**
   * How many empty lines (CRLF) came before the request line: RFC 9112 §2.2 lets a server ignore
   * them, and `rawHead` starts after them. Optional: requests built by tests may lack it (none).
   */
  readonly leadingEmptyLines?: number;
  /** The request body (an empty one when there is none). */
  readonly body: RequestBody;
  /** Whether the client sent `Expect: 100-continue` (HTTP/1.1 only). */
  readonly expectContinue: boolean;
  /** Whether the engine sent `100 Continue` (it does when the handler starts reading). */
  readonly continueSent: boolean;
  /** Facts about the connection. */
  readonly connection: ConnectionFacts;
  /**
   * Aborted when the server closes the connection while the exchange lasts — a shutdown past its
   * timeout, a clock, an `abort` — with a disconnect (`Deno.errors.ConnectionAborted`) as its
   * reason. A handler or a body stream that waits on a timer stops waiting on it: nothing will
   * read the answer, and the wait must not keep the process alive. It does not tell of a client
   * that left: nothing reads the socket while a handler waits, so a departed client is seen at
   * the next write (the answer, or a streamed body's next piece), which closes the connection and
   * only then aborts the signal; a body read sees it at once (`clientGone`).
   */
  readonly signal: AbortSignal;
  /**
   * Ends this exchange now, unanswered: the connection closes, so a body read in progress fails
   * at once (`clientGone`) and whatever the handler still returns is never written. For a handler
   * that must give a request up mid-body for another's sake — a resumable upload whose newer
   * request asks for the upload a stalled one holds (draft-ietf-httpbis-resumable-upload,
   * "Concurrency"). Does nothing once the handler has returned. Optional: requests built by tests
   * may lack it.
   */
  abort?(): void;
  /**
   * Sends an interim (1xx) response now, ahead of the final one (RFC 9110 §15.2) — e.g. `104
   * Upload Resumption Supported` with the upload's `Location`. Any 1xx but 101 (a protocol switch
   * is not an interim answer). Sends nothing and resolves for an HTTP/1.0 client (§15.2: a server
   * must not send a 1xx to one), once the handler has returned, or after the connection closed.
   * Throws a `RangeError` for another status (a bug in the handler) and `HttpError("internal")`
   * for a field that is not a valid line (nothing of it is sent).
   */
  sendInterim(status: number, headers?: Array<[string, string]>): Promise<void>;
}

/** A body the writer streams from an open file, closing the file when done. */
export interface FileBody {
  readonly kind: "file";
  /** The open file; the writer closes it. */
  readonly file: Deno.FsFile;
  /** Where to start in the file. */
  readonly offset: number;
  /** How many bytes to send. */
  readonly length: number;
}

/** A body produced piece by piece; `length` when known is sent as Content-Length. */
export interface StreamBody {
  readonly kind: "stream";
  /** The pieces; a ReadableStream or an async generator. */
  readonly stream: AsyncIterable<Uint8Array>;
  /** Total length when known in advance; otherwise the writer uses chunked (or close for 1.0). */
  readonly length?: number;
  /** Flush every piece as it comes (event streams, drip) instead of batching. */
  readonly flush?: boolean;
  /**
   * Trailer fields sent after the last chunk (RFC 9112 §7.1.2), read once the stream has ended,
   * so a field can carry what only the end knows. Fields the writer owns are dropped like in the
   * head; all are dropped when the body is not chunked (a known length, HTTP/1.0).
   */
  readonly trailers?: () => Array<[string, string]>;
}

/** What a response body can be. Strings are sent as UTF-8. */
export type ResponseBody = string | Uint8Array | FileBody | StreamBody | null;

/** A response description: the writer decides framing from it. */
export interface HttpResponse {
  /** Status code. */
  status: number;
  /**
   * Header fields in order. Framing fields (Content-Length, Transfer-Encoding, Connection) are
   * the writer's: any given here are ignored. Date and Server are added by the writer.
   */
  headers?: Array<[string, string]>;
  /** The body; omitted or null for none. */
  body?: ResponseBody;
  /** Close the connection after this response. */
  close?: boolean;
  /**
   * Content-Length to announce when the body is absent (a HEAD answer built without a body).
   * Ignored when a body with a known length is given. `null` answers a HEAD with no
   * Content-Length at all: for a body that depends on the request line, whose GET length is not
   * the HEAD's (RFC 9110 §8.6 allows none, never a wrong one); other requests get 0.
   */
  contentLength?: number | null;
  /**
   * With status 101: the protocol the connection switches to (RFC 9110 §7.8, §15.2.2). The
   * engine sends the 101 with these headers and `Connection: Upgrade`, then runs the session
   * over the connection, which never returns to HTTP. Build it with `acceptWebSocket`
   * (websocket_handshake.ts), which checks the request first.
   */
  upgrade?: WebSocketUpgrade;
}

/** A switch to WebSocket (RFC 6455) and what to do over it. */
export interface WebSocketUpgrade {
  readonly protocol: "websocket";
  /** The largest message (all fragments together) taken from the client; past it: close 1009. */
  readonly maxMessageBytes: number;
  /** Messages sent are cut into frames of at most this many payload bytes. */
  readonly maxFragmentBytes: number;
  /** Runs the session; the connection closes when it resolves (or the client leaves). */
  session(ws: WebSocketSession): Promise<void>;
}

/** One WebSocket message: text (valid UTF-8, decoded) or binary. */
export type WebSocketMessage =
  | { readonly type: "text"; readonly data: string }
  | { readonly type: "binary"; readonly data: Uint8Array };

/**
 * A WebSocket session as a handler sees it: messages, never frames or sockets. Pings are
 * answered, fragments joined, text checked as UTF-8 and the close handshake done by the engine.
 */
export interface WebSocketSession {
  /**
   * The next message, or null once the session is closing or closed (by either side). Binary
   * data is lent: valid until the next `receive` (copy it to keep it), so a busy session reuses
   * one buffer instead of allocating per message.
   */
  receive(): Promise<WebSocketMessage | null>;
  /** Sends a message (in frames of at most `maxFragmentBytes`); rejects once closing. */
  send(data: string | Uint8Array): Promise<void>;
  /** Starts the close handshake with `code` (1000 by default) and `reason` (≤ 123 bytes). */
  close(code?: number, reason?: string): Promise<void>;
}

/**
 * A request handler: the app's whole interface to the engine. `close`, when present, releases
 * what the handler keeps between requests (open files): the server calls it once it has shut
 * down.
 */
export type Handler = ((req: HttpRequest) => HttpResponse | Promise<HttpResponse>) & {
  close?: () => void;
};
