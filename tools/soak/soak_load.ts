/**
 * The soak's mixed load: each client loop picks one action at a time, by weight — downloads
 * (small cached files, a large file whole, by range or only its head, a `Connection: close`
 * GET), uploads (raw, chunked, multipart, tus in two PATCHes), WebDAV (PROPFIND, LOCK/UNLOCK,
 * COPY, MOVE, DELETE), echo, /anything and /inspect, slow answers (/drip, /delay), WebSocket echo
 * sessions, ten pipelined GETs on one raw connection, and clients that vanish mid-download,
 * mid-upload (raw, chunked, multipart) or mid-WebSocket-message. Uploads go to a fixed set of
 * names, so the disk holds a bounded amount however long it runs.
 *
 * This module must not start the server or sample it.
 * @module
 */

import {
  HALF_A_FRAME,
  rawExchange,
  readToEnd,
  WEBSOCKET_HANDSHAKE,
  websocketSession,
  writeAll,
} from "./raw_client.ts";

/** Counters the loops update. */
export interface LoadCounts {
  requests: number;
  /** Answers with a status the action did not expect, by "action status". */
  unexpected: Record<string, number>;
  /** Client-side errors of actions that were not meant to fail, by action. */
  errors: Record<string, number>;
  /** 5xx answers other than 503/507. */
  serverErrors: number;
  /** Actions completed, by name (a test checks that each one ran). */
  done?: Record<string, number>;
  /** Time spent in completed actions, by name, in ms (with `done`: the mean latency). */
  ms?: Record<string, number>;
}

/** The fixture the load expects under the shared folder. */
export const SOAK_FILES = {
  smallCount: 20,
  smallBytes: 4 * 1024,
  largeBytes: 16 * 1024 * 1024,
  uploadBytes: 1024 * 1024,
};
/** Distinct upload names: the disk holds at most this many uploaded files. */
const UPLOAD_NAMES = 16;
const PIPELINE_DEPTH = 10;
/** /drip: this many bytes over this long; /delay: this long (slow answers hold a connection). */
const DRIP_BYTES = 64;
const DRIP_SECONDS = 0.5;
const DELAY_SECONDS = 0.2;
const INSPECT_BODY_BYTES = 4096;
const READ_CHUNK_BYTES = 64 * 1024;
const RANGE_BYTES = 256 * 1024;
const encoder = new TextEncoder();

type Action = (base: string, port: number, n: number, counts: LoadCounts) => Promise<void>;

async function expect(
  counts: LoadCounts,
  name: string,
  res: Response,
  ok: number[],
): Promise<void> {
  counts.requests++;
  await res.body?.cancel();
  if (res.status >= 500 && res.status !== 503 && res.status !== 507) counts.serverErrors++;
  if (!ok.includes(res.status)) {
    const key = `${name} ${res.status}`;
    counts.unexpected[key] = (counts.unexpected[key] ?? 0) + 1;
  }
}

async function drain(counts: LoadCounts, name: string, res: Response, ok: number[]) {
  counts.requests++;
  if (res.body) { for await (const _ of res.body) { /* read it all */ } }
  if (res.status >= 500 && res.status !== 503 && res.status !== 507) counts.serverErrors++;
  if (!ok.includes(res.status)) {
    const key = `${name} ${res.status}`;
    counts.unexpected[key] = (counts.unexpected[key] ?? 0) + 1;
  }
}

