/**
 * Every engine limit at its boundary and one byte (or one field, or a little time) past it,
 * against the real server with shrunk limits.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { RawClient, startServer } from "../support/server.ts";
import { testHandler } from "../support/test_handler.ts";
import type { Limits } from "../../src/http/limits.ts";

/** Sends `request` on a fresh connection and returns the first response's status and whether the server then closed. */
async function exchange(
  limits: Partial<Limits>,
  request: string,
): Promise<{ status: number | undefined; closed: boolean; text: string | undefined }> {
  const srv = startServer(testHandler, limits);
  const c = await RawClient.connect(srv.port);
  try {
    await c.send(request);
    const res = await c.readResponse();
    const closed = res?.header("connection") === "close" && await c.closedByServer();
    return { status: res?.status, closed, text: res?.text };
  } finally {
    c.close();
    await srv.close();
  }
}

const pad = (n: number) => "a".repeat(n);

Deno.test("request line of exactly maxRequestLineBytes is accepted", async () => {
  const line = `GET /${pad(64 - "GET / HTTP/1.1".length)} HTTP/1.1`;
  assertEquals(line.length, 64);
  const r = await exchange({ maxRequestLineBytes: 64 }, `${line}\r\nHost: t\r\n\r\n`);
  assertEquals(r.status, 404);
});

Deno.test("request line one byte past maxRequestLineBytes gets 414 and close", async () => {
  const line = `GET /${pad(65 - "GET / HTTP/1.1".length)} HTTP/1.1`;
  const r = await exchange({ maxRequestLineBytes: 64 }, `${line}\r\nHost: t\r\n\r\n`);
  assertEquals([r.status, r.closed], [414, true]);
});

/** A header section of exactly `size` bytes (field lines with their CRLFs). */
function headerSection(size: number): string {
  const host = "Host: t\r\n";
  const filler = size - host.length - "X: \r\n".length;
  return `${host}X: ${pad(filler)}\r\n`;
}

Deno.test("header section of exactly maxHeaderBytes is accepted", async () => {
  const r = await exchange({ maxHeaderBytes: 128 }, `GET / HTTP/1.1\r\n${headerSection(128)}\r\n`);
  assertEquals(r.status, 200);
});

Deno.test("header section one byte past maxHeaderBytes gets 431 and close", async () => {
  const r = await exchange({ maxHeaderBytes: 128 }, `GET / HTTP/1.1\r\n${headerSection(129)}\r\n`);
  assertEquals([r.status, r.closed], [431, true]);
});

const fields = (n: number) =>
  "Host: t\r\n" + Array.from({ length: n - 1 }, (_, i) => `X-${i}: v\r\n`).join("");

Deno.test("exactly maxHeaderCount fields are accepted", async () => {
  const r = await exchange({ maxHeaderCount: 5 }, `GET / HTTP/1.1\r\n${fields(5)}\r\n`);
  assertEquals(r.status, 200);
});

Deno.test("one field past maxHeaderCount gets 431 and close", async () => {
  const r = await exchange({ maxHeaderCount: 5 }, `GET / HTTP/1.1\r\n${fields(6)}\r\n`);
  assertEquals([r.status, r.closed], [431, true]);
});

const chunkedPost = (body: string) =>
  `POST /body HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n${body}`;

Deno.test("chunk-size line of exactly maxChunkLineBytes is accepted", async () => {
  const sizeLine = `3;e=${pad(16 - 4)}`;
  assertEquals(sizeLine.length, 16);
  const r = await exchange(
    { maxChunkLineBytes: 16 },
    chunkedPost(`${sizeLine}\r\nabc\r\n0\r\n\r\n`),
  );
  assertEquals([r.status, r.text], [200, "abc"]);
});

Deno.test("chunk-size line one byte past maxChunkLineBytes gets 400 and close", async () => {
  const sizeLine = `3;e=${pad(17 - 4)}`;
  const r = await exchange(
    { maxChunkLineBytes: 16 },
    chunkedPost(`${sizeLine}\r\nabc\r\n0\r\n\r\n`),
  );
  assertEquals([r.status, r.closed], [400, true]);
});

