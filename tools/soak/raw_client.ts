/**
 * The soak's clients below fetch: a raw request read to the server's close, a WebSocket echo
 * session checked message by message, and the bytes of a handshake and of half a frame for the
 * clients that vanish mid-session.
 *
 * This module must not pick actions or count answers.
 * @module
 */

/** Messages each WebSocket echo session sends and reads back. */
const WEBSOCKET_MESSAGES = 10;
const WEBSOCKET_BINARY_BYTES = 16 * 1024;
const READ_CHUNK_BYTES = 64 * 1024;
const encoder = new TextEncoder();

/** One request on its own connection, read until the server closes it. */
export async function rawExchange(port: number, request: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await writeAll(conn, encoder.encode(request));
    return new TextDecoder().decode(await readToEnd(conn));
  } finally {
    conn.close();
  }
}

/** A WebSocket echo session: text and binary messages read back in order, then a clean close. */
export async function websocketSession(port: number, n: number): Promise<void> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/websocket/echo`);
  ws.binaryType = "arraybuffer";
  const inbox: unknown[] = [];
  let wake: (() => void) | null = null;
  let failed: Error | null = null;
  ws.onmessage = (e) => {
    inbox.push(e.data);
    wake?.();
  };
  ws.onerror = (e) => {
    failed = new Error(`WebSocket error: ${(e as ErrorEvent).message ?? "unknown"}`);
    wake?.();
  };
  const closed = new Promise<void>((r) => ws.onclose = () => r());
  try {
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      closed.then(() => reject(new Error("WebSocket closed before it opened")));
    });
    for (let i = 0; i < WEBSOCKET_MESSAGES; i++) {
      const text = i % 2 === 0;
      ws.send(text ? `soak ${n} ${i}` : new Uint8Array(WEBSOCKET_BINARY_BYTES).fill(i));
      while (inbox.length === 0 && failed === null) {
        await new Promise<void>((r) => wake = r);
      }
      if (failed !== null) throw failed;
      const got = inbox.shift();
      const same = text
        ? got === `soak ${n} ${i}`
        : got instanceof ArrayBuffer && got.byteLength === WEBSOCKET_BINARY_BYTES;
      if (!same) throw new Error(`WebSocket echo ${i} came back different`);
    }
  } finally {
    ws.close(1000);
    await closed;
  }
}

/** An opening handshake for the echo (RFC 6455 §4.1; the key is the RFC's sample). */
export const WEBSOCKET_HANDSHAKE = "GET /websocket/echo HTTP/1.1\r\nHost: soak\r\n" +
  "Upgrade: websocket\r\nConnection: Upgrade\r\n" +
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
/** A masked text frame announcing 5 bytes, of which 2 arrive. */
export const HALF_A_FRAME = new Uint8Array([0x81, 0x85, 1, 2, 3, 4, 0x69, 0x67]);

export async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}

export async function readToEnd(conn: Deno.Conn): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const buf = new Uint8Array(READ_CHUNK_BYTES);
  for (;;) {
    const got = await conn.read(buf);
    if (got === null) break;
    parts.push(buf.slice(0, got));
  }
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
