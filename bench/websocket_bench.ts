/**
 * WebSocket echo throughput (issue 19): wireserve's `/websocket/echo` against Deno.serve with
 * `Deno.upgradeWebSocket` (bench/baseline_websocket.ts), started side by side in the same run.
 * A raw-frame client (pre-masked frames, so the client costs little and the same for both) keeps
 * `WINDOW` messages in flight on each of `CONNECTIONS` connections and counts echoes for a fixed
 * time. Two message sizes: 32-byte text (per-message cost) and 64 KiB binary (bytes). Rounds
 * alternate the servers; the ratio is the median of the per-round ratios.
 *
 * Target: ≥ 0.8× the baseline. Run: `deno task bench:websocket [--rounds 3] [--seconds 5]`;
 * writes bench/results/websocket.md.
 * @module
 */

import { parseArgs } from "node:util";
import { type RunningServer, startServer, wireserveSpec } from "./servers.ts";

const REPO_ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname);
const RESULTS_FILE = decodeURIComponent(new URL("results/websocket.md", import.meta.url).pathname);
const CONNECTIONS = 8;
const TARGET = 0.8;
const KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const SIZES = [
  { name: "32 B text, 1 in flight", bytes: 32, opcode: 0x1, window: 1 },
  { name: "32 B text", bytes: 32, opcode: 0x1, window: 64 },
  { name: "64 KiB binary", bytes: 64 * 1024, opcode: 0x2, window: 4 },
];

/** `count` masked client frames of `bytes` payload bytes each, in one buffer. */
function frames(opcode: number, bytes: number, count: number): Uint8Array {
  const ext = bytes < 126 ? 0 : bytes <= 0xffff ? 2 : 8;
  const size = 2 + ext + 4 + bytes;
  const out = new Uint8Array(size * count);
  for (let f = 0; f < count; f++) {
    const at = f * size;
    out[at] = 0x80 | opcode;
    out[at + 1] = 0x80 | (ext === 0 ? bytes : ext === 2 ? 126 : 127);
    if (ext === 2) new DataView(out.buffer).setUint16(at + 2, bytes);
    if (ext === 8) new DataView(out.buffer).setUint32(at + 6, bytes);
    out.set([1, 2, 3, 4], at + 2 + ext);
    for (let i = 0; i < bytes; i++) out[at + 6 + ext + i] = (0x61 + (i % 26)) ^ [1, 2, 3, 4][i & 3];
  }
  return out;
}

