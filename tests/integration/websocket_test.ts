/**
 * `/websocket/echo` over real TCP: Deno's built-in WebSocket client (text, binary, a 1 MiB
 * message, many in a row, the close handshake), and raw frames for the handshake's refusals and
 * every fault a client can commit — each must end in a close frame with the right code.
 */

import { MAX_FRAGMENTS } from "../../src/http/websocket_message_assembler.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { type AppServer, startApp } from "../support/app_server.ts";
import { appConfig } from "../../src/app/app_config.ts";

const KEY = "dGhlIHNhbXBsZSBub25jZQ=="; // RFC 6455 §1.3's sample
const ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
const HANDSHAKE = "GET /websocket/echo HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\n" +
  `Connection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`;

async function withServer(fn: (s: AppServer) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir();
  const s = await startApp(appConfig({ directory: root }));
  try {
    await fn(s);
  } finally {
    await s.close();
    await Deno.remove(root, { recursive: true });
  }
}

/** A client frame: masked (unless `mask` is false), FIN unless told, with raw first-byte bits. */
function frame(
  opcode: number,
  payload: Uint8Array | string,
  opts: { fin?: boolean; mask?: boolean; rsv?: number } = {},
): Uint8Array {
  const data = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
  const n = data.length;
  const ext = n < 126 ? 0 : n <= 0xffff ? 2 : 8;
  const masked = opts.mask ?? true;
  const out = new Uint8Array(2 + ext + (masked ? 4 : 0) + n);
  out[0] = ((opts.fin ?? true) ? 0x80 : 0) | (opts.rsv ?? 0) | opcode;
  out[1] = (masked ? 0x80 : 0) | (ext === 0 ? n : ext === 2 ? 126 : 127);
  const view = new DataView(out.buffer);
  if (ext === 2) view.setUint16(2, n);
  if (ext === 8) view.setUint32(6, n);
  const at = 2 + ext;
  const key = [0x12, 0x34, 0x56, 0x78];
  if (masked) out.set(key, at);
  const body = at + (masked ? 4 : 0);
  for (let i = 0; i < n; i++) out[body + i] = masked ? data[i] ^ key[i & 3] : data[i];
  return out;
}

/** A raw connection that did the handshake; reads server frames. */
class RawSocket {
  #buf = new Uint8Array(0);
  constructor(readonly conn: Deno.TcpConn) {}

