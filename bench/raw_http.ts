/**
 * A tiny HTTP/1.1 client over raw TCP for the bench's own checks: readiness, fetching the page
 * both servers must serve, and holding idle keep-alive connections. Raw sockets rather than
 * `fetch` so the bench controls exactly which connections stay open to the server.
 *
 * This module must not know about wrk or the servers' processes.
 * @module
 */

/** One response as read off the wire. */
export interface RawResponse {
  status: number;
  /** The head's header lines, names as sent. */
  headers: Array<[string, string]>;
  /** Bytes of the status line and headers, with the blank line. */
  headBytes: number;
  body: Uint8Array;
}

const CRLFCRLF = [0x0d, 0x0a, 0x0d, 0x0a];
const READ_CHUNK_BYTES = 16 * 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The bytes of a `GET path HTTP/1.1` request to 127.0.0.1:`port`. */
export function getRequest(port: number, path: string, close: boolean): Uint8Array {
  const connection = close ? "Connection: close\r\n" : "";
  return encoder.encode(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${connection}\r\n`);
}

/** Writes `request` on `conn` and reads one response framed by Content-Length (or EOF). */
export async function exchange(conn: Deno.Conn, request: Uint8Array): Promise<RawResponse> {
  for (let off = 0; off < request.length;) off += await conn.write(request.subarray(off));
  const chunk = new Uint8Array(READ_CHUNK_BYTES);
  let data = new Uint8Array(0);
  let head: Omit<RawResponse, "body"> | null = null;
  let length: number | null = null;
  for (;;) {
    if (head === null) {
      const end = indexOf(data, CRLFCRLF);
      if (end >= 0) {
        head = parseHead(decoder.decode(data.subarray(0, end)), end + 4);
        length = contentLength(head.headers);
      }
    }
    if (head !== null && length !== null && data.length >= head.headBytes + length) {
      return { ...head, body: data.slice(head.headBytes, head.headBytes + length) };
    }
    const n = await conn.read(chunk);
    if (n === null) {
      if (head !== null && length === null) return { ...head, body: data.slice(head.headBytes) };
      throw new Error(`Connection closed after ${data.length} bytes, before a complete response`);
    }
    const grown = new Uint8Array(data.length + n);
    grown.set(data);
    grown.set(chunk.subarray(0, n), data.length);
    data = grown;
  }
}

/** `GET path` on a fresh connection that is closed afterwards. */
export async function getOnce(port: number, path: string): Promise<RawResponse> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    return await exchange(conn, getRequest(port, path, true));
  } finally {
    conn.close();
  }
}

/** The value of header `name` (case-insensitive), or null. */
export function headerValue(res: RawResponse, name: string): string | null {
  const lower = name.toLowerCase();
  for (const [k, v] of res.headers) if (k.toLowerCase() === lower) return v;
  return null;
}

function parseHead(text: string, headBytes: number): Omit<RawResponse, "body"> {
  const lines = text.split("\r\n");
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
  if (m === null) throw new Error(`Unexpected status line "${lines[0].slice(0, 80)}"`);
  const headers: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return { status: Number(m[1]), headers, headBytes };
}

function contentLength(headers: Array<[string, string]>): number | null {
  for (const [k, v] of headers) {
    if (k.toLowerCase() !== "content-length") continue;
    if (!/^\d{1,15}$/.test(v)) throw new Error(`Unexpected Content-Length "${v}"`);
    return Number(v);
  }
  for (const [k, v] of headers) {
    if (k.toLowerCase() === "transfer-encoding") {
      throw new Error(`Unsupported Transfer-Encoding "${v}" in a bench response`);
    }
  }
  return null;
}

function indexOf(haystack: Uint8Array, needle: readonly number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
