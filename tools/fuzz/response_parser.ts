/**
 * The fuzzer's oracle for "every byte the server sent is well-formed HTTP/1.1": a strict parser of
 * a whole response stream (everything read until the server closed), written apart from the
 * server's own code so a shared mistake cannot hide. It accepts only what RFC 9112 lets a server
 * send, and a little less: no bare LF, no obs-fold, one Content-Length, never with
 * Transfer-Encoding, chunked last, no body on 1xx/204/HEAD, nothing after `Connection: close`,
 * and the stream must end exactly where the last response ends.
 *
 * This module must not know the server's code or the fuzzer's cases.
 * @module
 */

/** One response read off the stream. */
export interface ParsedResponse {
  status: number;
  /** Field lines as sent (names in their case). */
  headers: Array<[string, string]>;
  /** Body bytes (the decoded chunk data for chunked bodies). */
  bodyBytes: number;
  /** Where the body (or its first chunk-size line) starts in the stream. */
  bodyStart: number;
  /** Whether the body was taken as absent because it answered a HEAD. */
  asHead: boolean;
}

/** What the stream held: the responses up to the first fault, and the fault if any. */
export interface ParseResult {
  responses: ParsedResponse[];
  /** null when the whole stream was well-formed; else what is wrong and at which byte. */
  error: string | null;
}

/** How to read the stream. */
export interface ParseOptions {
  /**
   * Whether a response may answer a HEAD (the requests held one): a response whose framing
   * announces a body is then taken as bodiless when the next bytes start a new status line or
   * the stream ends right after its head (RFC 9110 §9.3.2).
   */
  mayBeHead?: boolean;
}

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const DEL = 0x7f;
const STATUS_LINE_PREFIX = "HTTP/1.1 ";
const MIN_STATUS = 100;
const MAX_STATUS = 599;
const FIRST_FINAL_STATUS = 200;
const SWITCHING_PROTOCOLS = 101;
const NO_CONTENT = 204;
const NOT_MODIFIED = 304;
const STATUS_DIGITS = 3;
const HEX_RADIX = 16;
/** Digits of a Content-Length we accept: below 2^53, exact as a JavaScript number. */
const MAX_LENGTH_DIGITS = 15;
/** Hex digits of a chunk size we accept: 2^52 fits a JavaScript number exactly. */
const MAX_CHUNK_SIZE_DIGITS = 13;
const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DIGITS = /^[0-9]+$/;
const decoder = new TextDecoder("latin1");

class Malformed extends Error {}

/** Parses every response in `bytes` (a whole stream, to the server's close). */
export function parseResponseStream(bytes: Uint8Array, opts: ParseOptions = {}): ParseResult {
  const responses: ParsedResponse[] = [];
  let at = 0;
  try {
    while (at < bytes.length) {
      const start = at;
      const line = readLine(bytes, at);
      at = line.next;
      const status = statusOf(line.text, start);
      const headers: Array<[string, string]> = [];
      for (;;) {
        const field = readLine(bytes, at);
        if (field.text === "") {
          at = field.next;
          break;
        }
        headers.push(fieldOf(field.text, at));
        at = field.next;
      }
      const framing = framingOf(status, headers, start);
      const response: ParsedResponse = {
        status,
        headers,
        bodyBytes: 0,
        bodyStart: at,
        asHead: false,
      };
      responses.push(response);
      if (status === SWITCHING_PROTOCOLS) return { responses, error: null }; // another protocol follows
      if (framing.kind !== "none" && opts.mayBeHead && looksLikeHeadAnswer(bytes, at)) {
        response.asHead = true;
      } else if (framing.kind === "length") {
        if (bytes.length - at < framing.length) {
          throw new Malformed(
            `response ${responses.length} (status ${status}) cut short: ` +
              `Content-Length ${framing.length}, ${bytes.length - at} bytes before the close`,
          );
        }
        at += framing.length;
        response.bodyBytes = framing.length;
      } else if (framing.kind === "chunked") {
        const body = readChunked(bytes, at, responses.length);
        at = body.next;
        response.bodyBytes = body.dataBytes;
      } else if (framing.kind === "close") {
        response.bodyBytes = bytes.length - at;
        at = bytes.length;
      }
      if (status >= FIRST_FINAL_STATUS && closes(headers) && at < bytes.length) {
        throw new Malformed(
          `${
            bytes.length - at
          } bytes after response ${responses.length}, which said Connection: close`,
        );
      }
    }
    return { responses, error: null };
  } catch (e) {
    if (e instanceof Malformed) return { responses, error: e.message };
    throw e;
  }
}

type Framing = { kind: "none" } | { kind: "length"; length: number } | { kind: "chunked" } | {
  kind: "close";
};