  static async open(port: number, handshake = HANDSHAKE): Promise<{ ws: RawSocket; head: string }> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const ws = new RawSocket(conn);
    await ws.write(new TextEncoder().encode(handshake));
    return { ws, head: await ws.head() };
  }

  /** The next response head (without its blank line), or what came before the connection ended. */
  async head(): Promise<string> {
    let end = -1;
    while ((end = indexOfHeadEnd(this.#buf)) < 0) if (!await this.#fill()) break;
    const head = new TextDecoder().decode(this.#buf.subarray(0, Math.max(end, 0)));
    this.#buf = end < 0 ? this.#buf : this.#buf.slice(end + 4);
    return head;
  }

  async write(bytes: Uint8Array): Promise<void> {
    for (let at = 0; at < bytes.length;) at += await this.conn.write(bytes.subarray(at));
  }

  /** The next server frame, or null when the connection ended. */
  async next(): Promise<{ fin: boolean; opcode: number; payload: Uint8Array } | null> {
    for (;;) {
      const b = this.#buf;
      if (b.length >= 2) {
        assertEquals(b[1] & 0x80, 0, "server frames are never masked");
        let n = b[1] & 0x7f;
        let at = 2;
        if (n === 126) [n, at] = [(b[2] << 8) | b[3], 4];
        else if (n === 127) [n, at] = [new DataView(b.buffer, b.byteOffset).getUint32(6), 10];
        if (b.length >= at + n) {
          this.#buf = b.slice(at + n);
          return { fin: (b[0] & 0x80) !== 0, opcode: b[0] & 0x0f, payload: b.slice(at, at + n) };
        }
      }
      if (!await this.#fill()) return null;
    }
  }

  /** The close frame's code (after any other frames), and whether the server then closed. */
  async closeCode(): Promise<{ code: number | null; ended: boolean }> {
    let code: number | null = null;
    for (let f = await this.next(); f !== null; f = await this.next()) {
      if (f.opcode === 0x8) {
        code = f.payload.length >= 2 ? (f.payload[0] << 8) | f.payload[1] : null;
        break;
      }
    }
    const ended = (await this.next().catch(() => null)) === null;
    return { code, ended };
  }

  async #fill(): Promise<boolean> {
    const chunk = new Uint8Array(64 * 1024);
    const timeout = setTimeout(() => this.conn.close(), 5000);
    try {
      const n = await this.conn.read(chunk);
      if (n === null) return false;
      const grown = new Uint8Array(this.#buf.length + n);
      grown.set(this.#buf);
      grown.set(chunk.subarray(0, n), this.#buf.length);
      this.#buf = grown;
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timeout);
    }
  }

  close(): void {
    try {
      this.conn.close();
    } catch {
      // closed by the server already
    }
  }
}

function indexOfHeadEnd(b: Uint8Array): number {
  for (let i = 0; i + 3 < b.length; i++) {
    if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i;
  }
  return -1;
}

/** Runs Deno's WebSocket client against `url`: sends `out`, collects as many answers. */
function echoWith(url: string, out: Array<string | Uint8Array>): Promise<{
  got: Array<string | Uint8Array>;
  code: number;
}> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    const got: Array<string | Uint8Array> = [];
    ws.onopen = () => out.forEach((m) => ws.send(m));
    ws.onmessage = (e) => {
      got.push(typeof e.data === "string" ? e.data : new Uint8Array(e.data as ArrayBuffer));
      if (got.length === out.length) ws.close(1000, "done");
    };
    ws.onclose = (e) => resolve({ got, code: e.code });
    ws.onerror = (e) => reject(new Error((e as ErrorEvent).message));
  });
}

Deno.test("Deno's WebSocket client gets text, binary and a 1 MiB message echoed, then closes 1000", async () => {
  await withServer(async (s) => {
    const big = new Uint8Array(1024 * 1024).map((_, i) => i * 7);
    const out = ["héllo ✓ 👋", new Uint8Array([0, 1, 2, 255]), big, "", "x".repeat(70_000)];
    const { got, code } = await echoWith(`ws://127.0.0.1:${s.port}/websocket/echo`, out);
    assertEquals(got, out);
    assertEquals(code, 1000);
  });
});

Deno.test("many messages in a row come back in order, byte for byte", async () => {
  await withServer(async (s) => {
    // Short ASCII (written straight into the cork), non-ASCII text, text and binary around the
    // 126-byte and cork sizes, and frames larger than a cork among them: batches fill corks,
    // seal them and mix with frames of their own.
    const out = Array.from({ length: 2_000 }, (_, i): string | Uint8Array => {
      switch (i % 5) {
        case 0:
          return `message ${i}`;
        case 1:
          return `héllo ✓ ${i}`;
        case 2:
          return "x".repeat(i % 1_500) + i;
        case 3:
          return new Uint8Array(i % 700).fill(i & 0xff);
        default:
          return new Uint8Array(i % 3 === 0 ? 70_000 + i : 126).fill(i & 0x7f);
      }
    });
    const { got } = await echoWith(`ws://127.0.0.1:${s.port}/websocket/echo`, out);
    assertEquals(got, out);
  });
});

Deno.test("a client that stops reading holds the echo back, then gets every byte as sent", async () => {
  await withServer(async (s) => {
    const { ws } = await RawSocket.open(s.port);
    // 16 MB of echo: more than the socket buffers on both sides hold, so the server's writes wait
    // on the client while it keeps parsing; what it queues meanwhile must not touch memory a
    // waiting write still holds.
    const count = 64_000;
    const text = (i: number) => `${i}:${i % 7 === 0 ? "✓" : "a"}` + "bcdefghijk".repeat(25);
    const frames = Array.from({ length: count }, (_, i) => frame(0x1, text(i)));
    const burst = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
    frames.reduce((at, f) => (burst.set(f, at), at + f.length), 0);
    const sizes = frames.map((f) => f.length - 4); // the same frame unmasked, without its key
    const total = sizes.reduce((a, b) => a + b, 0);
    const writing = ws.write(burst);
    await new Promise((r) => setTimeout(r, 300));
    const got = new Uint8Array(total);
    let have = 0;
    while (have < total) {
      const n = await ws.conn.read(got.subarray(have));
      assert(n !== null, `the server closed after ${have} of ${total} bytes`);
      have += n;
    }
    await writing;
    const decoder = new TextDecoder();
    let at = 0;
    for (let i = 0; i < count; i++) {
      const n = got[at + 1] === 126 ? (got[at + 2] << 8) | got[at + 3] : got[at + 1];
      const head = got[at + 1] === 126 ? 4 : 2;
      assertEquals(got[at], 0x81, `frame ${i}`);
      assertEquals(decoder.decode(got.subarray(at + head, at + head + n)), text(i), `frame ${i}`);
      at += head + n;
    }
    ws.close();
  });
});

Deno.test("the handshake answers 101 with the RFC's accept value and Connection: Upgrade", async () => {
  await withServer(async (s) => {
    const { ws, head } = await RawSocket.open(s.port);
    try {
      assert(head.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), head);
      assert(head.includes(`\r\nSec-WebSocket-Accept: ${ACCEPT}`), head);
      assert(/\r\nUpgrade: websocket/i.test(head) && /\r\nConnection: Upgrade/.test(head), head);
      // A fragmented text message (split inside a character) and a ping between its fragments.
      const bytes = new TextEncoder().encode("añb");
      await ws.write(frame(0x1, bytes.subarray(0, 2), { fin: false }));
      await ws.write(frame(0x9, "ping!"));
      await ws.write(frame(0x0, bytes.subarray(2), { fin: true }));
      const pong = await ws.next();
      assertEquals([pong?.opcode, new TextDecoder().decode(pong?.payload)], [0xa, "ping!"]);
      const echo = await ws.next();
      assertEquals([echo?.opcode, new TextDecoder().decode(echo?.payload)], [0x1, "añb"]);
      await ws.write(frame(0x8, new Uint8Array([0x03, 0xe8])));
      assertEquals(await ws.closeCode(), { code: 1000, ended: true });
    } finally {
      ws.close();
    }
  });
});

// RFC 9110 §7.8: "If a server receives both an Upgrade and an Expect header field with the
// 100-continue expectation, the server MUST send a 100 (Continue) response before sending a 101."
Deno.test("a handshake that also expects 100-continue gets the 100 before the 101", async () => {
  await withServer(async (s) => {
    const request = HANDSHAKE.replace("\r\n\r\n", "\r\nExpect: 100-continue\r\n\r\n");
    const { ws, head } = await RawSocket.open(s.port, request);
    try {
      assertEquals(head, "HTTP/1.1 100 Continue");
      const switched = await ws.head();
      assert(switched.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), switched);
      await ws.write(frame(0x1, "after 100"));
      const echo = await ws.next();
      assertEquals([echo?.opcode, new TextDecoder().decode(echo?.payload)], [0x1, "after 100"]);
    } finally {
      ws.close();
    }
  });
});

