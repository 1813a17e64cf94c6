/**
 * The worker pool over real TCP: several isolates on one port share what must be one truth
 * (writes seen by every read cache, the connection limit, one access log) and the server keeps
 * serving when a worker dies, and stops them all on shutdown.
 */

import { appConfig } from "../../src/app/app_config.ts";
import { IDLE_TICK_MS, QUIET_MS } from "../../src/app/idle_memory.ts";
import { SHARED_COUNTERS, sharedServices } from "../../src/app/services.ts";
import type { Limits } from "../../src/http/limits.ts";
import { type PoolOptions, WorkerPool } from "../../src/workers/worker_pool.ts";
import { PING_EVERY_MS } from "../../src/workers/stall_watch.ts";
import { LineSink } from "../../src/log/line_sink.ts";
import { collectingSink } from "../support/app_server.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { RawClient } from "../support/server.ts";

const WORKERS = 2;
/** A file sent in large pieces (past the small-file cache). */
const BIG_FILE_BYTES = 16 * 1024 * 1024;
/** An /anything body: more than the body read buffer, within --max-capture. */
const CAPTURED_BYTES = 1024 * 1024 - 1024;
const encoder = new TextEncoder();
/** The stall watch's limit in the test, and a block that outlasts it by a few pings. */
const STALLED_AFTER_TEST_MS = 1500;
const BLOCK_MS = 3500;
/** SO_REUSEPORT balancing, which --workers needs, is Linux's. */
const ignore = Deno.build.os !== "linux";

async function withPool(
  limits: Partial<Limits>,
  fn: (
    pool: WorkerPool,
    root: string,
    log: string[],
    errors: string[],
    flush: () => Promise<void>,
  ) => Promise<void>,
  extra: Partial<PoolOptions["config"]> = {},
  poolExtra: Partial<PoolOptions> = {},
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "wireserve-pool-" });
  // A stat cache of a minute: only the change board can make a write visible in time.
  const app = appConfig({ directory: root, statCacheMs: 60_000 });
  const out = collectingSink();
  const err = collectingSink();
  const pool = await WorkerPool.start({
    count: WORKERS,
    config: {
      app,
      hostname: "127.0.0.1",
      port: 0,
      tls: null,
      limits,
      log: "common",
      templateFileVars: {},
      interfaces: [],
      ...extra,
    },
    services: sharedServices(app),
    counters: SHARED_COUNTERS,
    out: out.sink,
    err: err.sink,
    ...poolExtra,
  });
  try {
    const flush = async () => void await Promise.all([out.sink.flush(), err.sink.flush()]);
    await fn(pool, root, out.lines, err.lines, flush);
  } finally {
    await pool.shutdown(1000);
    await Promise.all([out.sink.flush(), err.sink.flush()]);
    await Deno.remove(root, { recursive: true });
  }
}