/** A trailer section of exactly `size` bytes (field lines with CRLFs). */
const trailers = (size: number) => `T: ${pad(size - "T: \r\n".length)}\r\n`;

Deno.test("trailer section of exactly maxTrailerBytes is accepted", async () => {
  const r = await exchange(
    { maxTrailerBytes: 32 },
    chunkedPost(`3\r\nabc\r\n0\r\n${trailers(32)}\r\n`),
  );
  assertEquals([r.status, r.text], [200, "abc"]);
});

Deno.test("trailer section one byte past maxTrailerBytes gets 431 and close", async () => {
  const r = await exchange(
    { maxTrailerBytes: 32 },
    chunkedPost(`3\r\nabc\r\n0\r\n${trailers(33)}\r\n`),
  );
  assertEquals([r.status, r.closed], [431, true]);
});

const trailerFields = (n: number) => Array.from({ length: n }, (_, i) => `T${i}: v\r\n`).join("");

Deno.test("exactly maxTrailerCount trailer fields are accepted", async () => {
  const r = await exchange(
    { maxTrailerCount: 3 },
    chunkedPost(`3\r\nabc\r\n0\r\n${trailerFields(3)}\r\n`),
  );
  assertEquals(r.status, 200);
});

Deno.test("one trailer field past maxTrailerCount gets 431 and close", async () => {
  const r = await exchange(
    { maxTrailerCount: 3 },
    chunkedPost(`3\r\nabc\r\n0\r\n${trailerFields(4)}\r\n`),
  );
  assertEquals([r.status, r.closed], [431, true]);
});

