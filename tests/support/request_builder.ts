/**
 * Test support: `HttpRequest` objects for handler tests without sockets. The head is built the
 * way the engine would see it (header values as latin1 strings, `rawHead` as the exact bytes),
 * and the body is a read-once `FakeBody` over a byte array, delivered in pieces.
 * @module
 */

import { HeaderFields } from "../../src/http/header_fields.ts";
import type {
  ChunkInfo,
  ConnectionFacts,
  HttpRequest,
  HttpVersion,
  RequestBody,
  ResponseBody,
  TargetForm,
} from "../../src/http/types.ts";

/** What a test request looks like; everything is optional. */
export interface RequestSpec {
  /** Default "GET". */
  method?: string;
  /** Default "/". */
  target?: string;
  /** Default "HTTP/1.1". */
  version?: HttpVersion;
  /** Field lines in order, values as latin1 strings (one char per byte). Default Host: test. */
  headers?: Array<[string, string]>;
  /** The body: a string is UTF-8. Default none. */
  body?: string | Uint8Array;
  /** Deliver the body as chunked, recording these chunk-size lines (default: one per piece). */
  chunked?: boolean;
  /** Chunk-size lines to report for a chunked body (default: derived from the pieces). */
  chunkLines?: string[];
  /** Trailer fields of a chunked body (available once it is read to its end). */
  trailers?: Array<[string, string]>;
  /** Largest piece `read()` returns (default: all at once). */
  pieceBytes?: number;
  /** Whether the client sent `Expect: 100-continue` (the fake "sends" 100 on the first read). */
  expectContinue?: boolean;
  /** Connection facts to override. */
  connection?: Partial<ConnectionFacts>;
  /** Where `sendInterim` records what a handler sent (default: dropped). */
  interims?: InterimRecord[];
  /** The request's `signal` (default: one never aborted). */
  signal?: AbortSignal;
}

/** One interim response a handler sent through a built request. */
export interface InterimRecord {
  status: number;
  headers: Array<[string, string]>;
}

const encoder = new TextEncoder();

/** A read-once body over `bytes`, in pieces of at most `pieceBytes`. */
export class FakeBody implements RequestBody {
  readonly length: number | null;
  readonly chunked: boolean;
  #bytes: Uint8Array;
  #piece: number;
  #at = 0;
  #started = false;
  #ended = false;
  #trailers: HeaderFields | null;
  #chunks: ChunkInfo[] | null;
  #onFirstRead: () => void;

  constructor(
    bytes: Uint8Array,
    options: {
      chunked?: boolean;
      pieceBytes?: number;
      chunkLines?: string[];
      trailers?: Array<[string, string]>;
      onFirstRead?: () => void;
    } = {},
  ) {
    this.#bytes = bytes;
    this.chunked = options.chunked === true;
    this.length = this.chunked ? null : bytes.length;
    this.#piece = options.pieceBytes ?? Math.max(bytes.length, 1);
    this.#onFirstRead = options.onFirstRead ?? (() => {});
    if (this.chunked) {
      this.#trailers = new HeaderFields();
      for (const [n, v] of options.trailers ?? []) this.#trailers.add(n, v);
      this.#chunks = (options.chunkLines ?? defaultChunkLines(bytes.length, this.#piece)).map(
        (line) => ({ size: hexPrefix(line), line }),
      );
    } else {
      this.#trailers = null;
      this.#chunks = null;
    }
  }

  /** Bytes delivered so far. */
  get bytesRead(): number {
    return this.#at;
  }

  /** Whether the end was reached. */
  get done(): boolean {
    return this.#ended || (!this.chunked && this.#at === this.#bytes.length);
  }

  /** Whether reading started. */
  get started(): boolean {
    return this.#started;
  }

  /** Trailers once done (chunked only). */
  get trailers(): HeaderFields | null {
    return this.chunked && this.#ended ? this.#trailers : null;
  }

  /** The chunk-size lines (chunked only). */
  get chunks(): readonly ChunkInfo[] | null {
    return this.#chunks;
  }

  /** Chunks in the fake framing (the last, empty one included), 0 when not chunked. */
  get chunkCount(): number {
    return this.#chunks === null ? 0 : this.#chunks.length;
  }

  /** The next piece (a copy, like the engine's view it must not be kept), or null. */
  read(): Promise<Uint8Array | null> {
    if (!this.#started) {
      this.#started = true;
      this.#onFirstRead();
    }
    if (this.#at >= this.#bytes.length) {
      this.#ended = true;
      return Promise.resolve(null);
    }
    const end = Math.min(this.#bytes.length, this.#at + this.#piece);
    const piece = this.#bytes.slice(this.#at, end);
    this.#at = end;
    return Promise.resolve(piece);
  }
}