/** One keep-alive request on `c`; resolves to the status and body. */
async function exchange(c: RawClient, head: string, body = ""): Promise<[number, string]> {
  await c.send(`${head}\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  const res = await c.readResponse();
  if (res === null) return [0, ""]; // closed without an answer
  return [res.status, new TextDecoder().decode(res.body)];
}

Deno.test({
  name: "a write through one connection is seen at once on every other, on every worker",
  ignore,
}, async () => {
  await withPool({}, async (pool, root) => {
    await Deno.writeTextFile(`${root}/note.txt`, "old");
    const clients = await Promise.all(
      Array.from({ length: 16 }, () => RawClient.connect(pool.addr.port)),
    );
    try {
      // Every connection (spread over both workers by the kernel) caches the old file.
      for (const c of clients) {
        assertEquals(await exchange(c, "GET /files/note.txt HTTP/1.1"), [200, "old"]);
      }
      const [writer, ...readers] = clients;
      assertEquals((await exchange(writer, "PUT /files/note.txt HTTP/1.1", "new!"))[0], 204);
      for (const c of readers) {
        assertEquals(await exchange(c, "GET /files/note.txt HTTP/1.1"), [200, "new!"]);
      }
      assertEquals((await exchange(writer, "DELETE /files/note.txt HTTP/1.1"))[0], 405);
    } finally {
      for (const c of clients) c.close();
    }
  });
});

Deno.test({
  name: "a WebDAV lock taken through one worker holds on every other",
  ignore,
}, async () => {
  await withPool({}, async (pool, root) => {
    await Deno.writeTextFile(`${root}/doc.txt`, "v1");
    const clients = await Promise.all(
      Array.from({ length: 12 }, () => RawClient.connect(pool.addr.port)),
    );
    try {
      const [locker, ...others] = clients;
      const body = '<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/>' +
        "</D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>";
      await locker.send(
        `LOCK /files/doc.txt HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\n` +
          `Content-Length: ${body.length}\r\n\r\n${body}`,
      );
      const locked = await locker.readResponse();
      assertEquals(locked?.status, 200);
      const token = locked!.header("lock-token")!;
      // Spread over both workers by the kernel: without the token every write is refused.
      for (const c of others) {
        assertEquals((await exchange(c, "PUT /files/doc.txt HTTP/1.1", "v2"))[0], 423);
      }
      const withToken = `PUT /files/doc.txt HTTP/1.1\r\nIf: (${token})`;
      assertEquals((await exchange(others[0], withToken, "v2"))[0], 204);
    } finally {
      for (const c of clients) c.close();
    }
  });
});

Deno.test(
  { name: "the connection limit holds for the server, not for each worker", ignore },
  async () => {
    await withPool({ maxConnections: 4 }, async (pool) => {
      // Connections that have not sent a request are never pushed out to make room.
      const held = await Promise.all(
        Array.from({ length: 4 }, () => RawClient.connect(pool.addr.port)),
      );
      try {
        for (let i = 0; i < 50 && pool.connectionCount < 4; i++) await sleep(20);
        assertEquals(pool.connectionCount, 4);
        // Two workers with a limit of 4 each would take four more; the server takes none.
        for (let i = 0; i < 4; i++) {
          const extra = await RawClient.connect(pool.addr.port);
          const text = await extra.readAll(3000);
          extra.close();
          assert(text.startsWith("HTTP/1.1 503 "), text);
        }
      } finally {
        for (const c of held) c.close();
      }
    });
  },
);

Deno.test({
  name: "a worker that dies is reported and replaced while the port keeps being served",
  ignore,
}, async () => {
  await withPool({}, async (pool, _root, _log, errors) => {
    assertEquals(pool.generation(0), 1);
    pool.crash(0);
    // The port stays served throughout: every new connection gets an answer.
    let served = 0;
    for (let i = 0; i < 100 && pool.generation(0) < 2; i++) {
      const c = await RawClient.connect(pool.addr.port);
      const [status] = await exchange(c, "GET /echo/alive HTTP/1.1");
      c.close();
      if (status === 200) served++;
      await sleep(20);
    }
    assertEquals(pool.generation(0), 2);
    assert(served > 0);
    for (let i = 0; i < 20; i++) {
      const c = await RawClient.connect(pool.addr.port);
      assertEquals(await exchange(c, "GET /echo/again HTTP/1.1"), [200, "again"]);
      c.close();
    }
    assert(errors.some((l) => l.includes("worker 1 stopped unexpectedly")), errors.join("\n"));
  });
});

Deno.test({
  name: "a worker that dies gives its connections' share of the limit back",
  ignore,
}, async () => {
  await withPool({ maxConnections: 16 }, async (pool) => {
    // Eight connections spread by the kernel over both workers (all on one: 1 in 128).
    const held = await Promise.all(
      Array.from({ length: 8 }, () => RawClient.connect(pool.addr.port)),
    );
    try {
      for (let i = 0; i < 50 && pool.connectionCount < 8; i++) await sleep(20);
      assertEquals(pool.connectionCount, 8);
      pool.crash(0);
      for (let i = 0; i < 100 && pool.generation(0) < 2; i++) await sleep(20);
      assertEquals(pool.generation(0), 2);
    } finally {
      for (const c of held) c.close();
    }
    // The survivors' connections end normally; the dead worker's ended with it.
    for (let i = 0; i < 100 && pool.connectionCount > 0; i++) await sleep(20);
    assertEquals(pool.connectionCount, 0);
  });
});

Deno.test({
  name:
    "a worker that dies mid-download and mid-upload gives its share of both buffer budgets back",
  ignore,
}, async () => {
  await withPool({}, async (pool, root) => {
    await Deno.writeFile(`${root}/big.bin`, new Uint8Array(BIG_FILE_BYTES));
    // Downloads that are never read each hold a pair of large file pieces; /anything bodies cut
    // half-way hold their body read buffer and what has been captured. Sixteen connections spread
    // by the kernel over both workers (all on one: 1 in 32,768).
    const clients: Deno.TcpConn[] = [];
    try {
      for (let i = 0; i < 8; i++) {
        const c = await Deno.connect({ hostname: "127.0.0.1", port: pool.addr.port });
        clients.push(c);
        await c.write(encoder.encode("GET /files/big.bin HTTP/1.1\r\nHost: x\r\n\r\n"));
      }
      for (let i = 0; i < 8; i++) {
        const c = await Deno.connect({ hostname: "127.0.0.1", port: pool.addr.port });
        clients.push(c);
        await c.write(encoder.encode(
          `POST /anything HTTP/1.1\r\nHost: x\r\nContent-Length: ${CAPTURED_BYTES}\r\n\r\n`,
        ));
        await c.write(new Uint8Array(CAPTURED_BYTES / 2));
      }
      for (let i = 0; i < 100; i++) {
        const t = pool.sharedTotals;
        if (t.connections === 16 && t.largeBufferBytes > 0 && t.heldBodyBytes > 0) break;
        await sleep(20);
      }
      const held = pool.sharedTotals;
      assertEquals(held.connections, 16);
      assert(held.largeBufferBytes > 0 && held.heldBodyBytes > 0, JSON.stringify(held));
      pool.crash(0);
      for (let i = 0; i < 100 && pool.generation(0) < 2; i++) await sleep(20);
      assertEquals(pool.generation(0), 2);
    } finally {
      for (const c of clients) c.close();
    }
    // The survivor's exchanges end as their clients go; the dead worker's went with it.
    const zero = { connections: 0, largeBufferBytes: 0, heldBodyBytes: 0 };
    for (let i = 0; i < 250 && JSON.stringify(pool.sharedTotals) !== JSON.stringify(zero); i++) {
      await sleep(20);
    }
    assertEquals(pool.sharedTotals, zero);
  });
});

Deno.test({
  name: "a worker whose event loop is blocked is reported, and again once it answers",
  ignore,
}, async () => {
  await withPool(
    {},
    async (pool, _root, _log, errors, flush) => {
      pool.block(1, BLOCK_MS);
      for (let i = 0; i < 200 && !errors.some((l) => l.includes("answers again")); i++) {
        await sleep(20);
      }
      await flush();
      const said = errors.filter((l) => l.includes("worker 2"));
      assertEquals(said.length, 2, errors.join("\n"));
      assert(said[0].startsWith("wireserve: worker 2 has not answered for "), said[0]);
      assert(said[1].startsWith("wireserve: worker 2 answers again after "), said[1]);
      assert(!errors.some((l) => l.includes("worker 1")), "the other worker was not reported");
      // Blocked, not dead: it was not replaced, and it serves again.
      assertEquals(pool.generation(1), 1);
      for (let i = 0; i < 10; i++) {
        const c = await RawClient.connect(pool.addr.port);
        assertEquals(await exchange(c, "GET /echo/back HTTP/1.1"), [200, "back"]);
        c.close();
      }
    },
    {},
    { stalledAfterMs: STALLED_AFTER_TEST_MS },
  );
});

Deno.test({
  name: "the watch's pings do not count as work, so an idle pool's main thread can collect",
  ignore,
}, async () => {
  await withPool({}, async (pool) => {
    await sleep(PING_EVERY_MS); // start-up messages are in
    const before = pool.messageCount;
    await sleep(PING_EVERY_MS * 3);
    assertEquals(pool.messageCount, before);
  });
});

Deno.test(
  { name: "every response of every worker gets one whole access-log line", ignore },
  async () => {
    await withPool({}, async (pool, _root, log, _errors, flush) => {
      const clients = await Promise.all(
        Array.from({ length: 8 }, () => RawClient.connect(pool.addr.port)),
      );
      try {
        await Promise.all(clients.map(async (c, i) => {
          for (let j = 0; j < 25; j++) await exchange(c, `GET /echo/c${i}-r${j} HTTP/1.1`);
        }));
      } finally {
        for (const c of clients) c.close();
      }
      await pool.shutdown(1000);
      await flush();
      const lines = log.filter((l) => l.includes('"GET /echo/'));
      assertEquals(lines.length, 200);
      for (const line of lines) {
        assert(
          /^127\.0\.0\.1 - - \[[^\]]+\] "GET \/echo\/c\d-r\d+ HTTP\/1\.1" 200 \d+ [\d.]+ms$/.test(
            line,
          ),
          line,
        );
      }
    }, { log: "common" });
  },
);

Deno.test(
  { name: "a stuck stdout counts every access line of the workers' batches it drops", ignore },
  async () => {
    // stdout takes nothing until released, and holds little: most batches are dropped whole.
    let release!: () => void;
    const released = new Promise<void>((r) => release = r);
    let written = "";
    const stuck = new LineSink({
      write: async (p) => {
        await released;
        written += new TextDecoder().decode(p);
        return p.length;
      },
    }, 400);
    await withPool(
      {},
      async (pool) => {
        const clients = await Promise.all(
          Array.from({ length: 8 }, () => RawClient.connect(pool.addr.port)),
        );
        try {
          // Eight connections at once: each worker's lines leave in batches of several.
          await Promise.all(clients.map(async (c, i) => {
            for (let j = 0; j < 10; j++) await exchange(c, `GET /echo/c${i}-r${j} HTTP/1.1`);
          }));
        } finally {
          for (const c of clients) c.close();
        }
        await pool.shutdown(1000); // every worker's lines have reached the sink
        release();
        await stuck.flush();
      },
      { log: "common" },
      { out: stuck },
    );
    const logged = written.split("\n").filter((l) => l.includes('"GET /echo/')).length;
    assert(stuck.dropped > 0, "some lines were dropped");
    assertEquals(logged + stuck.dropped, 80);
    // Told as it happens: drops before the first write was cut and those after are two lines.
    const told = [...written.matchAll(/wireserve: (\d+) log lines? dropped/g)]
      .reduce((sum, m) => sum + Number(m[1]), 0);
    assertEquals(told, stuck.dropped, written);
  },
);

Deno.test({
  name: "shutdown lets in-flight requests finish on every worker, then nothing listens",
  ignore,
}, async () => {
  await withPool({}, async (pool) => {
    const clients = await Promise.all(
      Array.from(
        { length: 8 },
        () => Deno.connect({ hostname: "127.0.0.1", port: pool.addr.port }),
      ),
    );
    // A drip sends its head and first byte at once and its last 300 ms later: once every client
    // has its first byte, every request is in flight on its worker. (A fixed pause instead let a
    // starved worker get the stop before it had read its request: an idle connection, closed.)
    const drip = encoder.encode("GET /drip?numbytes=2&duration=0.3 HTTP/1.1\r\nHost: x\r\n\r\n");
    const heads = await Promise.all(clients.map(async (c) => {
      await c.write(drip);
      return await readUntil(c, (text) => text.includes("\r\n\r\n*"));
    }));
    const stopping = pool.shutdown(5000);
    const answers = await Promise.all(clients.map((c, i) => readUntil(c, () => false, heads[i])));
    for (const text of answers) {
      assert(text.startsWith("HTTP/1.1 200 ") && text.endsWith("\r\n\r\n**"), text);
    }
    for (const c of clients) c.close();
    await stopping;
    await pool.finished;
    let refused = false;
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port: pool.addr.port })).close();
    } catch {
      refused = true;
    }
    assert(refused, "the port is closed after shutdown");
  });
});

Deno.test(
  { name: "a second pool on a port in use fails to start with AddrInUse", ignore },
  async () => {
    await withPool({}, async (pool, root) => {
      const app = appConfig({ directory: root });
      const sink = collectingSink().sink;
      let error: unknown = null;
      try {
        const other = await WorkerPool.start({
          count: WORKERS,
          config: {
            app,
            hostname: "127.0.0.1",
            port: pool.addr.port,
            tls: null,
            limits: {},
            log: "off",
            templateFileVars: {},
            interfaces: [],
          },
          services: {},
          counters: SHARED_COUNTERS,
          out: sink,
          err: sink,
        });
        await other.shutdown(100);
      } catch (e) {
        error = e;
      }
      assert(error instanceof Deno.errors.AddrInUse, String(error));
    });
  },
);

Deno.test(
  {
    name: "two pools started at once on one free port: one serves it, the other is refused",
    ignore,
  },
  async () => {
    const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (probe.addr as Deno.NetAddr).port;
    probe.close();
    const roots = [await Deno.makeTempDir(), await Deno.makeTempDir()];
    const sink = collectingSink().sink;
    const start = (root: string) =>
      WorkerPool.start({
        count: WORKERS,
        config: {
          app: appConfig({ directory: root }),
          hostname: "127.0.0.1",
          port,
          tls: null,
          limits: {},
          log: "off",
          templateFileVars: {},
          interfaces: [],
        },
        services: {},
        counters: SHARED_COUNTERS,
        out: sink,
        err: sink,
      });
    // The second starts while the first's workers are still coming up (they take ~100 ms each).
    const first = start(roots[0]);
    await sleep(20);
    const outcomes = await Promise.allSettled([first, start(roots[1])]);
    try {
      const started = outcomes.filter((o) => o.status === "fulfilled");
      const refused = outcomes.filter((o) => o.status === "rejected");
      assertEquals(
        [started.length, refused.length],
        [1, 1],
        JSON.stringify(outcomes.map((o) => o.status)),
      );
      const reason = (refused[0] as PromiseRejectedResult).reason;
      assert(reason instanceof Deno.errors.AddrInUse, String(reason));
    } finally {
      for (const o of outcomes) if (o.status === "fulfilled") await o.value.shutdown(500);
      for (const root of roots) await Deno.remove(root, { recursive: true });
    }
  },
);

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Reads `conn` (after `text` already read) until `done` says so or the server closes it. */
async function readUntil(
  conn: Deno.Conn,
  done: (text: string) => boolean,
  text = "",
): Promise<string> {
  const buf = new Uint8Array(4096);
  const decoder = new TextDecoder();
  while (!done(text)) {
    const n = await conn.read(buf);
    if (n === null) break;
    text += decoder.decode(buf.subarray(0, n));
  }
  return text;
}

Deno.test({
  name: "each worker's idle collection reaches the main thread, which trims for the process",
  ignore,
}, async () => {
  /** The main thread's count of work as each collection arrived. */
  const workSeen: number[] = [];
  let workCount = () => -1;
  const started = performance.now();
  const onCollect = () => void workSeen.push(workCount());
  await withPool(
    {},
    async (pool) => {
      workCount = () => pool.messageCount;
      const c = await RawClient.connect(pool.addr.port);
      try {
        assertEquals((await exchange(c, "GET /echo/hi HTTP/1.1"))[0], 200);
      } finally {
        c.close();
      }
      // Each worker collects once after its first quiet spell (its start's garbage, and the echo).
      // A loaded machine (or a worker type-checked on a cold cache) may start late: wait long.
      const deadline = performance.now() + 2 * QUIET_MS;
      while (workSeen.length < WORKERS && performance.now() < deadline) {
        await new Promise((r) => setTimeout(r, IDLE_TICK_MS / 4));
      }
      assertEquals(workSeen.length, WORKERS, "one collection from each worker");
      assert(performance.now() - started >= QUIET_MS, "not before a quiet spell");
      // Two readies and the echo's log line, long before: a collection is not work itself.
      assertEquals(workSeen, [3, 3]);
    },
    {},
    { afterWorkerCollect: onCollect },
  );
});
