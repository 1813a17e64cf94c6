/**
 * Named attack requests over real TCP: each must get its error status, the connection must
 * close, and the request smuggled behind it must never be answered.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { RawClient, startServer } from "../support/server.ts";
import { testHandler } from "../support/test_handler.ts";

const SMUGGLED = "GET /path?smuggled HTTP/1.1\r\nHost: t\r\n\r\n";

const ATTACKS: Array<{ name: string; request: string; status: number }> = [
  {
    name: "smuggle-cl-te",
    request: "POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n" +
      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED,
    status: 400,
  },
  {
    name: "smuggle-te-cl",
    request: "POST /body HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n" +
      `Content-Length: 4\r\n\r\n${SMUGGLED.length.toString(16)}\r\n${SMUGGLED}\r\n0\r\n\r\n`,
    status: 400,
  },
  {
    name: "smuggle-two-cl",
    request: "POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nContent-Length: 41\r\n\r\n" +
      SMUGGLED,
    status: 400,
  },
  {
    name: "smuggle-te-obfuscated",
    request: "POST /body HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: xchunked\r\n\r\n" + SMUGGLED,
    status: 400,
  },
  {
    name: "smuggle-te-space-before-colon",
    request: "POST /body HTTP/1.1\r\nHost: t\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n" +
      SMUGGLED,
    status: 400,
  },
  {
    name: "smuggle-te-in-http10",
    request: "POST /body HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED,
    status: 400,
  },
  {
    name: "smuggle-chunk-size-overflow",
    request: "POST /body HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" +
      "10000000000000000000000000000001\r\nA\r\n0\r\n\r\n" + SMUGGLED,
    status: 400,
  },
  {
    name: "smuggle-chunk-data-too-long",
    request: "POST /body HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" +
      `3\r\nabc${SMUGGLED}\r\n0\r\n\r\n`,
    status: 400,
  },
  {
    name: "smuggle-bare-lf-chunk",
    request: "POST /body HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" +
      "3\nabc\r\n0\r\n\r\n" + SMUGGLED,
    status: 400,
  },
  {
    name: "obs-fold",
    request: "GET / HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n  folded\r\n\r\n" + SMUGGLED,
    status: 400,
  },
  {
    name: "bare-lf-head",
    request: "GET / HTTP/1.1\nHost: t\n\n" + SMUGGLED,
    status: 400,
  },
  {
    name: "bare-cr-in-value",
    request: "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\rb\r\n\r\n" + SMUGGLED,
    status: 400,
  },
  {
    name: "nul-in-value",
    request: "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\0b\r\n\r\n" + SMUGGLED,
    status: 400,
  },
  { name: "missing-host", request: "GET / HTTP/1.1\r\n\r\n" + SMUGGLED, status: 400 },
  {
    name: "two-hosts",
    request: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n" + SMUGGLED,
    status: 400,
  },
  { name: "bad-version", request: "GET / HTTP/2.0\r\nHost: t\r\n\r\n" + SMUGGLED, status: 505 },
  {
    name: "te-gzip-chunked",
    request: "POST /body HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" +
      SMUGGLED,
    status: 501,
  },
  {
    name: "cl-plus-sign",
    request: "POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: +3\r\n\r\nabc" + SMUGGLED,
    status: 400,
  },
];

for (const attack of ATTACKS) {
  Deno.test(`${attack.name} gets ${attack.status}, closes, and nothing smuggled is answered`, async () => {
    const srv = startServer(testHandler);
    const c = await RawClient.connect(srv.port);
    try {
      await c.send(attack.request);
      const raw = await c.readAll(3000);
      assert(raw.startsWith(`HTTP/1.1 ${attack.status} `), raw);
      assert(raw.includes("Connection: close\r\n"), raw);
      assertEquals(raw.split("HTTP/1.1 ").length, 2, `exactly one response: ${raw}`);
      assert(!raw.includes("smuggled"), raw);
      // The server is still up for the next client.
      const next = await RawClient.connect(srv.port);
      await next.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
      assertEquals((await next.readResponse())?.status, 200);
      next.close();
    } finally {
      c.close();
      await srv.close();
    }
  });
}

Deno.test("smuggle-repeated-line-bare-lf: a keep-alive head repeating the last one's Content-Length line with one more digit and a bare LF gets 400, and its body is never a request", async () => {
  // `Content-Length: 44` + LF spells the first head's `Content-Length: 4` up to its last byte.
  // Taken as a repeat, the length was 4 and the rest of the 44-byte body the next request.
  const body = `abcd${SMUGGLED}`;
  assertEquals(body.length, 44);
  const srv = startServer(testHandler);
  const c = await RawClient.connect(srv.port);
  try {
    await c.send(
      "POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nabcd" +
        `POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 44\n\r\n${body}`,
    );
    const first = await c.readResponse();
    assertEquals(first?.status, 200);
    assertEquals(first?.text, "abcd");
    const raw = await c.readAll(3000);
    assert(raw.startsWith("HTTP/1.1 400 "), raw);
    assert(raw.includes("Connection: close\r\n"), raw);
    assertEquals(raw.split("HTTP/1.1 ").length, 2, `exactly one more response: ${raw}`);
    assert(!raw.includes("smuggled"), raw);
  } finally {
    c.close();
    await srv.close();
  }
});