function defaultChunkLines(total: number, piece: number): string[] {
  const lines: string[] = [];
  for (let at = 0; at < total; at += piece) lines.push(Math.min(piece, total - at).toString(16));
  lines.push("0");
  return lines;
}

function hexPrefix(line: string): number {
  const m = /^[0-9a-fA-F]+/.exec(line);
  return m === null ? 0 : parseInt(m[0], 16);
}

/** The latin1 bytes of `s` (one byte per char code). */
function latin1(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** A request as a handler would receive it. */
export function buildRequest(spec: RequestSpec = {}): HttpRequest {
  const method = spec.method ?? "GET";
  const target = spec.target ?? "/";
  const version = spec.version ?? "HTTP/1.1";
  const fields = spec.headers ?? [["Host", "test"]];
  const headers = new HeaderFields();
  for (const [n, v] of fields) headers.add(n, v);
  const head = `${method} ${target} ${version}\r\n` +
    fields.map(([n, v]) => `${n}: ${v}\r\n`).join("") + "\r\n";
  const bodyBytes = typeof spec.body === "string"
    ? encoder.encode(spec.body)
    : spec.body ?? new Uint8Array(0);
  const exchange = { continueSent: false };
  const expectContinue = spec.expectContinue === true;
  const body = new FakeBody(bodyBytes, {
    chunked: spec.chunked,
    pieceBytes: spec.pieceBytes,
    chunkLines: spec.chunkLines,
    trailers: spec.trailers,
    onFirstRead: () => {
      if (expectContinue) exchange.continueSent = true;
    },
  });
  const { form, path, query, authority } = splitTarget(target);
  // As the engine decides it (RFC 9112 §3.2.2): the target's authority first, else Host.
  const host = authority ?? fields.find(([n]) => n.toLowerCase() === "host")?.[1] ?? "";
  return {
    method,
    target,
    targetForm: form,
    path,
    query,
    version,
    rawVersion: version,
    headers,
    host,
    rawHead: latin1(head),
    body,
    expectContinue,
    get continueSent() {
      return exchange.continueSent;
    },
    connection: {
      id: 1,
      requestIndex: 1,
      pipelined: false,
      remoteAddress: "127.0.0.1",
      remotePort: 40000,
      tls: false,
      ...spec.connection,
    },
    signal: spec.signal ?? new AbortController().signal,
    sendInterim(status: number, headers: Array<[string, string]> = []) {
      if (version !== "HTTP/1.0") spec.interims?.push({ status, headers });
      return Promise.resolve();
    },
  };
}

function splitTarget(
  target: string,
): { form: TargetForm; path: string; query: string; authority?: string } {
  if (target === "*") return { form: "asterisk", path: "*", query: "" };
  let rest = target;
  let form: TargetForm = "origin";
  let authority: string | undefined;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/([^/?]*)/i.exec(target);
  if (scheme !== null) {
    form = "absolute";
    authority = scheme[1];
    rest = target.slice(scheme[0].length) || "/";
  }
  const q = rest.indexOf("?");
  return q === -1
    ? { form, path: rest, query: "", authority }
    : { form, path: rest.slice(0, q), query: rest.slice(q + 1), authority };
}

/** The response body as bytes (string → UTF-8; streams are drained). */
export async function bodyBytes(
  body: ResponseBody | undefined,
): Promise<Uint8Array> {
  if (body === null || body === undefined) return new Uint8Array(0);
  if (typeof body === "string") return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body.kind !== "stream") throw new Error(`cannot read a ${body.kind} body in a test`);
  const parts: Uint8Array[] = [];
  for await (const p of body.stream) {
    parts.push(p.slice());
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The response body as UTF-8 text. */
export async function bodyText(
  body: ResponseBody | undefined,
): Promise<string> {
  return new TextDecoder().decode(await bodyBytes(body));
}

/** The response body parsed as JSON. */
export async function bodyJson(
  body: ResponseBody | undefined,
): Promise<unknown> {
  return JSON.parse(await bodyText(body));
}

/** The value of the first response header named `name` (case-insensitive), or undefined. */
export function header(
  res: { headers?: Array<[string, string]> },
  name: string,
): string | undefined {
  const key = name.toLowerCase();
  return res.headers?.find(([n]) => n.toLowerCase() === key)?.[1];
}