/** RFC 9110 §15.5.22 and §7.8: a 426 names the protocol, with the upgrade connection option. */
const NEEDS_UPGRADE = [/^upgrade: websocket$/m, /^connection: (.*, )?upgrade$/m];

for (
  const [name, request, status, fields] of [
    ["no Upgrade", HANDSHAKE.replace("Upgrade: websocket\r\n", ""), 426, NEEDS_UPGRADE],
    [
      "no Connection: Upgrade",
      HANDSHAKE.replace("Connection: Upgrade\r\n", ""),
      426,
      NEEDS_UPGRADE,
    ],
    // §7.8: an Upgrade field in an HTTP/1.0 request is ignored, so this is a plain GET.
    ["HTTP/1.0", HANDSHAKE.replace("HTTP/1.1", "HTTP/1.0"), 426, NEEDS_UPGRADE],
    // RFC 9110 §9.1 and RFC 6455 §4.1: a HEAD is answered as a GET without the upgrade.
    ["HEAD", HANDSHAKE.replace(/^GET /, "HEAD "), 426, NEEDS_UPGRADE],
    [
      "version 8",
      HANDSHAKE.replace("Version: 13", "Version: 8"),
      426,
      [...NEEDS_UPGRADE, /^sec-websocket-version: 13$/m],
    ],
    // RFC 6455 §11.3.5 and RFC 9110 §5.3: two lines are the list "13, 8", as on one line.
    [
      "versions 13 and 8 on two lines",
      HANDSHAKE.replace("Version: 13\r\n", "Version: 13\r\nSec-WebSocket-Version: 8\r\n"),
      426,
      [...NEEDS_UPGRADE, /^sec-websocket-version: 13$/m],
    ],
    // RFC 9110 §5.3: Upgrade on two lines is the list "h2c, websocket", as on one line.
    [
      "Upgrade on two lines",
      HANDSHAKE.replace("Upgrade: websocket\r\n", "Upgrade: h2c\r\nUpgrade: websocket\r\n"),
      101,
      [/^upgrade: websocket$/m],
    ],
    ["a short key", HANDSHAKE.replace(KEY, "c2hvcnQ="), 400, []],
    ["no key", HANDSHAKE.replace(`Sec-WebSocket-Key: ${KEY}\r\n`, ""), 400, []],
  ] as const
) {
  Deno.test(`a handshake with ${name} gets ${status}`, async () => {
    await withServer(async (s) => {
      const { ws, head } = await RawSocket.open(s.port, request);
      try {
        assert(head.startsWith(`HTTP/1.1 ${status} `), head);
        const lines = head.toLowerCase().replaceAll("\r\n", "\n");
        for (const field of fields) assert(field.test(lines), `${field} in:\n${head}`);
      } finally {
        ws.close();
      }
    });
  });
}

