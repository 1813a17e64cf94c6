/**
 * Pulls one request head's lines from a `BufferedReader` under the head limits, resumably: a
 * head that is already buffered is parsed without a single await, and a partial one picks up
 * where it stopped once more bytes arrive (nothing is scanned twice).
 *
 * This module must not know about sockets, timeouts, bodies or routes.
 * @module
 */

import {
  type BufferedReader,
  type LentBytesKeeper,
  LINE_NEED_MORE,
  LINE_OVERLONG,
} from "./buffered_reader.ts";
import { HttpError } from "./errors.ts";
import { CLASS, SP, TCHAR } from "./head_syntax.ts";
import { HeaderFields } from "./header_fields.ts";
import type { Limits } from "./limits.ts";
import { checkHead, parseFieldLineAt, repeatsFieldLine, type RequestHead } from "./request_head.ts";
import { parseRequestLineAt, type RequestLine } from "./request_line.ts";

/** Returned by `advance` when the buffered bytes end before the head does. */
export const INCOMPLETE: unique symbol = Symbol("incomplete head");

const CR = 0x0d, LF = 0x0a;
const CR_BYTES = 1, LF_BYTES = 1, CRLF_BYTES = CR_BYTES + LF_BYTES;

/**
 * A parsed head whose raw bytes stay in the reader's buffer until they are asked for (then
 * copied) or the buffer is about to change (then copied for it): most exchanges never look at
 * them. Once its exchange is released (`HeadReader.release`), bytes not yet copied are gone.
 */
class ReceivedHead implements RequestHead, LentBytesKeeper {
  readonly method: string;
  readonly target: string;
  readonly targetForm: RequestLine["targetForm"];
  readonly path: string;
  readonly query: string;
  readonly version: RequestLine["version"];
  readonly rawVersion: string;
  readonly headers: HeaderFields;
  readonly host: string;
  readonly leadingEmptyLines: number;
  #raw: Uint8Array | null = null;
  #reader: BufferedReader | null;

  constructor(
    line: RequestLine,
    headers: HeaderFields,
    host: string,
    leadingEmptyLines: number,
    reader: BufferedReader,
  ) {
    this.method = line.method;
    this.target = line.target;
    this.targetForm = line.targetForm;
    this.path = line.path;
    this.query = line.query;
    this.version = line.version;
    this.rawVersion = line.rawVersion;
    this.headers = headers;
    this.host = host;
    this.leadingEmptyLines = leadingEmptyLines;
    this.#reader = reader;
    reader.lendMarked(this);
  }

  get rawHead(): Uint8Array {
    if (this.#raw === null) {
      const reader = this.#reader;
      if (reader === null) throw new Error("rawHead read after its exchange ended");
      this.#raw = reader.copyLent(this);
      this.#reader = null;
    }
    return this.#raw;
  }

  keepCopy(copy: Uint8Array): void {
    this.#raw = copy;
    this.#reader = null;
  }

  /** The exchange is over: stop borrowing the bytes. */
  expire(): void {
    this.#reader?.endLoan(this);
    this.#reader = null;
  }
}

/**
 * The fields of the last head accepted on any connection (sealed, so any head may share them).
 * Clients that open a connection per request (`Connection: close`) mostly send the same head each
 * time: the first head of a connection is then compared with it byte by byte instead of parsed,
 * as a kept-alive connection's next head is compared with its last.
 */
let lastAccepted: HeaderFields | undefined;

