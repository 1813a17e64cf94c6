/**
 * Graceful shutdown of the real process: on SIGTERM/SIGINT/SIGHUP it stops accepting, closes idle
 * connections at once, lets in-flight requests finish (a /delay/1 and a request still dripping
 * its head), exits 0; past --shutdown-timeout it closes what is left and still exits 0; a
 * second signal forces the exit with 128 + the signal number; an upload cut off by the timeout
 * leaves neither its file nor its temp file. Unix signals: skipped on Windows.
 */

import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { RawClient } from "../support/server.ts";
import { spawnWireserve } from "../support/wireserve_process.ts";

const UNIX = Deno.build.os !== "windows";
/** Time for the server to read what was sent / see a signal before the next step. */
const SETTLE_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (bounded: 10 s) until `check` holds; whether it does. */
async function eventually(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 200 && !check(); i++) await sleep(50);
  return check();
}

async function connectedTo(port: number, head: string): Promise<RawClient> {
  const c = await RawClient.connect(port);
  await c.send(head);
  return c;
}

Deno.test({
  name: "SIGTERM lets a /delay/1 in flight finish, closes idle connections and exits 0",
  ignore: !UNIX,
  fn: async () => {
    const p = spawnWireserve(["--port", "0"]);
    const port = await p.port();
    const idle = await connectedTo(port, "GET /files/ HTTP/1.1\r\nHost: t\r\n\r\n");
    const slow = await connectedTo(port, "GET /delay/1 HTTP/1.1\r\nHost: t\r\n\r\n");
    try {
      assertEquals((await idle.readResponse())?.status, 200);
      await sleep(SETTLE_MS);
      const signalled = Date.now();
      p.child.kill("SIGTERM");
      assert(await idle.closedByServer(SETTLE_MS * 3), "idle keep-alive closed at once");
      const res = await slow.readResponse(5000);
      assertEquals(res?.status, 200);
      assertEquals(res?.header("connection"), "close");
      assert(Date.now() - signalled >= SETTLE_MS, "the response came after the signal");
      assertEquals(await p.exit(), 0);
      assert(p.stdout().includes('"GET /delay/1 HTTP/1.1" 200 '), p.stdout());
      // Nothing new is accepted once stopped.
      await RawClient.connect(port).then(
        (c) => {
          c.close();
          throw new Error("still accepting");
        },
        () => {},
      );
    } finally {
      idle.close();
      slow.close();
    }
  },
});

Deno.test({
  name: "SIGINT waits for a request whose head is still dripping in, then exits 0",
  ignore: !UNIX,
  fn: async () => {
    const p = spawnWireserve(["--port", "0", "--log", "off"]);
    const port = await p.port();
    const c = await connectedTo(port, "GET /files/ HTTP/1.1\r\nHo");
    try {
      await sleep(SETTLE_MS);
      p.child.kill("SIGINT");
      await sleep(SETTLE_MS);
      await c.send("st: t\r\n");
      await sleep(SETTLE_MS);
      await c.send("\r\n");
      const res = await c.readResponse(5000);
      assertEquals(res?.status, 200);
      assertEquals(await p.exit(), 0);
    } finally {
      c.close();
    }
  },
});

Deno.test({
  name: "shutdown closes a request still unfinished after --shutdown-timeout and exits 0",
  ignore: !UNIX,
  fn: async () => {
    const p = spawnWireserve(["--port", "0", "--shutdown-timeout", "500ms"]);
    const port = await p.port();
    const c = await connectedTo(port, "GET /files/ HTTP/1.1\r\nHost: t\r\n");
    try {
      await sleep(SETTLE_MS);
      const signalled = Date.now();
      p.child.kill("SIGTERM");
      assert(await c.closedByServer(5000), "closed after the timeout");
      assertEquals(await p.exit(), 0);
      const waited = Date.now() - signalled;
      assert(waited >= 400 && waited < 4000, `waited ${waited} ms`);
    } finally {
      c.close();
    }
  },
});

/** A shutdown timeout short against the waits below, and how far past it the exit may come. */
const CUT_TIMEOUT_MS = 1000;
const CUT_SLACK_MS = 1500;

for (const workers of ["1", "2"]) {
  Deno.test({
    name: `SIGTERM with /delay/10 and a slow /drip in flight exits right after the timeout ` +
      `(${workers} worker(s)): their timers do not hold the process`,
    ignore: !UNIX,
    fn: async () => {
      const p = spawnWireserve([
        "--port",
        "0",
        "--workers",
        workers,
        "--shutdown-timeout",
        `${CUT_TIMEOUT_MS}ms`,
      ]);
      const port = await p.port();
      const delay = await connectedTo(port, "GET /delay/10 HTTP/1.1\r\nHost: t\r\n\r\n");
      // Two bytes over 10 s: the first at once, then a 10 s wait inside the body stream.
      const drip = await connectedTo(
        port,
        "GET /drip?duration=10&numbytes=2 HTTP/1.1\r\nHost: t\r\n\r\n",
      );
      try {
        await sleep(SETTLE_MS);
        const signalled = Date.now();
        p.child.kill("SIGTERM");
        assertEquals(await p.exit(), 0);
        const waited = Date.now() - signalled;
        assert(
          waited >= CUT_TIMEOUT_MS - 100 && waited < CUT_TIMEOUT_MS + CUT_SLACK_MS,
          `exited ${waited} ms after SIGTERM`,
        );
        assert(await delay.closedByServer(1000), "the /delay connection closed");
        assert(await drip.closedByServer(1000), "the /drip connection closed");
      } finally {
        delay.close();
        drip.close();
      }
    },
  });
}