const FAULTS: Array<[string, Uint8Array, number]> = [
  ["an unmasked client frame", frame(0x1, "hi", { mask: false }), 1002],
  ["a control frame over 125 bytes", frame(0x9, new Uint8Array(126)), 1002],
  ["a fragmented control frame", frame(0x9, "x", { fin: false }), 1002],
  ["a reserved bit", frame(0x1, "hi", { rsv: 0x40 }), 1002],
  ["an unknown opcode", frame(0x3, "hi"), 1002],
  ["a continuation with nothing to continue", frame(0x0, "hi"), 1002],
  ["invalid UTF-8 in a text message", frame(0x1, new Uint8Array([0x68, 0xc3, 0x28])), 1007],
  ["a close code that may not be sent", frame(0x8, new Uint8Array([0x03, 0xed])), 1002],
];

for (const [name, bytes, code] of FAULTS) {
  Deno.test(`${name} ends the session with close ${code}`, async () => {
    await withServer(async (s) => {
      const { ws } = await RawSocket.open(s.port);
      try {
        await ws.write(bytes);
        assertEquals(await ws.closeCode(), { code, ended: true });
      } finally {
        ws.close();
      }
    });
  });
}

Deno.test("a client still sending a message past max_message_size reads the 1009, not a reset", async () => {
  await withServer(async (s) => {
    // RFC 6455 §7.1.7: the server fails the session while most of the 1 MB is still on its way.
    // Closed at once over that unread data, the socket would be reset and the close frame lost
    // (the client sees 1006); the server lingers over it, so the client reads its 1009.
    for (let i = 0; i < 3; i++) {
      const closed = await new Promise<{ code: number; reason: string }>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${s.port}/websocket/echo?max_message_size=1000`);
        ws.onopen = () => ws.send("x".repeat(1_000_000));
        const timer = setTimeout(() => reject(new Error("no close within 10 s")), 10_000);
        ws.onclose = (e) => {
          clearTimeout(timer);
          resolve({ code: e.code, reason: e.reason });
        };
        ws.onerror = () => {}; // a reset is reported as a close with 1006 as well
      });
      assertEquals(closed, { code: 1009, reason: "message too big" });
    }
  });
});

Deno.test("a message past max_message_size gets close 1009; max_fragment_size cuts answers", async () => {
  await withServer(async (s) => {
    const handshake = HANDSHAKE.replace("/websocket/echo", "/websocket/echo?max_message_size=10");
    const { ws } = await RawSocket.open(s.port, handshake);
    try {
      await ws.write(frame(0x2, new Uint8Array(11)));
      assertEquals(await ws.closeCode(), { code: 1009, ended: true });
    } finally {
      ws.close();
    }
    const cut = HANDSHAKE.replace("/websocket/echo", "/websocket/echo?max_fragment_size=4");
    const second = await RawSocket.open(s.port, cut);
    try {
      await second.ws.write(frame(0x1, "0123456789"));
      const frames = [await second.ws.next(), await second.ws.next(), await second.ws.next()];
      assertEquals(frames.map((f) => [f?.opcode, f?.fin, f?.payload.length]), [
        [0x1, false, 4],
        [0x0, false, 4],
        [0x0, true, 2],
      ]);
    } finally {
      second.ws.close();
    }
    const bad = await fetch(`http://127.0.0.1:${s.port}/websocket/echo?max_message_size=0`);
    assertEquals(bad.status, 400);
    await bad.body?.cancel();
    // go-httpbin: fragments larger than the messages they cut are refused.
    const query = "max_fragment_size=3&max_message_size=2";
    const crossed = await fetch(`http://127.0.0.1:${s.port}/websocket/echo?${query}`);
    assertEquals(crossed.status, 400);
    await crossed.body?.cancel();
  });
});

Deno.test("a message cut into more than MAX_FRAGMENTS frames ends the session with close 1009", async () => {
  // Empty continuation frames add nothing to a message's size: their number has a limit of its own.
  await withServer(async (s) => {
    const { ws } = await RawSocket.open(s.port);
    try {
      const empty = frame(0x0, "", { fin: false });
      const burst = new Uint8Array(empty.length * 4096);
      for (let i = 0; i < 4096; i++) burst.set(empty, i * empty.length);
      await ws.write(frame(0x1, "a", { fin: false }));
      for (let sent = 1; sent <= MAX_FRAGMENTS; sent += 4096) await ws.write(burst);
      assertEquals(await ws.closeCode(), { code: 1009, ended: true });
    } finally {
      ws.close();
    }
  });
});

Deno.test("a text message of 3,000 one-byte fragments arrives whole", async () => {
  await withServer(async (s) => {
    const { ws } = await RawSocket.open(s.port);
    try {
      const text = "é".repeat(750) + "x".repeat(1500); // 2-byte characters cut between fragments
      const bytes = new TextEncoder().encode(text);
      for (let i = 0; i < bytes.length; i++) {
        await ws.write(frame(i === 0 ? 0x1 : 0x0, bytes.subarray(i, i + 1), {
          fin: i === bytes.length - 1,
        }));
      }
      const echo = await ws.next();
      assertEquals([echo?.opcode, new TextDecoder().decode(echo?.payload)], [0x1, text]);
    } finally {
      ws.close();
    }
  });
});

Deno.test("large frames in flight share the held-body budget as their bytes come: past it a session ends with 1013", async () => {
  // Each session announces a 16 MiB binary frame. The server charges its buffer to
  // HELD_BODY_BUDGET_BYTES (64 MiB for the whole server, however many workers share it) as the
  // payload comes, not as announced: headers alone hold next to nothing (four of them, charged
  // at once, once denied every other large message and body), four whole frames hold it all.
  const big = HANDSHAKE.replace("/websocket/echo", "/websocket/echo?max_message_size=16777216");
  const header = new Uint8Array(14);
  header[0] = 0x82; // FIN, binary
  header[1] = 0x80 | 127; // masked, 64-bit length
  new DataView(header.buffer).setBigUint64(2, 16n * 1024n * 1024n);
  /** The header and the first `bytes` of the payload (mask key 0: the payload goes as it is). */
  const frameStart = (bytes: number) => {
    const start = new Uint8Array(14 + bytes);
    start.set(header);
    return start;
  };
  const few = frameStart(64 * 1024);
  const most = frameStart(16 * 1024 * 1024 - 1);
  let port = 0;
  /**
   * Opens a session, sends `start`; its close code, or null while it stays open for `openMs`. A
   * session that must be refused is given long (a loaded CI machine can take more than a few
   * hundred ms to answer); one that must stay open costs the whole wait, so short.
   */
  const begin = async (sessions: RawSocket[], start: Uint8Array, openMs = 300) => {
    const { ws, head } = await RawSocket.open(port, big);
    sessions.push(ws);
    assert(head.startsWith("HTTP/1.1 101 "), head);
    const closed = ws.closeCode().catch(() => ({ code: null, ended: true }));
    // A session refused mid-frame is closed under the write: its close frame says why.
    await ws.write(start).catch(() => {});
    let timer: ReturnType<typeof setTimeout> | undefined;
    const open = new Promise<null>((r) => timer = setTimeout(() => r(null), openMs));
    const outcome = await Promise.race([closed, open]);
    clearTimeout(timer);
    return outcome;
  };
  const closeAll = async (s: { connectionCount(): number }, sessions: RawSocket[]) => {
    // The server learns of the closes when it reads them (with workers, on other threads): wait
    // until it holds no connection rather than a fixed time.
    for (const ws of sessions.splice(0)) ws.close();
    for (let i = 0; i < 250 && s.connectionCount() > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await withServer(async (s) => {
    port = s.port;
    const sessions: RawSocket[] = [];
    try {
      // Eight headers and their first 64 KiB: all stay open, and a message still echoes.
      for (let i = 0; i < 8; i++) assertEquals(await begin(sessions, few), null, `header ${i + 1}`);
      const { ws: other } = await RawSocket.open(port, big);
      sessions.push(other);
      const message = new Uint8Array(14 + 1024 * 1024);
      message[0] = 0x82;
      message[1] = 0x80 | 127;
      new DataView(message.buffer).setBigUint64(2, 1024n * 1024n);
      await other.write(message);
      let echoed = 0;
      for (let f = await other.next(); f !== null; f = await other.next()) {
        assertEquals(f.opcode === 0x8, false, "not closed (1013) for a budget held by headers");
        echoed += f.payload.length;
        if (f.fin) break;
      }
      assertEquals(echoed, 1024 * 1024);
      await closeAll(s, sessions);

      // Four frames sent all but whole hold the budget: the fifth is refused as it grows.
      let refused = -1;
      for (let i = 0; i <= 4 && refused < 0; i++) {
        const closed = await begin(sessions, most, i === 4 ? 5000 : 300);
        if (closed !== null) {
          assertEquals(closed, { code: 1013, ended: true });
          refused = i;
        }
      }
      assertEquals(refused, 4, `refused at session ${refused + 1}`);
      // Sessions that end give their shares back: a new one fits again.
      await closeAll(s, sessions);
      assertEquals(await begin(sessions, most), null, "the budget was given back");
    } finally {
      for (const ws of sessions) ws.close();
    }
  });
});
