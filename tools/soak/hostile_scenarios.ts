/**
 * The hostile run's scenarios (`hostile.ts` runs them): what each attacking client does, whether
 * a probe may meanwhile be refused, and whether the server's clocks must close its connections
 * before the hold ends.
 *
 * This module must not sample the server or judge it.
 * @module
 */

import type { HostileOptions } from "./hostile.ts";

/** The server's default idle and head clocks (docs/limits.md), and room for a busy machine. */
export const IDLE_CLOCK_S = 5;
export const HEAD_CLOCK_S = 10;
export const CLOCK_SLACK_S = 3;
/** Bytes a slow reader takes each second. */
const SLOW_READ_BYTES = 16 * 1024;
/** Pause between a slowloris client's bytes, and a slow reader's reads. */
const DRIP_EVERY_MS = 1000;
const encoder = new TextEncoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The file the readers fetch (made by the soak's fixture in hostile mode). */
export const HOSTILE_FILE = { name: "huge.bin", bytes: 64 * 1024 * 1024 };

/** A scenario: opens its connections, holds them while `hold` runs, then lets them go. */
export interface Scenario {
  name: string;
  /** Seconds from the start of the hold during which a probe may be refused (503); 0: never. */
  refusedForS: number;
  /** Whether the server's clocks must have closed every connection before the hold ends. */
  closedByClocks: boolean;
  run(port: number, opts: HostileOptions, hold: () => Promise<void>): Promise<void>;
}

/** The scenarios against plain HTTP, in the order they run. */
export const SCENARIOS: Scenario[] = [
  {
    name: "idle connections past the limit",
    // Until the idle clock closes them there is no room, and none may be pushed out.
    refusedForS: IDLE_CLOCK_S + CLOCK_SLACK_S,
    closedByClocks: true,
    run: (port, opts, hold) => holdOpen(openMany(port, opts.flood), hold),
  },
  {
    name: "kept-alive connections past the limit",
    refusedForS: 0, // each newcomer pushes out the oldest kept-alive one
    closedByClocks: true,
    run: (port, opts, hold) =>
      holdOpen(openMany(port, opts.flood, "GET /echo/kept HTTP/1.1\r\nHost: h\r\n\r\n"), hold),
  },
  {
    name: "slowloris heads, a byte a second",
    refusedForS: 0,
    closedByClocks: true, // the head clock
    async run(port, opts, hold) {
      const conns = await openMany(port, opts.crowd, "GET /files/s0.txt HTTP/1.1\r\n");
      let dripping = true;
      const drip = (async () => {
        for (let i = 0; dripping; i++) {
          const byte = encoder.encode(i % 2 === 0 ? "X" : "-");
          for (const c of conns) c.write(byte).catch(() => {});
          await sleep(DRIP_EVERY_MS);
        }
      })();
      try {
        await hold();
      } finally {
        dripping = false;
        await drip;
        closeAll(conns);
      }
    },
  },
  {
    name: "slow readers of the 64 MiB file",
    refusedForS: 0,
    closedByClocks: false,
    async run(port, opts, hold) {
      const conns = await openMany(port, opts.readers, fileRequest());
      let reading = true;
      const buf = new Uint8Array(SLOW_READ_BYTES);
      const readers = conns.map(async (c) => {
        while (reading && await c.read(buf).catch(() => null) !== null) await sleep(DRIP_EVERY_MS);
      });
      try {
        await hold();
      } finally {
        reading = false;
        closeAll(conns);
        await Promise.all(readers);
      }
    },
  },
  {
    name: "readers of the 64 MiB file that never read",
    refusedForS: 0,
    closedByClocks: false,
    run: (port, opts, hold) => holdOpen(openMany(port, opts.readers, fileRequest()), hold),
  },
  {
    name: "half-closed: FIN mid-head, or FIN and never read the answer",
    refusedForS: 0,
    closedByClocks: false,
    async run(port, opts, hold) {
      const half = Math.ceil(opts.crowd / 2);
      const cut = await openMany(port, half, "GET /files/s0.txt HTTP/1.1\r\nHo");
      const unread = await openMany(port, half, fileRequest());
      await sleep(200);
      for (const c of [...cut, ...unread]) c.closeWrite().catch(() => {});
      try {
        await hold();
      } finally {
        closeAll([...cut, ...unread]);
      }
    },
  },
  {
    name: "upload bodies stalled half-way",
    refusedForS: 0,
    closedByClocks: false,
    run: (port, opts, hold) => holdOpen(openMany(port, opts.crowd, STALLED_UPLOAD), hold),
  },
];

/** With HTTPS: what a client can do before TLS gives the server anything to parse. */
export const TLS_SCENARIOS: Scenario[] = [
  {
    name: "TCP connections that never start the TLS handshake",
    refusedForS: IDLE_CLOCK_S + CLOCK_SLACK_S,
    closedByClocks: true,
    run: (port, opts, hold) => holdOpen(openMany(port, opts.flood), hold),
  },
  {
    name: "TLS handshakes stalled after a record header",
    refusedForS: 0,
    closedByClocks: true,
    async run(port, opts, hold) {
      // A handshake record (RFC 8446 §5.1) announcing 200 bytes, none of which follow.
      const header = String.fromCharCode(0x16, 0x03, 0x01, 0x00, 0xc8);
      const conns = await openMany(port, opts.crowd, header);
      try {
        await hold();
      } finally {
        closeAll(conns);
      }
    },
  },
];

function fileRequest(): string {
  return `GET /files/${HOSTILE_FILE.name} HTTP/1.1\r\nHost: h\r\n\r\n`;
}

/** Opens up to `n` connections (fewer when connecting starts to fail), each sent `first`. */
export async function openMany(port: number, n: number, first?: string): Promise<Deno.TcpConn[]> {
  const conns: Deno.TcpConn[] = [];
  for (let i = 0; i < n; i++) {
    try {
      const c = await Deno.connect({ hostname: "127.0.0.1", port });
      conns.push(c);
      if (first !== undefined) c.write(encoder.encode(first)).catch(() => {});
    } catch {
      break; // the backlog is full or we are out of descriptors: the attack is as big as it gets
    }
  }
  return conns;
}

/** Opens connections (`opening`), keeps them for the hold, then closes them. */
async function holdOpen(opening: Promise<Deno.Conn[]>, hold: () => Promise<void>): Promise<void> {
  const conns = await opening;
  try {
    await hold();
  } finally {
    closeAll(conns);
  }
}

/** A PUT that announces 64 KiB and stops half-way. */
const STALLED_UPLOAD =
  "PUT /files/up/stalled.bin HTTP/1.1\r\nHost: h\r\nContent-Length: 65536\r\n\r\n" +
  "z".repeat(32 * 1024);

export function closeAll(conns: Deno.Conn[]): void {
  for (const c of conns) {
    try {
      c.close();
    } catch {
      // the server closed it first
    }
  }
}