/** RFC 9112 §6.3 as a server's answer must satisfy it, strictly. */
function framingOf(status: number, headers: Array<[string, string]>, at: number): Framing {
  const lengths = values(headers, "content-length");
  const codings = values(headers, "transfer-encoding");
  const bodiless = status < FIRST_FINAL_STATUS || status === NO_CONTENT;
  // RFC 9110 §8.6, §6.1: no Content-Length or Transfer-Encoding on 1xx and 204.
  if (bodiless && (lengths.length > 0 || codings.length > 0)) {
    throw new Malformed(`status ${status} at byte ${at} carries framing fields`);
  }
  if (lengths.length > 1) {
    throw new Malformed(`${lengths.length} Content-Length fields at byte ${at}`);
  }
  if (lengths.length === 1 && codings.length > 0) {
    throw new Malformed(`Content-Length with Transfer-Encoding at byte ${at}`); // RFC 9112 §6.2
  }
  if (bodiless || status === NOT_MODIFIED) return { kind: "none" };
  if (codings.length > 0) {
    const list = codings.join(",").split(",").map((c) => c.trim().toLowerCase());
    if (list[list.length - 1] !== "chunked" || list.indexOf("chunked") !== list.length - 1) {
      throw new Malformed(`Transfer-Encoding "${codings.join(", ")}" at byte ${at}`);
    }
    return { kind: "chunked" };
  }
  if (lengths.length === 1) {
    if (!DIGITS.test(lengths[0]) || lengths[0].length > MAX_LENGTH_DIGITS) {
      throw new Malformed(`Content-Length "${lengths[0]}" at byte ${at}`);
    }
    return { kind: "length", length: Number(lengths[0]) };
  }
  return { kind: "close" };
}

function statusOf(line: string, at: number): number {
  if (!line.startsWith(STATUS_LINE_PREFIX)) {
    throw new Malformed(`no status line at byte ${at}: ${JSON.stringify(line.slice(0, 40))}`);
  }
  const code = line.slice(STATUS_LINE_PREFIX.length, STATUS_LINE_PREFIX.length + STATUS_DIGITS);
  const after = line.charCodeAt(STATUS_LINE_PREFIX.length + STATUS_DIGITS);
  // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4)
  if (!/^[0-9]{3}$/.test(code) || after !== SP) {
    throw new Malformed(`bad status line at byte ${at}: ${JSON.stringify(line.slice(0, 40))}`);
  }
  const status = Number(code);
  if (status < MIN_STATUS || status > MAX_STATUS) {
    throw new Malformed(`status ${status} out of range at byte ${at}`);
  }
  const reason = line.slice(STATUS_LINE_PREFIX.length + STATUS_DIGITS + 1);
  for (let i = 0; i < reason.length; i++) {
    const c = reason.charCodeAt(i);
    if (c !== HTAB && (c < SP || c === DEL)) throw new Malformed(`control byte in reason at ${at}`);
  }
  return status;
}

function fieldOf(line: string, at: number): [string, string] {
  if (line.charCodeAt(0) === SP || line.charCodeAt(0) === HTAB) {
    throw new Malformed(`obs-fold at byte ${at}`); // RFC 9112 §5.2: a server must not send it
  }
  const colon = line.indexOf(":");
  if (colon <= 0 || !TCHAR.test(line.slice(0, colon))) {
    throw new Malformed(`bad field name at byte ${at}: ${JSON.stringify(line.slice(0, 40))}`);
  }
  const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c !== HTAB && (c < SP || c === DEL)) {
      throw new Malformed(`control byte 0x${c.toString(HEX_RADIX)} in a field value at ${at}`);
    }
  }
  return [line.slice(0, colon), value];
}

/** One CRLF-ended line from `at` (bare CR or LF inside is an error). */
function readLine(bytes: Uint8Array, at: number): { text: string; next: number } {
  for (let i = at; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === LF) throw new Malformed(`bare LF at byte ${i}`);
    if (b === CR) {
      if (i + 1 >= bytes.length) break;
      if (bytes[i + 1] !== LF) throw new Malformed(`bare CR at byte ${i}`);
      return { text: decoder.decode(bytes.subarray(at, i)), next: i + 2 };
    }
  }
  throw new Malformed(`stream ends inside a line at byte ${at} (${bytes.length - at} bytes)`);
}

/** RFC 9112 §7.1: chunks, the last chunk, trailers, the final CRLF. */
function readChunked(bytes: Uint8Array, from: number, index: number) {
  let at = from;
  let dataBytes = 0;
  for (;;) {
    const line = readLine(bytes, at);
    const size = line.text.split(";")[0];
    if (!/^[0-9A-Fa-f]+$/.test(size) || size.length > MAX_CHUNK_SIZE_DIGITS) {
      throw new Malformed(`bad chunk size ${JSON.stringify(size)} in response ${index} at ${at}`);
    }
    at = line.next;
    const n = parseInt(size, HEX_RADIX);
    if (n === 0) break;
    if (bytes.length - at < n + 2) {
      throw new Malformed(`response ${index} cut short inside a chunk`);
    }
    if (bytes[at + n] !== CR || bytes[at + n + 1] !== LF) {
      throw new Malformed(`chunk data of response ${index} not followed by CRLF at ${at + n}`);
    }
    at += n + 2;
    dataBytes += n;
  }
  for (;;) {
    const trailer = readLine(bytes, at);
    at = trailer.next;
    if (trailer.text === "") return { next: at, dataBytes };
    fieldOf(trailer.text, at);
  }
}

function looksLikeHeadAnswer(bytes: Uint8Array, at: number): boolean {
  if (at === bytes.length) return true;
  const next = decoder.decode(bytes.subarray(at, at + STATUS_LINE_PREFIX.length));
  return next === STATUS_LINE_PREFIX;
}

function values(headers: Array<[string, string]>, name: string): string[] {
  return headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
}

function closes(headers: Array<[string, string]>): boolean {
  return values(headers, "connection").some((v) =>
    v.toLowerCase().split(",").some((t) => t.trim() === "close")
  );
}
