/**
 * Test support: start the real engine on 127.0.0.1 port 0 with shrunk limits, and talk to it over
 * raw TCP.
 * @module
 */

import type { Limits } from "../../src/http/limits.ts";
import { HttpServer, type ServerOptions } from "../../src/http/server.ts";
import type { Handler } from "../../src/http/types.ts";

/** A running test server; `close()` shuts it down and waits for every connection. */
export interface TestServer {
  server: HttpServer;
  port: number;
  errors: unknown[];
  close(): Promise<void>;
}

/** Starts `handler` on a free loopback port. */
export function startServer(
  handler: Handler,
  limits: Partial<Limits> = {},
  extra: Partial<ServerOptions> = {},
): TestServer {
  const errors: unknown[] = [];
  const server = new HttpServer({
    hostname: "127.0.0.1",
    port: 0,
    handler,
    limits,
    onError: (err) => errors.push(err),
    ...extra,
  });
  return {
    server,
    port: server.addr.port,
    errors,
    close: () => server.shutdown(1000),
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A raw TCP client for byte-exact tests. */
export class RawClient {
  #conn: Deno.TcpConn;
  #buf = new Uint8Array(0);
  #eof = false;

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /** Connects to 127.0.0.1:`port`. */
  static async connect(port: number): Promise<RawClient> {
    return new RawClient(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  /** Sends `data` (a string is sent as latin1: one char code per byte). */
  async send(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? latin1(data) : data;
    let at = 0;
    while (at < bytes.length) at += await this.#conn.write(bytes.subarray(at));
  }

  /** Half-closes the sending side. */
  async closeWrite(): Promise<void> {
    await this.#conn.closeWrite();
  }

  /** Reads until the server closes (or `timeoutMs` passes) and returns everything as latin1. */
  async readAll(timeoutMs = 3000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#eof && Date.now() < deadline) await this.#fill(deadline);
    const text = toLatin1(this.#buf);
    this.#buf = new Uint8Array(0);
    return text;
  }

  /** Waits until a whole response head is in (it stays buffered for the next read). */
  async readHead(timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!toLatin1(this.#buf).includes("\r\n\r\n")) {
      if (this.#eof || Date.now() >= deadline) throw new Error("no response head came");
      await this.#fill(deadline);
    }
  }

  /** Reads one complete response (head + Content-Length or chunked body); null at EOF. */
  async readResponse(timeoutMs = 3000): Promise<RawResponse | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = parseResponse(this.#buf);
      if (parsed !== null) {
        this.#buf = this.#buf.slice(parsed.consumed);
        return parsed.response;
      }
      if (this.#eof) return null;
      if (Date.now() >= deadline) throw new Error("timed out waiting for a response");
      await this.#fill(deadline);
    }
  }

  /** Whether the server closed the connection (waits up to `timeoutMs`). */
  async closedByServer(timeoutMs = 2000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#eof && Date.now() < deadline) await this.#fill(deadline);
    return this.#eof;
  }

  /** Closes the socket. */
  close(): void {
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
  }

  async #fill(deadline: number): Promise<void> {
    const chunk = new Uint8Array(65536);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((r) => {
      timer = setTimeout(() => r(null), Math.max(1, deadline - Date.now()));
    });
    const read = this.#conn.read(chunk).catch(() => null);
    const n = await Promise.race([read, timeout]);
    clearTimeout(timer);
    if (n === null) {
      if (Date.now() < deadline) this.#eof = true;
      else {
        // The read is still pending: closing later ends it; mark nothing.
        await Promise.race([read, Promise.resolve()]);
      }
      return;
    }
    const grown = new Uint8Array(this.#buf.length + n);
    grown.set(this.#buf);
    grown.set(chunk.subarray(0, n), this.#buf.length);
    this.#buf = grown;
  }
}

/** A response as seen on the wire. */
export interface RawResponse {
  statusLine: string;
  status: number;
  headers: Array<[string, string]>;
  body: Uint8Array;
  /** Trailer fields of a chunked response, in order. */
  trailers: Array<[string, string]>;
  text: string;
  header(name: string): string | undefined;
}

function parseResponse(buf: Uint8Array): { response: RawResponse; consumed: number } | null {
  const text = toLatin1(buf);
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return null;
  const lines = text.slice(0, end).split("\r\n");
  const statusLine = lines[0];
  const status = Number(statusLine.split(" ")[1]);
  const headers = lines.slice(1).map((l) => {
    const i = l.indexOf(":");
    return [l.slice(0, i), l.slice(i + 1).trim()] as [string, string];
  });
  const get = (n: string) => headers.find(([k]) => k.toLowerCase() === n)?.[1];
  let at = end + 4;
  let body: Uint8Array;
  const trailers: Array<[string, string]> = [];
  if (status < 200 || status === 204 || status === 304) body = new Uint8Array(0);
  else if (get("transfer-encoding")?.toLowerCase() === "chunked") {
    const parts: number[] = [];
    for (;;) {
      const lineEnd = text.indexOf("\r\n", at);
      if (lineEnd < 0) return null;
      const size = parseInt(text.slice(at, lineEnd), 16);
      at = lineEnd + 2;
      if (size === 0) {
        // The trailer section: field lines up to an empty line (RFC 9112 §7.1.2).
        for (;;) {
          const lineEnd = text.indexOf("\r\n", at);
          if (lineEnd < 0) return null;
          const line = text.slice(at, lineEnd);
          at = lineEnd + 2;
          if (line === "") break;
          const colon = line.indexOf(":");
          trailers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
        }
        break;
      }
      if (buf.length < at + size + 2) return null;
      for (let i = 0; i < size; i++) parts.push(buf[at + i]);
      at += size + 2;
    }
    body = new Uint8Array(parts);
  } else {
    const len = Number(get("content-length") ?? "0");
    if (buf.length < at + len) return null;
    body = buf.slice(at, at + len);
    at += len;
  }
  return {
    consumed: at,
    response: {
      statusLine,
      status,
      headers,
      body,
      trailers,
      text: decoder.decode(body),
      header: get,
    },
  };
}

/** One byte per char code (the wire's view of a string). */
export function latin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function toLatin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return s;
}

/** UTF-8 bytes of `s`. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}