Deno.test({
  name: "SIGHUP (a closed terminal) drains like SIGTERM: a /delay/1 in flight finishes, exit 0",
  ignore: !UNIX,
  fn: async () => {
    const p = spawnWireserve(["--port", "0"]);
    const port = await p.port();
    const slow = await connectedTo(port, "GET /delay/1 HTTP/1.1\r\nHost: t\r\n\r\n");
    try {
      await sleep(SETTLE_MS);
      p.child.kill("SIGHUP");
      const res = await slow.readResponse(5000);
      assertEquals(res?.status, 200);
      assertEquals(res?.header("connection"), "close");
      assertEquals(await p.exit(), 0);
      assert(p.stderr().includes("wireserve: SIGHUP: stopping"), p.stderr());
      assert(p.stderr().endsWith("wireserve: stopped\n"), p.stderr());
      // stdout is the banner and the access log: no status line in between.
      assert(!/wireserve: (?:SIGHUP|stopped)/.test(p.stdout()), p.stdout());
      assert(p.stdout().includes('"GET /delay/1 HTTP/1.1" 200 '), p.stdout());
    } finally {
      slow.close();
    }
  },
});

Deno.test({
  name: "a second signal forces the exit with 128 + its number",
  ignore: !UNIX,
  fn: async () => {
    const p = spawnWireserve(["--port", "0", "--shutdown-timeout", "60s"]);
    const port = await p.port();
    const c = await connectedTo(port, "GET /files/ HTTP/1.1\r\nHost: t\r\n");
    try {
      await sleep(SETTLE_MS);
      p.child.kill("SIGTERM");
      // The second signal only once the first was taken: a starved server that found both
      // pending could take them in either order (and exit 143).
      assert(await eventually(() => p.stderr().includes(": stopping;")), p.stderr());
      p.child.kill("SIGINT");
      assertEquals(await p.exit(), 130);
      assert(p.stderr().includes("wireserve: forced exit"), p.stderr());
    } finally {
      c.close();
    }
  },
});

Deno.test({
  name: "an upload still running at the shutdown timeout is aborted without leaving files",
  ignore: !UNIX,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "wireserve-shutdown-" });
    const declared = 1024 * 1024;
    const p = spawnWireserve([dir, "--port", "0", "--shutdown-timeout", "500ms"]);
    const port = await p.port();
    const c = await connectedTo(
      port,
      `PUT /files/half.bin HTTP/1.1\r\nHost: t\r\nContent-Length: ${declared}\r\n\r\n`,
    );
    try {
      await c.send(new Uint8Array(declared / 4));
      // The server makes its temp file when it reads the head: wait for it, not a fixed time.
      const during = () => [...Deno.readDirSync(dir)].map((e) => e.name);
      assert(await eventually(() => during().length === 1), "the upload streams into a temp file");
      p.child.kill("SIGTERM");
      assertEquals(await p.exit(), 0);
      assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), [], "nothing left behind");
    } finally {
      c.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "an upload that finishes within the shutdown timeout is kept",
  ignore: !UNIX,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "wireserve-shutdown-" });
    const p = spawnWireserve([dir, "--port", "0"]);
    const port = await p.port();
    const c = await connectedTo(
      port,
      "PUT /files/whole.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nhello",
    );
    try {
      await sleep(SETTLE_MS);
      p.child.kill("SIGTERM");
      await sleep(SETTLE_MS);
      await c.send(" wire");
      assertEquals((await c.readResponse(5000))?.status, 201);
      assertEquals(await p.exit(), 0);
      assertEquals(await Deno.readTextFile(join(dir, "whole.txt")), "hello wire");
    } finally {
      c.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "requests cut by the shutdown timeout get exactly one access-log line, saying so",
  ignore: !UNIX,
  fn: async () => {
    // Two workers: the lines of a worker's cut requests must still reach the log before exit.
    const p = spawnWireserve(["--port", "0", "--shutdown-timeout", "500ms", "--workers", "2"]);
    const port = await p.port();
    const slow = await connectedTo(port, "GET /delay/10 HTTP/1.1\r\nHost: t\r\n\r\n");
    const upload = await connectedTo(
      port,
      "PUT /files/cut.bin HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\nhalf",
    );
    try {
      await sleep(SETTLE_MS);
      p.child.kill("SIGTERM");
      assertEquals(await p.exit(), 0);
      const lines = p.stdout().split("\n");
      for (const request of ["GET /delay/10 HTTP/1.1", "PUT /files/cut.bin HTTP/1.1"]) {
        const mine = lines.filter((l) => l.includes(`"${request}"`));
        assertEquals(mine.length, 1, `one line for ${request}:\n${p.stdout()}`);
        assert(/" - - [\d.]+ms ended=shutdown$/.test(mine[0]), mine[0]);
      }
    } finally {
      slow.close();
      upload.close();
    }
  },
});