const ACTIONS: Array<[number, string, Action]> = [
  [20, "small", async (b, _p, n, c) => {
    await drain(c, "small", await fetch(`${b}/files/s${n % SOAK_FILES.smallCount}.txt`), [200]);
  }],
  [5, "large", async (b, _p, _n, c) => {
    await drain(c, "large", await fetch(`${b}/files/large.bin`), [200]);
  }],
  [8, "range", async (b, _p, n, c) => {
    const from = (n * RANGE_BYTES) % (SOAK_FILES.largeBytes - RANGE_BYTES);
    const res = await fetch(`${b}/files/large.bin`, {
      headers: { Range: `bytes=${from}-${from + RANGE_BYTES - 1}` },
    });
    await drain(c, "range", res, [206]);
  }],
  [6, "put", async (b, _p, n, c) => {
    const res = await fetch(`${b}/files/up/p${n % UPLOAD_NAMES}.bin`, {
      method: "PUT",
      body: new Uint8Array(SOAK_FILES.uploadBytes).fill(n & 0xff),
    });
    await expect(c, "put", res, [201, 204, 423]);
  }],
  [4, "chunked", async (b, _p, n, c) => {
    const body = new ReadableStream<Uint8Array>({
      start(ctl) {
        for (let i = 0; i < 16; i++) ctl.enqueue(new Uint8Array(SOAK_FILES.uploadBytes / 16));
        ctl.close();
      },
    });
    const res = await fetch(`${b}/files/up/c${n % UPLOAD_NAMES}.bin`, { method: "PUT", body });
    await expect(c, "chunked", res, [201, 204, 423]);
  }],
  [4, "multipart", async (b, _p, n, c) => {
    const form = new FormData();
    form.append(
      "file",
      new Blob([new Uint8Array(SOAK_FILES.uploadBytes / 4)]),
      `m${n % UPLOAD_NAMES}.bin`,
    );
    await expect(c, "multipart", await fetch(`${b}/files/up/`, { method: "POST", body: form }), [
      201,
      423,
    ]);
  }],
  [3, "tus", async (b, _p, n, c) => {
    const half = SOAK_FILES.uploadBytes / 2;
    const made = await fetch(`${b}/files/up/`, {
      method: "POST",
      headers: {
        "Tus-Resumable": "1.0.0",
        "Upload-Length": String(2 * half),
        "Upload-Metadata": `filename ${btoa(`t${n % UPLOAD_NAMES}.bin`)}`,
      },
    });
    await expect(c, "tus-create", made, [201]);
    const location = made.headers.get("location");
    if (location === null) return;
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${b}${location}`, {
        method: "PATCH",
        headers: {
          "Tus-Resumable": "1.0.0",
          "Upload-Offset": String(i * half),
          "Content-Type": "application/offset+octet-stream",
        },
        body: new Uint8Array(half),
      });
      await expect(c, "tus-patch", res, [204, 423]);
    }
  }],
  [6, "propfind", async (b, _p, _n, c) => {
    const res = await fetch(`${b}/files/`, { method: "PROPFIND", headers: { Depth: "1" } });
    await drain(c, "propfind", res, [207]);
  }],
  [3, "lock", async (b, _p, n, c) => {
    const path = `${b}/files/up/lock${n % UPLOAD_NAMES}.txt`;
    const body = `<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/>` +
      `</D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>`;
    const locked = await fetch(path, { method: "LOCK", body, headers: { Timeout: "Second-30" } });
    await drain(c, "lock", locked, [200, 201, 423]);
    const token = locked.headers.get("lock-token");
    if (token === null) return;
    await expect(
      c,
      "unlock",
      await fetch(path, { method: "UNLOCK", headers: { "Lock-Token": token } }),
      [
        204,
        409,
      ],
    );
  }],
  [3, "copy-move-delete", async (b, _p, n, c) => {
    const name = `up/cm${n % UPLOAD_NAMES}`;
    const copy = await fetch(`${b}/files/s0.txt`, {
      method: "COPY",
      headers: { Destination: `${b}/files/${name}.a` },
    });
    await expect(c, "copy", copy, [201, 204, 404, 409, 423]);
    const move = await fetch(`${b}/files/${name}.a`, {
      method: "MOVE",
      headers: { Destination: `${b}/files/${name}.b` },
    });
    await expect(c, "move", move, [201, 204, 404, 409, 423]);
    await expect(c, "delete", await fetch(`${b}/files/${name}.b`, { method: "DELETE" }), [
      204,
      404,
      423,
    ]);
  }],
  [10, "echo", async (b, _p, n, c) => {
    await drain(c, "echo", await fetch(`${b}/echo/soak-${n}`), [200]);
  }],
  [5, "anything", async (b, _p, n, c) => {
    const res = await fetch(`${b}/anything/soak?n=${n}`, {
      method: "POST",
      body: "x".repeat(4096),
    });
    await drain(c, "anything", res, [200]);
  }],
  [8, "pipeline", async (_b, port, n, c) => {
    let batch = "";
    for (let i = 0; i < PIPELINE_DEPTH; i++) {
      batch += `GET /files/s${(n + i) % SOAK_FILES.smallCount}.txt HTTP/1.1\r\nHost: soak\r\n` +
        (i === PIPELINE_DEPTH - 1 ? "Connection: close\r\n" : "") + "\r\n";
    }
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      await writeAll(conn, encoder.encode(batch));
      const text = new TextDecoder().decode(await readToEnd(conn));
      // Bodies end without a newline: count status lines anywhere, not at line starts.
      const answered = text.match(/HTTP\/1\.1 200 /g)?.length ?? 0;
      c.requests += PIPELINE_DEPTH;
      if (answered !== PIPELINE_DEPTH) {
        c.unexpected[`pipeline ${answered}/${PIPELINE_DEPTH}`] =
          (c.unexpected[`pipeline ${answered}/${PIPELINE_DEPTH}`] ?? 0) + 1;
      }
    } finally {
      conn.close();
    }
  }],
  [3, "head", async (b, _p, _n, c) => {
    await expect(c, "head", await fetch(`${b}/files/large.bin`, { method: "HEAD" }), [200]);
  }],
  [4, "close", async (_b, port, n, c) => {
    // fetch may not send `Connection: close` itself: a raw request, read to the server's close.
    const path = `/files/s${n % SOAK_FILES.smallCount}.txt`;
    const text = await rawExchange(
      port,
      `GET ${path} HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n\r\n`,
    );
    count(c, "close", text.startsWith("HTTP/1.1 200 ") ? 200 : 0, [200]);
  }],
  [4, "inspect", async (b, _p, n, c) => {
    const res = await fetch(`${b}/inspect/soak?n=${n}`, {
      method: "POST",
      body: "i".repeat(INSPECT_BODY_BYTES),
    });
    await drain(c, "inspect", res, [200]);
  }],
  [2, "drip", async (b, _p, _n, c) => {
    const res = await fetch(`${b}/drip?numbytes=${DRIP_BYTES}&duration=${DRIP_SECONDS}&delay=0`);
    await drain(c, "drip", res, [200]);
  }],
  [2, "delay", async (b, _p, _n, c) => {
    await drain(c, "delay", await fetch(`${b}/delay/${DELAY_SECONDS}`), [200]);
  }],
  [3, "websocket", async (_b, port, n, c) => {
    await websocketSession(port, n);
    count(c, "websocket", 101, [101]);
  }],
  [2, "abort-websocket", async (_b, port, _n, c) => {
    // A handshake, then half a frame, then gone: no close frame, no FIN of the message.
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      await writeAll(conn, encoder.encode(WEBSOCKET_HANDSHAKE));
      await conn.read(new Uint8Array(READ_CHUNK_BYTES));
      await writeAll(conn, HALF_A_FRAME);
    } finally {
      conn.close();
    }
    c.requests++;
  }],
  [4, "abort-download", async (_b, port, _n, c) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await writeAll(conn, encoder.encode("GET /files/large.bin HTTP/1.1\r\nHost: soak\r\n\r\n"));
    await conn.read(new Uint8Array(READ_CHUNK_BYTES)); // the first bytes, then vanish
    conn.close();
    c.requests++;
  }],
  [4, "abort-upload", async (_b, port, n, c) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const head = `PUT /files/up/a${n % UPLOAD_NAMES}.bin HTTP/1.1\r\nHost: soak\r\n` +
      `Content-Length: ${SOAK_FILES.uploadBytes}\r\n\r\n`;
    await writeAll(conn, encoder.encode(head));
    await writeAll(conn, new Uint8Array(SOAK_FILES.uploadBytes / 2));
    conn.close(); // half the body: the temp file must go, the old file stay
    c.requests++;
  }],
  [2, "abort-chunked", async (_b, port, n, c) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      const head = `PUT /files/up/ac${n % UPLOAD_NAMES}.bin HTTP/1.1\r\nHost: soak\r\n` +
        `Transfer-Encoding: chunked\r\n\r\n`;
      await writeAll(conn, encoder.encode(head));
      for (let i = 0; i < 4; i++) {
        await writeAll(conn, encoder.encode(`${READ_CHUNK_BYTES.toString(16)}\r\n`));
        await writeAll(conn, new Uint8Array(READ_CHUNK_BYTES));
        await writeAll(conn, encoder.encode("\r\n"));
      }
    } finally {
      conn.close(); // no last chunk: the temp file must go
    }
    c.requests++;
  }],
  [2, "abort-multipart", async (_b, port, n, c) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      const part = `--soak\r\nContent-Disposition: form-data; name="file"; ` +
        `filename="am${n % UPLOAD_NAMES}.bin"\r\n\r\n`;
      const head = `POST /files/up/ HTTP/1.1\r\nHost: soak\r\n` +
        `Content-Type: multipart/form-data; boundary=soak\r\n` +
        `Content-Length: ${SOAK_FILES.uploadBytes}\r\n\r\n`;
      await writeAll(conn, encoder.encode(head + part));
      await writeAll(conn, new Uint8Array(SOAK_FILES.uploadBytes / 2));
    } finally {
      conn.close();
    }
    c.requests++;
  }],
];

/** Every action's name, in the order of the table (a test checks that each one runs clean). */
export const ACTION_NAMES: readonly string[] = ACTIONS.map(([, name]) => name);

/** Runs `clients` loops against `port` until `stop()` returns true. */
export async function runLoad(
  port: number,
  clients: number,
  stop: () => boolean,
  counts: LoadCounts,
): Promise<void> {
  const base = `http://127.0.0.1:${port}`;
  const total = ACTIONS.reduce((n, [w]) => n + w, 0);
  let n = 0;
  const loop = async (id: number) => {
    let r = id * 7919;
    while (!stop()) {
      r = (r * 1103515245 + 12345) & 0x7fffffff;
      let pick = r % total;
      const [, name, action] = ACTIONS.find(([w]) => (pick -= w) < 0)!;
      const started = performance.now();
      try {
        await action(base, port, n++, counts);
        if (counts.done) counts.done[name] = (counts.done[name] ?? 0) + 1;
        if (counts.ms) counts.ms[name] = (counts.ms[name] ?? 0) + performance.now() - started;
      } catch (e) {
        if (name.startsWith("abort")) continue; // the server may reset us first
        counts.errors[name] = (counts.errors[name] ?? 0) + 1;
        if ((counts.errors[name] ?? 0) <= 3) console.error(`soak: ${name}: ${e}`);
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, i) => loop(i + 1)));
}

/** Counts an answer read by hand (`status` 0: none came). */
function count(c: LoadCounts, name: string, status: number, ok: number[]): void {
  c.requests++;
  if (status >= 500 && status !== 503 && status !== 507) c.serverErrors++;
  if (!ok.includes(status)) {
    const key = `${name} ${status}`;
    c.unexpected[key] = (c.unexpected[key] ?? 0) + 1;
  }
}