/** Opens a WebSocket by hand; resolves to the connection and any bytes past the 101 head. */
async function open(port: number): Promise<{ conn: Deno.TcpConn; rest: Uint8Array }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const head = `GET /websocket/echo HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\n` +
    `Connection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
  await conn.write(new TextEncoder().encode(head));
  let buf = new Uint8Array(0);
  const chunk = new Uint8Array(4096);
  for (;;) {
    const n = await conn.read(chunk);
    if (n === null) throw new Error("closed during the handshake");
    buf = concat(buf, chunk.subarray(0, n));
    const text = new TextDecoder().decode(buf);
    const end = text.indexOf("\r\n\r\n");
    if (end >= 0) {
      if (!text.startsWith("HTTP/1.1 101")) throw new Error(`handshake: ${text.slice(0, 40)}`);
      return { conn, rest: buf.slice(end + 4) };
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Echoes on one connection until `until`; resolves to the messages echoed. */
async function drive(port: number, size: typeof SIZES[number], until: number): Promise<number> {
  const { conn, rest } = await open(port);
  const batch = frames(size.opcode, size.bytes, size.window);
  const buf = new Uint8Array(4 * 1024 * 1024);
  let have = rest.length;
  buf.set(rest);
  let echoed = 0;
  try {
    while (performance.now() < until) {
      await conn.write(batch).then(async (n) => {
        for (let at = n; at < batch.length;) at += await conn.write(batch.subarray(at));
      });
      // Read until `window` whole frames are back (server frames: unmasked).
      let frames = 0;
      let at = 0;
      while (frames < size.window) {
        while (have - at >= 2) {
          const l7 = buf[at + 1] & 0x7f;
          const hdr = l7 < 126 ? 2 : l7 === 126 ? 4 : 10;
          if (have - at < hdr) break;
          const len = l7 < 126 ? l7 : l7 === 126 ? (buf[at + 2] << 8) | buf[at + 3] : new DataView(
            buf.buffer,
          ).getUint32(at + 6);
          if (have - at < hdr + len) break;
          if ((buf[at] & 0x80) !== 0) frames++;
          at += hdr + len;
        }
        if (frames >= size.window) break;
        buf.copyWithin(0, at, have);
        have -= at;
        at = 0;
        const n = await conn.read(buf.subarray(have));
        if (n === null) throw new Error("server closed");
        have += n;
      }
      buf.copyWithin(0, at, have);
      have -= at;
      echoed += frames;
    }
  } finally {
    conn.close();
  }
  return echoed;
}

async function measure(port: number, size: typeof SIZES[number], seconds: number) {
  const started = performance.now();
  const until = started + seconds * 1000;
  const counts = await Promise.all(
    Array.from({ length: CONNECTIONS }, () => drive(port, size, until)),
  );
  const total = counts.reduce((a, b) => a + b, 0);
  return total / ((performance.now() - started) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs the benchmark; resolves to the markdown report. */
export async function runWebSocketBench(rounds: number, seconds: number): Promise<string> {
  const servers: RunningServer[] = [];
  try {
    servers.push(await startServer(wireserveSpec(), REPO_ROOT));
    servers.push(
      await startServer({
        name: "Deno.upgradeWebSocket",
        denoArgs: ["run", "-A", "bench/baseline_websocket.ts", "--port", "{port}"],
      }, REPO_ROOT),
    );
    const rows: string[] = [];
    let allMet = true;
    for (const size of SIZES) {
      const ours: number[] = [];
      const base: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? servers : [...servers].reverse();
        for (const s of order) {
          console.error(`bench: websocket ${size.name}, ${s.name}, round ${r + 1}`);
          (s === servers[0] ? ours : base).push(await measure(s.port, size, seconds));
        }
      }
      const ratios = ours.map((o, i) => o / base[i]);
      const ratio = median(ratios);
      allMet &&= ratio >= TARGET;
      const k = (x: number) => (x / 1000).toFixed(1);
      rows.push(
        `| ${size.name} | ${ours.map(k).join(", ")} | ${base.map(k).join(", ")} | ${
          ratios.map((x) => x.toFixed(2)).join(", ")
        } | **${ratio.toFixed(2)}×** ${ratio >= TARGET ? "met" : "NOT met"} |`,
      );
    }
    return [
      "# WebSocket echo benchmark",
      "",
      `${
        new Date().toISOString()
      } · deno ${Deno.version.deno} · ${navigator.hardwareConcurrency} CPUs · load ${
        Deno.loadavg().map((l) => l.toFixed(2)).join(" ")
      } · ${rounds} round(s) of ${seconds} s · ${CONNECTIONS} connections`,
      "",
      "| messages | wireserve (k msg/s per round) | Deno.upgradeWebSocket | ratio per round | median (target ≥ 0.8×) |",
      "|---|---|---|---|---|",
      ...rows,
      "",
      allMet ? "Target met in every row." : "Target NOT met in every row (see the medians).",
      "",
      `Command: \`deno task bench:websocket --rounds ${rounds} --seconds ${seconds}\``,
      "",
    ].join("\n");
  } finally {
    for (const s of servers) await s.stop();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rounds: { type: "string", default: "3" },
      seconds: { type: "string", default: "5" },
    },
  });
  const report = await runWebSocketBench(Number(values.rounds), Number(values.seconds));
  await Deno.writeTextFile(RESULTS_FILE, report);
  console.log(report);
}