Deno.test({
  name: "SIGTERM closes an open WebSocket with 1001 and still exits 0",
  ignore: !UNIX,
  fn: async () => {
    const p = spawnWireserve(["--port", "0", "--shutdown-timeout", "5s"]);
    const port = await p.port();
    const closed = new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/websocket/echo`);
      ws.onopen = () => ws.send("hello");
      ws.onmessage = () => p.child.kill("SIGTERM"); // open and echoing: now shut down
      ws.onclose = (e) => resolve(e.code);
      ws.onerror = () => reject(new Error("WebSocket error"));
    });
    const started = Date.now();
    assertEquals(await closed, 1001);
    assertEquals(await p.exit(), 0);
    assert(Date.now() - started < 4000, "the session did not hold the shutdown to its timeout");
  },
});

Deno.test({
  name: "SIGTERM in the middle of a busy WebSocket echo closes it with 1001 and logs no failure",
  ignore: !UNIX,
  fn: async () => {
    const p = spawnWireserve(["--port", "0", "--shutdown-timeout", "5s"]);
    const port = await p.port();
    // Large messages in small fragments: the signal falls while one is going out.
    const message = new Uint8Array(1024 * 1024);
    const closed = new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/websocket/echo?max_fragment_size=1024`);
      ws.binaryType = "arraybuffer";
      let echoed = 0;
      ws.onopen = () => {
        for (let i = 0; i < 8; i++) ws.send(message);
      };
      ws.onmessage = () => {
        // Keep the server sending: every echo asks for another, and the signal falls mid-stream.
        if (ws.readyState === WebSocket.OPEN) ws.send(message);
        if (++echoed === 4) p.child.kill("SIGTERM");
      };
      ws.onclose = (e) => resolve(e.code);
      ws.onerror = (e) => reject(new Error(`WebSocket error ${(e as ErrorEvent).message}`));
    });
    assertEquals(await closed, 1001);
    assertEquals(await p.exit(), 0);
    assert(!/failed/i.test(p.stderr()), `stderr: ${p.stderr()}`);
  },
});

/** A file big enough that a client which never reads holds its download open. */
const UNREAD_FILE_BYTES = 16 * 1024 * 1024;
/** The shutdown timeout of the loaded test, and how far past it the exit may come. */
const LOADED_TIMEOUT_MS = 1000;
/** The pool's grace for workers past the timeout (2 s) and room for a busy machine. */
const EXIT_SLACK_MS = 4000;

for (const workers of ["1", "2"]) {
  Deno.test({
    name:
      `SIGTERM under load (${workers} worker(s)): readers that never read, slow /drip answers ` +
      "and idle keep-alive connections end within the timeout, exit 0",
    ignore: !UNIX,
    fn: async () => {
      const dir = await Deno.makeTempDir({ prefix: "wireserve-shutdown-" });
      await Deno.writeFile(join(dir, "big.bin"), new Uint8Array(UNREAD_FILE_BYTES));
      const p = spawnWireserve([
        dir,
        "--port",
        "0",
        "--workers",
        workers,
        "--shutdown-timeout",
        `${LOADED_TIMEOUT_MS}ms`,
      ]);
      const port = await p.port();
      const clients: RawClient[] = [];
      try {
        for (let i = 0; i < 8; i++) {
          clients.push(await connectedTo(port, "GET /files/big.bin HTTP/1.1\r\nHost: t\r\n\r\n"));
          clients.push(
            await connectedTo(port, "GET /drip?duration=8&numbytes=8 HTTP/1.1\r\nHost: t\r\n\r\n"),
          );
          const idle = await connectedTo(port, "GET /echo/idle HTTP/1.1\r\nHost: t\r\n\r\n");
          assertEquals((await idle.readResponse())?.status, 200);
          clients.push(idle);
        }
        await sleep(SETTLE_MS);
        const signalled = Date.now();
        p.child.kill("SIGTERM");
        assertEquals(await p.exit(), 0);
        const waited = Date.now() - signalled;
        assert(
          waited >= LOADED_TIMEOUT_MS - 100 && waited < LOADED_TIMEOUT_MS + EXIT_SLACK_MS,
          `exited ${waited} ms after SIGTERM`,
        );
        for (const c of clients) assert(await c.closedByServer(5000), "every connection closed");
        assert(p.stderr().includes("wireserve: stopped"), p.stderr());
      } finally {
        for (const c of clients) c.close();
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