Deno.test("an unread body of exactly maxDrainBytes is drained and the connection kept", async () => {
  const srv = startServer(testHandler, { maxDrainBytes: 5 });
  const c = await RawClient.connect(srv.port);
  try {
    await c.send("POST /noread HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
    const res = await c.readResponse();
    assertEquals([res?.status, res?.header("connection")], [200, undefined]);
    await c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    assertEquals((await c.readResponse())?.text, "hello 2");
  } finally {
    c.close();
    await srv.close();
  }
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("a head completed within headerTimeoutMs is answered", async () => {
  const srv = startServer(testHandler, { headerTimeoutMs: 600 });
  const c = await RawClient.connect(srv.port);
  try {
    await c.send("GET / HTTP/1.1\r\n");
    await sleep(100);
    await c.send("Host: t\r\n\r\n");
    assertEquals((await c.readResponse())?.status, 200);
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("a head not completed within headerTimeoutMs gets 408 and close", async () => {
  const srv = startServer(testHandler, { headerTimeoutMs: 150 });
  const c = await RawClient.connect(srv.port);
  try {
    await c.send("GET / HTTP/1.1\r\nHost: t\r\n");
    const raw = await c.readAll(2000);
    assert(raw.startsWith("HTTP/1.1 408 Request Timeout\r\n"), raw);
    assert(raw.includes("Connection: close\r\n"), raw);
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("a keep-alive connection idle within idleTimeoutMs still serves", async () => {
  const srv = startServer(testHandler, { idleTimeoutMs: 600 });
  const c = await RawClient.connect(srv.port);
  try {
    await c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    await c.readResponse();
    await sleep(100);
    await c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    assertEquals((await c.readResponse())?.text, "hello 2");
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("a keep-alive connection idle past idleTimeoutMs is closed without a response", async () => {
  const srv = startServer(testHandler, { idleTimeoutMs: 150 });
  const c = await RawClient.connect(srv.port);
  try {
    await c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    await c.readResponse();
    const started = Date.now();
    assert(await c.closedByServer(2000));
    assert(Date.now() - started < 1500);
    assertEquals(await c.readAll(100), "");
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("a new connection waits for its first request the head's time when that is longer than idleTimeoutMs", async () => {
  const srv = startServer(testHandler, { idleTimeoutMs: 150, headerTimeoutMs: 1200 });
  const fresh = await RawClient.connect(srv.port);
  try {
    // Past the idle clock, within the head's: a client that has not sent yet is still waited for
    // (a busy server may not read a new socket's request for seconds).
    await sleep(500);
    await fresh.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    assertEquals((await fresh.readResponse())?.status, 200);
    // Once it has had an answer, the keep-alive clock is the idle one again.
    const started = Date.now();
    assert(await fresh.closedByServer(2000));
    assert(Date.now() - started < 1000, `${Date.now() - started} ms`);
    // One that never sends is closed after the head's time, without an answer.
    const silent = await RawClient.connect(srv.port);
    const at = Date.now();
    assert(await silent.closedByServer(4000));
    assert(Date.now() - at >= 1000, `closed after ${Date.now() - at} ms`);
    assertEquals(await silent.readAll(100), "");
    silent.close();
  } finally {
    fresh.close();
    await srv.close();
  }
});

/**
 * The client of the test below, in a process of its own (the server's stall blocks this one): a
 * kept-alive connection and a fresh one, both waiting when the stall begins, send their requests
 * while the server is blocked past its idle timeout. Prints the status lines it got, or "EOF".
 */
const CLIENT_DURING_STALL = `
const port = Number(Deno.args[0]);
const enc = new TextEncoder();
const get = (path) => enc.encode("GET " + path + " HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n");
async function statusLine(conn) {
  const buf = new Uint8Array(4096);
  const n = await conn.read(buf);
  return n === null ? "EOF" : new TextDecoder().decode(buf.subarray(0, n)).split("\\r\\n")[0];
}
const connect = () => Deno.connect({ hostname: "127.0.0.1", port });
const kept = await connect();
await kept.write(get("/"));
const first = await statusLine(kept);
const fresh = await connect();
const blocker = await connect();
await blocker.write(get("/block"));
await new Promise((r) => setTimeout(r, 200));
await kept.write(get("/"));
await fresh.write(get("/"));
console.log(JSON.stringify([first, await statusLine(kept), await statusLine(fresh), await statusLine(blocker)]));
`;

Deno.test("requests that arrive while the server is blocked past idleTimeoutMs are answered", async () => {
  const stallMs = 2000;
  const srv = startServer((req) => {
    if (req.path === "/block") {
      const started = Date.now();
      while (Date.now() - started < stallMs) {
        // a synchronous task holding the event loop, as a slow render would
      }
    }
    return testHandler(req);
  }, { idleTimeoutMs: 1500 });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", CLIENT_DURING_STALL, String(srv.port)],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    assert(out.success, "the client ran");
    const [first, kept, fresh, blocker] = JSON.parse(new TextDecoder().decode(out.stdout));
    assertEquals(first, "HTTP/1.1 200 OK");
    assertEquals({ kept, fresh }, { kept: "HTTP/1.1 200 OK", fresh: "HTTP/1.1 200 OK" });
    assertEquals(blocker, "HTTP/1.1 404 Not Found");
  } finally {
    await srv.close();
  }
});

Deno.test("a body whose bytes keep coming within bodyIdleTimeoutMs is read", async () => {
  const srv = startServer(testHandler, { bodyIdleTimeoutMs: 600 });
  const c = await RawClient.connect(srv.port);
  try {
    await c.send("POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 6\r\n\r\nabc");
    await sleep(100);
    await c.send("def");
    assertEquals((await c.readResponse())?.text, "abcdef");
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("a body that stalls past bodyIdleTimeoutMs gets 408 and close", async () => {
  const srv = startServer(testHandler, { bodyIdleTimeoutMs: 150 });
  const c = await RawClient.connect(srv.port);
  try {
    await c.send("POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 6\r\n\r\nabc");
    const raw = await c.readAll(2000);
    assert(raw.startsWith("HTTP/1.1 408 Request Timeout\r\n"), raw);
  } finally {
    c.close();
    await srv.close();
  }
});

/** A handler streaming 64 KiB pieces until stopped; `finished` resolves when its stream ends. */
function endlessStream() {
  let stopped!: () => void;
  const finished = new Promise<void>((r) => stopped = r);
  const piece = new Uint8Array(64 * 1024).fill(0x61);
  const handler = () => ({
    status: 200,
    body: {
      kind: "stream" as const,
      stream: (async function* () {
        try {
          for (let i = 0; i < 100_000; i++) yield piece;
        } finally {
          stopped();
        }
      })(),
    },
  });
  return { handler, finished };
}

Deno.test("a client reading within writeTimeoutMs keeps receiving", async () => {
  const { handler } = endlessStream();
  const srv = startServer(handler, { writeTimeoutMs: 1000 });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
  try {
    await conn.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
    const buf = new Uint8Array(256 * 1024);
    let got = 0;
    // 30 slow reads (600 ms or more), counted rather than timed: a starved machine that turned
    // the loop fewer times in 600 ms would have read less for no fault of the server's.
    for (let i = 0; i < 30; i++) {
      const n = await conn.read(buf);
      if (n === null) break;
      got += n;
      await sleep(20); // slow, but never stalled as long as the write timeout
    }
    assert(got > 1024 * 1024, `received ${got} bytes`);
    assertEquals(srv.server.connectionCount, 1);
  } finally {
    conn.close();
    await srv.close();
  }
});

Deno.test("a client that keeps sending requests but never reads is dropped after writeTimeoutMs", async () => {
  // Each answer fits the output buffer, so it leaves in a background write while the next
  // request is read; once the socket buffers are full, that write can only end by the clock.
  const body = new Uint8Array(12_000).fill(0x78);
  const srv = startServer(() => ({ status: 200, body }), {
    writeTimeoutMs: 200,
    idleTimeoutMs: 60_000,
  });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
  const request = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
  try {
    const until = Date.now() + 8000;
    let dropped = false;
    while (!dropped && Date.now() < until) {
      try {
        await conn.write(request);
      } catch {
        dropped = true; // reset by the server
      }
      await sleep(1);
      if (srv.server.connectionCount === 0) dropped = true;
    }
    assert(dropped, "the connection was still open after 8 s of unread answers");
  } finally {
    conn.close();
    await srv.close();
  }
});

Deno.test("a client that stops reading is dropped after writeTimeoutMs", async () => {
  const { handler, finished } = endlessStream();
  const srv = startServer(handler, { writeTimeoutMs: 150 });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
  try {
    await conn.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([
      finished.then(() => "stream stopped"),
      new Promise((r) => timer = setTimeout(() => r("still streaming"), 5000)),
    ]);
    clearTimeout(timer);
    assertEquals(outcome, "stream stopped");
    for (let i = 0; i < 50 && srv.server.connectionCount > 0; i++) await sleep(20);
    assertEquals(srv.server.connectionCount, 0);
  } finally {
    conn.close();
    await srv.close();
  }
});

/** One 1-byte chunk whose framing exceeds its allowance by exactly `excess` bytes. */
function oneChunkWithExcess(excess: number): string {
  // framing = size line with CR + LF + CRLF after data; allowance = 16 + 2 * 1.
  const lineWithCr = excess + 18 - 3;
  const sizeLine = `1;e=${pad(lineWithCr - 1 - 4)}`;
  return `${sizeLine}\r\na\r\n0\r\n\r\n`;
}

Deno.test("chunk framing exactly maxChunkOverheadBytes past its allowance is accepted", async () => {
  const r = await exchange({ maxChunkOverheadBytes: 10 }, chunkedPost(oneChunkWithExcess(10)));
  assertEquals([r.status, r.text], [200, "a"]);
});

Deno.test("chunk framing one byte past maxChunkOverheadBytes gets 400 and close", async () => {
  const r = await exchange({ maxChunkOverheadBytes: 10 }, chunkedPost(oneChunkWithExcess(11)));
  assertEquals([r.status, r.closed], [400, true]);
});

Deno.test("many tiny chunks with plain framing stay within the overhead budget", async () => {
  const body = "1\r\nx\r\n".repeat(2000) + "0\r\n\r\n";
  const r = await exchange({ maxChunkOverheadBytes: 64 }, chunkedPost(body));
  assertEquals([r.status, r.text?.length], [200, 2000]);
});