/** The state of reading one head, reused for every request on a connection. */
export class HeadReader {
  #reader: BufferedReader;
  #limits: Limits;
  #line: RequestLine | null = null;
  /** The method token of a request line refused before it was parsed whole (see `method`). */
  #refusedLineMethod: string | null = null;
  /** The fields parsed so far, or null while every line repeats `#previous` (see `advance`). */
  #headers: HeaderFields | null = null;
  /** How many leading lines repeated `#previous`'s, while `#headers` is null. */
  #repeated = 0;
  /**
   * The last accepted head's fields (sealed): lines that repeat them are taken as they are. A new
   * connection starts from the last head any connection accepted (see `lastAccepted`).
   */
  #previous: HeaderFields | undefined = lastAccepted;
  #skipped = 0;
  #budget = 0;
  /** The request line's parts, rewritten for every head (the head copies them out). */
  #scratch: RequestLine = {
    method: "",
    target: "",
    targetForm: "origin",
    path: "",
    query: "",
    version: "HTTP/1.1",
    rawVersion: "",
    authority: "",
  };
  /** The last head returned, whose raw bytes the reader still lends it. */
  #current: ReceivedHead | null = null;

  constructor(reader: BufferedReader, limits: Limits) {
    this.#reader = reader;
    this.#limits = limits;
  }

  /** Starts a new head at the reader's current position. */
  begin(): void {
    this.#reader.mark();
    this.#line = null;
    this.#refusedLineMethod = null;
    this.#headers = null;
    this.#repeated = 0;
    this.#skipped = 0;
    this.#budget = this.#limits.maxHeaderBytes;
  }

  /**
   * The method of the head being read once its request line is parsed, else null: a head refused
   * after its request line (a bad field, Host, size or clock) still says whether it was HEAD. So
   * does a request line refused itself (its version, target or length) once its method token and
   * the space after it were read: the method is known then, even if the rest of the line is bad.
   */
  get method(): string | null {
    return this.#line === null ? this.#refusedLineMethod : this.#line.method;
  }

  /** Parses as far as the buffered bytes go: the head, an error, or `INCOMPLETE`. */
  advance(): RequestHead | HttpError | typeof INCOMPLETE {
    const reader = this.#reader;
    const limits = this.#limits;
    const bytes = reader.bytes;
    while (this.#line === null) {
      // Lines are read in place (`scanLine`): no view or copy per line.
      const lf = reader.scanLine(limits.maxRequestLineBytes + CR_BYTES);
      if (lf === LINE_NEED_MORE) {
        // Judged before its line end arrives: see `startsRequestLine`.
        const first = reader.peekByte();
        if (first !== -1 && !startsRequestLine(first)) return this.#failed(notHttp(first));
        return INCOMPLETE;
      }
      if (lf === LINE_OVERLONG) return this.#failedLine(this.#overlongLine());
      const start = reader.lineStart;
      if (lf - start === CR_BYTES && bytes[start] === CR) {
        // RFC 9112 §2.2: ignore empty lines before the request line, but no more than a line's worth.
        this.#skipped += CRLF_BYTES;
        if (this.#skipped > limits.maxRequestLineBytes) {
          return this.#failed(new HttpError("badRequestLine", "too many leading empty lines"));
        }
        reader.mark();
        continue;
      }
      if (!startsRequestLine(bytes[start])) return this.#failed(notHttp(bytes[start]));
      const parsed = parseRequestLineAt(bytes, start, lf, this.#scratch);
      if (parsed instanceof HttpError) return this.#failedLine(parsed, start);
      this.#line = parsed;
    }
    const previous = this.#previous;
    for (;;) {
      // A field line costs its bytes plus LF; the empty line that ends the head costs nothing.
      const lf = reader.scanLine(Math.max(this.#budget - LF_BYTES, CR_BYTES));
      if (lf === LINE_NEED_MORE) return INCOMPLETE;
      if (lf === LINE_OVERLONG) return this.#failed(new HttpError("headersTooLarge"));
      const start = reader.lineStart;
      if (lf - start === CR_BYTES && bytes[start] === CR) break;
      let headers = this.#headers;
      if ((headers === null ? this.#repeated : headers.size) >= limits.maxHeaderCount) {
        return this.#failed(new HttpError("headersTooLarge", "too many fields"));
      }
      this.#budget -= lf - start + LF_BYTES;
      if (headers === null) {
        // While the lines repeat the last head's, nothing is built: if they all do, this head
        // shares that head's (sealed) fields.
        const at = this.#repeated;
        if (
          previous !== undefined && at < previous.size &&
          repeatsFieldLine(bytes, start, lf - CR_BYTES, previous, at)
        ) {
          this.#repeated = at + 1;
          continue;
        }
        headers = previous === undefined ? new HeaderFields() : previous.firstLines(at);
        this.#headers = headers;
      }
      const error = parseFieldLineAt(bytes, start, lf, headers, previous);
      if (error !== null) return this.#failed(error);
    }
    let headers = this.#headers;
    if (headers === null) {
      headers = previous !== undefined && this.#repeated === previous.size
        ? previous
        : previous === undefined
        ? new HeaderFields()
        : previous.firstLines(this.#repeated);
      this.#headers = headers;
    }
    const line = this.#line;
    const host = checkHead(line, headers);
    if (host instanceof HttpError) return this.#failed(host);
    headers.seal();
    this.#previous = headers;
    lastAccepted = headers;
    const head = new ReceivedHead(line, headers, host, this.#skipped / CRLF_BYTES, reader);
    this.#current = head;
    return head;
  }

  /**
   * Ends the exchange of the last head: its raw bytes are no longer kept for it (reading its
   * `rawHead` from now on throws unless it was read before). The connection calls this once the
   * response is out, so that most heads are never copied at all.
   */
  release(): void {
    this.#current?.expire();
    this.#current = null;
  }

  /**
   * What it means that `fill` gave nothing more: the stream ended (null: the client left, close
   * quietly), or the reader's buffer is smaller than the limits allow.
   */
  stopped(): HttpError | null {
    if (this.#reader.eof) {
      this.#reader.unmark();
      return null;
    }
    if (this.#line === null) {
      return this.#failedLine(this.#overlongLine());
    }
    this.#reader.unmark();
    return new HttpError("headersTooLarge", "read buffer full");
  }

  #failed(error: HttpError): HttpError {
    this.#reader.unmark();
    return error;
  }

  /**
   * Why a request line past the limit is refused: 414 for a long target (RFC 9112 §3.2), but 501
   * when the limit ran out inside the method token itself — a method longer than any the server
   * implements (RFC 9112 §3).
   */
  #overlongLine(): HttpError {
    const reader = this.#reader;
    const limit = this.#limits.maxRequestLineBytes;
    for (let i = 0; i < limit; i++) {
      const c = reader.peekByteAt(i);
      if (c === -1 || (CLASS[c] & TCHAR) === 0) return new HttpError("uriTooLong");
    }
    return new HttpError("methodNotImplemented", "method longer than the request-line limit");
  }

  /**
   * `#failed` for the request line: keeps its method token for `method`. `lineStart` is where a
   * consumed line starts in the buffer; without it the line is the unconsumed bytes ahead.
   */
  #failedLine(error: HttpError, lineStart?: number): HttpError {
    const reader = this.#reader;
    this.#refusedLineMethod = lineStart === undefined
      ? leadingMethod((i) => reader.peekByteAt(i))
      : leadingMethod((
        i,
      ) => (lineStart + i < reader.bytes.length ? reader.bytes[lineStart + i] : -1));
    return this.#failed(error);
  }
}

/**
 * The method token at the start of a request line whose bytes `byteAt` gives (-1 past the
 * buffered ones), once the space ending it has arrived (RFC 9112 §3: method SP …); else null.
 */
function leadingMethod(byteAt: (i: number) => number): string | null {
  let i = 0;
  for (let c = byteAt(0); c !== -1 && (CLASS[c] & TCHAR) !== 0; c = byteAt(++i));
  if (i === 0 || byteAt(i) !== SP) return null;
  let method = "";
  for (let k = 0; k < i; k++) method += String.fromCharCode(byteAt(k));
  return method;
}

/**
 * Reads one request head from `reader` under `limits`. Resolves to the head, to null when the
 * stream ends first (the client left: close quietly), or to an `HttpError`. Awaits only when
 * the buffer runs dry; rejects only if the byte source does.
 */
export async function readRequestHead(
  reader: BufferedReader,
  limits: Limits,
): Promise<RequestHead | null | HttpError> {
  const head = new HeadReader(reader, limits);
  head.begin();
  for (;;) {
    const result = head.advance();
    if (result !== INCOMPLETE) return result;
    if (!(await reader.fill())) return head.stopped();
  }
}

/**
 * Whether `byte` can begin a request line or the empty line allowed before one: a method is a
 * token (RFC 9112 §3, RFC 9110 §5.6.2). Anything else — a TLS ClientHello (0x16 0x03 …) sent to
 * the plain port, SSH, binary — can never become a request, so it is refused on its first byte,
 * the same whether or not a line end has arrived, instead of after the head clock (a TLS client
 * waits for the server's hello and would hang until then).
 */
function startsRequestLine(byte: number): boolean {
  return (CLASS[byte] & TCHAR) !== 0 || byte === CR || byte === LF;
}

function notHttp(first: number): HttpError {
  return new HttpError("notHttp", `first byte 0x${first.toString(16).padStart(2, "0")}`);
}
