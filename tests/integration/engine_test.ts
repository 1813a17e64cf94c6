/**
 * The engine over real TCP: keep-alive, pipelining, slow clients, persistence rules, bodies,
 * 100-continue, bodyless statuses, and handler failures.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { RawClient, startServer } from "../support/server.ts";
import { testHandler } from "../support/test_handler.ts";
import { readBodyBytes } from "../../src/http/read_body_bytes.ts";
import type { HttpRequest } from "../../src/http/types.ts";

const GET = (path: string, extra = "") => `GET ${path} HTTP/1.1\r\nHost: t\r\n${extra}\r\n`;

Deno.test("connection stays open for a second request when HTTP/1.1 keep-alive", async () => {
  const srv = startServer(testHandler);
  const c = await RawClient.connect(srv.port);
  try {
    await c.send(GET("/"));
    const a = await c.readResponse();
    await c.send(GET("/"));
    const b = await c.readResponse();
    assertEquals([a?.status, a?.text, b?.text], [200, "hello 1", "hello 2"]);
    assertEquals(a?.header("connection"), undefined);
    assert(a?.header("date")?.endsWith(" GMT"));
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("ten pipelined requests in one write are answered in order", async () => {
  const srv = startServer(testHandler);
  const c = await RawClient.connect(srv.port);
  try {
    await c.send(Array.from({ length: 10 }, () => GET("/")).join(""));
    const texts = [];
    for (let i = 0; i < 10; i++) texts.push((await c.readResponse())?.text);
    assertEquals(texts, Array.from({ length: 10 }, (_, i) => `hello ${i + 1}`));
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("requestCount counts the heads read on every connection, pipelined ones too", async () => {
  const srv = startServer(testHandler);
  const a = await RawClient.connect(srv.port);
  const b = await RawClient.connect(srv.port);
  try {
    assertEquals(srv.server.requestCount, 0);
    await a.send(GET("/") + GET("/") + GET("/"));
    for (let i = 0; i < 3; i++) assert(await a.readResponse());
    await b.send(GET("/"));
    assert(await b.readResponse());
    assertEquals(srv.server.requestCount, 4);
  } finally {
    a.close();
    b.close();
    await srv.close();
  }
});

Deno.test("a client sending one byte at a time gets its answer", async () => {
  const srv = startServer(testHandler);
  const c = await RawClient.connect(srv.port);
  try {
    const req = "POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello";
    for (const ch of req) await c.send(ch);
    const res = await c.readResponse();
    assertEquals([res?.status, res?.text], [200, "hello"]);
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("Connection: close from the client closes right after the response", async () => {
  const srv = startServer(testHandler);
  const c = await RawClient.connect(srv.port);
  try {
    await c.send(GET("/", "Connection: close\r\n") + GET("/"));
    const res = await c.readResponse();
    assertEquals(res?.header("connection"), "close");
    assertEquals(await c.readAll(), "", "nothing after the close");
    assert(await c.closedByServer());
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("close from the handler ends the connection with Connection: close", async () => {
  const srv = startServer(testHandler);
  const c = await RawClient.connect(srv.port);
  try {
    await c.send(GET("/close"));
    const res = await c.readResponse();
    assertEquals([res?.text, res?.header("connection")], ["bye", "close"]);
    assert(await c.closedByServer());
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("HTTP/1.0 closes unless it asked for keep-alive", async () => {
  const srv = startServer(testHandler);
  const plain = await RawClient.connect(srv.port);
  const kept = await RawClient.connect(srv.port);
  try {
    await plain.send("GET / HTTP/1.0\r\n\r\n");
    const a = await plain.readResponse();
    assertEquals([a?.statusLine, a?.header("connection")], ["HTTP/1.1 200 OK", "close"]);
    assert(await plain.closedByServer());

    await kept.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    const b = await kept.readResponse();
    assertEquals(b?.header("connection"), "keep-alive");
    await kept.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    assertEquals((await kept.readResponse())?.text, "hello 2");
  } finally {
    plain.close();
    kept.close();
    await srv.close();
  }
});

Deno.test("a streamed body is chunked for 1.1 and close-delimited for 1.0", async () => {
  const srv = startServer(testHandler);
  const c11 = await RawClient.connect(srv.port);
  const c10 = await RawClient.connect(srv.port);
  try {
    await c11.send(GET("/stream"));
    const a = await c11.readResponse();
    assertEquals([a?.header("transfer-encoding"), a?.text], ["chunked", "one,two"]);
    await c10.send("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    const raw = await c10.readAll();
    assert(!/transfer-encoding/i.test(raw), raw);
    assert(raw.includes("Connection: close\r\n"), raw);
    assert(raw.endsWith("\r\n\r\none,two"), raw);
  } finally {
    c11.close();
    c10.close();
    await srv.close();
  }
});

Deno.test("HEAD gets the headers with Content-Length and no body", async () => {
  const srv = startServer(testHandler);
  const c = await RawClient.connect(srv.port);
  try {
    await c.send(`HEAD / HTTP/1.1\r\nHost: t\r\n\r\n` + GET("/", "Connection: close\r\n"));
    const raw = await c.readAll();
    const [head, next] = raw.split("HTTP/1.1 ").slice(1);
    assert(head.includes("Content-Length: 7\r\n"), head);
    assert(head.endsWith("\r\n\r\n"), `no body after the head: ${JSON.stringify(head)}`);
    assert(next.endsWith("hello 2"), next);
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("204 and 304 carry no body and 204 no Content-Length", async () => {
  const srv = startServer(testHandler);
  const c = await RawClient.connect(srv.port);
  try {
    await c.send(GET("/empty") + GET("/not-modified") + GET("/", "Connection: close\r\n"));
    const raw = await c.readAll();
    const parts = raw.split("HTTP/1.1 ");
    assertEquals(parts.length, 4, raw);
    assert(parts[1].startsWith("204 No Content\r\n") && parts[1].endsWith("\r\n\r\n"), parts[1]);
    assert(!/content-length/i.test(parts[1]), parts[1]);
    assert(parts[2].startsWith("304 Not Modified\r\n") && parts[2].endsWith("\r\n\r\n"), parts[2]);
    assert(parts[3].endsWith("hello 3"));
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("a chunked request body with trailers reaches the handler decoded", async () => {
  const srv = startServer(testHandler);
  const c = await RawClient.connect(srv.port);
  try {
    await c.send(
      "POST /body HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" +
        "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 11\r\n\r\n" + GET("/"),
    );
    const res = await c.readResponse();
    assertEquals([res?.text, res?.header("x-trailers")], ["hello world", "X-Sum=11"]);
    assertEquals((await c.readResponse())?.text, "hello 2");
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("an unread small body is drained and the connection kept", async () => {
  const srv = startServer(testHandler);
  const c = await RawClient.connect(srv.port);
  try {
    await c.send("POST /noread HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello" + GET("/"));
    assertEquals((await c.readResponse())?.status, 200);
    assertEquals((await c.readResponse())?.text, "hello 2");
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("an answer to a body its handler did not read goes out before the rest of that body arrives", async () => {
  // A client that sends part of a body and waits (an early 412, 401 or 413) must get the answer:
  // the unread rest is drained after it is written, and the connection is kept once it ends.
  const srv = startServer(testHandler);
  const c = await RawClient.connect(srv.port);
  try {
    await c.send("POST /noread HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
    const res = await c.readResponse(2000);
    assertEquals([res?.status, res?.header("connection")], [200, undefined]);
    await c.send("defghij" + GET("/"));
    assertEquals((await c.readResponse())?.text, "hello 2");
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("an answer that failed validation closes even when it went out before the unread body", async () => {
  // The 500 that replaces it says `Connection: close`: the drain after it must not keep the
  // connection (RFC 9112 §9.6), nor the pipelined request after the body be served.
  const srv = startServer(testHandler);
  const c = await RawClient.connect(srv.port);
  try {
    await c.send("POST /bad-header HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
    const res = await c.readResponse(2000);
    assertEquals([res?.status, res?.header("connection")], [500, "close"]);
    await c.send("defghij" + GET("/"));
    assertEquals(await c.readAll(3000), "");
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("an answered request whose unread body stops arriving is closed at the body clock, with no 408 after the answer", async () => {
  const srv = startServer(testHandler, { bodyIdleTimeoutMs: 200 });
  const c = await RawClient.connect(srv.port);
  try {
    await c.send("POST /noread HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
    const raw = await c.readAll(3000);
    assert(raw.startsWith("HTTP/1.1 200 OK\r\n"), JSON.stringify(raw));
    assert(raw.endsWith("\r\n\r\nnot reading your body"), JSON.stringify(raw));
    assertEquals(srv.errors, []);
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("an unread body over the drain limit closes the connection", async () => {
  const srv = startServer(testHandler, { maxDrainBytes: 4 });
  const c = await RawClient.connect(srv.port);
  try {
    await c.send("POST /noread HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
    const res = await c.readResponse();
    assertEquals([res?.status, res?.header("connection")], [200, "close"]);
    assert(await c.closedByServer());
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("100 Continue is sent only when the handler reads the body", async () => {
  const srv = startServer(testHandler);
  const c = await RawClient.connect(srv.port);
  const n = await RawClient.connect(srv.port);
  try {
    await c.send(
      "POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n",
    );
    const interim = await c.readResponse();
    assertEquals(interim?.statusLine, "HTTP/1.1 100 Continue");
    await c.send("abc");
    const res = await c.readResponse();
    assertEquals([res?.text, res?.header("x-continue")], ["abc", "true"]);

    await n.send(
      "POST /noread HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n",
    );
    const final = await n.readResponse();
    assertEquals([final?.status, final?.header("connection")], [200, "close"]);
    assert(await n.closedByServer());
  } finally {
    c.close();
    n.close();
    await srv.close();
  }
});

Deno.test("an expectation other than 100-continue gets 417", async () => {
  const srv = startServer(testHandler);
  const c = await RawClient.connect(srv.port);
  try {
    await c.send("POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: fly\r\n\r\nabc");
    const res = await c.readResponse();
    assertEquals([res?.status, res?.header("connection")], [417, "close"]);
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("an empty Expect list is no expectation: answered and kept alive, not 417", async () => {
  const srv = startServer(testHandler);
  const c = await RawClient.connect(srv.port);
  try {
    await c.send("POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect:\r\n\r\nabc");
    const res = await c.readResponse();
    assertEquals([res?.status, res?.text, res?.header("x-continue")], [200, "abc", "false"]);
    await c.send(GET("/"));
    assertEquals((await c.readResponse())?.text, "hello 2");
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("100-continue listed twice (two Expect lines) still gets 100 Continue, not 417", async () => {
  const srv = startServer(testHandler);
  const c = await RawClient.connect(srv.port);
  try {
    await c.send(
      "POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n" +
        "Expect: 100-continue\r\n\r\n",
    );
    assertEquals((await c.readResponse())?.statusLine, "HTTP/1.1 100 Continue");
    await c.send("abc");
    const res = await c.readResponse();
    assertEquals([res?.status, res?.text, res?.header("x-continue")], [200, "abc", "true"]);
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("a throwing handler gets a 500 without internals and the server stays up", async () => {
  const srv = startServer(testHandler);
  const c = await RawClient.connect(srv.port);
  try {
    await c.send(GET("/throw") + GET("/"));
    const res = await c.readResponse();
    assertEquals(res?.status, 500);
    assert(!res?.text.includes("exploded"));
    assertEquals((await c.readResponse())?.text, "hello 2");
    assertEquals(srv.errors.length, 1);
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("a header value with CRLF from a handler becomes a 500, not an injected header", async () => {
  const srv = startServer(testHandler);
  const c = await RawClient.connect(srv.port);
  try {
    await c.send(GET("/bad-header"));
    const raw = await c.readAll();
    assert(raw.startsWith("HTTP/1.1 500 Internal Server Error\r\n"), raw);
    assert(!raw.includes("Injected"), raw);
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("shutdown lets an in-flight request finish and closes idle connections", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  const srv = startServer(async (req) => {
    if (req.path === "/slow") await gate;
    return { status: 200, body: "done" };
  });
  const busy = await RawClient.connect(srv.port);
  const idle = await RawClient.connect(srv.port);
  try {
    await idle.send(GET("/"));
    await idle.readResponse();
    await busy.send(GET("/slow"));
    await new Promise((r) => setTimeout(r, 50));
    const stopping = srv.server.shutdown(2000);
    assert(await idle.closedByServer(), "idle connection closed at once");
    release();
    const res = await busy.readResponse();
    assertEquals([res?.text, res?.header("connection")], ["done", "close"]);
    await stopping;
  } finally {
    busy.close();
    idle.close();
    await srv.close();
  }
});

Deno.test("a shutdown past its timeout ends though a handler never returns (a FIFO's open)", async () => {
  // A handler stuck on what closing its connection cannot stop: the shutdown closes the
  // connection at its timeout, waits a moment more, and is over.
  const srv = startServer(() => new Promise<never>(() => {}));
  const stuck = await RawClient.connect(srv.port);
  try {
    await stuck.send(GET("/stuck"));
    while (srv.server.requestCount === 0) await new Promise((r) => setTimeout(r, 5));
    const ended = await Promise.race([
      srv.server.shutdown(50).then(() => "ended"),
      new Promise((r) => setTimeout(() => r("still waiting"), 5_000)),
    ]);
    assertEquals(ended, "ended");
    assert(await stuck.closedByServer(), "the stuck connection is closed");
  } finally {
    stuck.close();
  }
});

Deno.test("canned error responses and timeouts reach the access log", async () => {
  const entries: Array<{ status: number; method: string; target: string }> = [];
  const srv = startServer(testHandler, { headerTimeoutMs: 100 }, {
    onResponse: (e) => entries.push({ status: e.status, method: e.method, target: e.target }),
  });
  const bad = await RawClient.connect(srv.port);
  const slow = await RawClient.connect(srv.port);
  try {
    await bad.send("GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
    await bad.readAll();
    await slow.send("GET /y HTTP/1.1\r\n");
    await slow.readAll();
    entries.sort((a, b) => a.status - b.status);
    assertEquals(entries, [
      { status: 400, method: "-", target: "-" },
      { status: 408, method: "-", target: "-" },
    ]);
  } finally {
    bad.close();
    slow.close();
    await srv.close();
  }
});

Deno.test("rawHead is the exact head even when read after a body that refilled the buffer", async () => {
  const heads: string[] = [];
  const srv = startServer(async (req) => {
    await readBodyBytes(req.body, 1 << 20);
    heads.push(new TextDecoder("latin1").decode(req.rawHead));
    return { status: 200, body: "ok" };
  }, { readBufferBytes: 256 });
  const c = await RawClient.connect(srv.port);
  const head =
    "POST /x HTTP/1.1\r\nHost: t\r\nX-A:  spaced  \r\nTransfer-Encoding: chunked\r\n\r\n";
  try {
    await c.send(head);
    // The chunked body arrives later, through the reader's own buffer: it is refilled over the head.
    await new Promise((r) => setTimeout(r, 30));
    await c.send(`bb8\r\n${"b".repeat(3000)}\r\n0\r\n\r\n`);
    assertEquals((await c.readResponse())?.text, "ok");
    assertEquals(heads, [head]);
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("rawHead read after its exchange ended throws instead of showing other bytes", async () => {
  let previous: HttpRequest | null = null;
  const srv = startServer((req) => {
    let seen = "none";
    if (previous !== null) {
      try {
        seen = `read ${previous.rawHead.length} bytes`;
      } catch {
        seen = "threw";
      }
    }
    previous = req;
    return { status: 200, body: seen };
  });
  const c = await RawClient.connect(srv.port);
  try {
    await c.send(GET("/a") + GET("/b"));
    assertEquals((await c.readResponse())?.text, "none");
    assertEquals((await c.readResponse())?.text, "threw");
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("a pipelined answer after a slow one carries a Date no older than the slow one's", async () => {
  // Only /slow answers later; /fast answers at once (a plain value, not a promise).
  const srv = startServer((req) => {
    const res = { status: 200, body: req.path };
    if (req.path !== "/slow") return res;
    return new Promise((resolve) => setTimeout(() => resolve(res), 1100));
  });
  const c = await RawClient.connect(srv.port);
  try {
    // Both heads arrive in one read: the second must not reuse the clock reading of that read.
    await c.send(GET("/slow") + GET("/fast"));
    const slow = await c.readResponse();
    const fast = await c.readResponse();
    assertEquals([slow?.text, fast?.text], ["/slow", "/fast"]);
    const dateOf = (r: typeof slow) => Date.parse(r?.header("date") ?? "");
    assert(dateOf(fast) >= dateOf(slow), `${fast?.header("date")} < ${slow?.header("date")}`);
  } finally {
    c.close();
    await srv.close();
  }
});
