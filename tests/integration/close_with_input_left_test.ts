/**
 * Closing a connection whose client sent more than was answered: the answer must arrive whole
 * (a close over unread input resets the connection and can erase it, RFC 9112 §9.6); a body
 * that breaks the chunked grammar is answered with 400, whatever the handler made of the
 * request (RFC 9112 §2.2); and a refused CONNECT closes, since what follows its head is the
 * client's tunnel, not a request (RFC 9110 §9.3.6).
 */

import { assert, assertEquals } from "../support/assert.ts";
import { RawClient, startServer } from "../support/server.ts";
import { testHandler } from "../support/test_handler.ts";
import type { Handler } from "../../src/http/types.ts";

const BIG_BYTES = 4 * 1024 * 1024;
const big = new Uint8Array(BIG_BYTES).fill(0x61);

/** testHandler, plus `/big`: 4 MiB, more than the socket buffers hold at once. */
const handler: Handler = (req) => {
  if (req.path === "/big") return { status: 200, body: big };
  return testHandler(req);
};

/** A request with a 20 KB header: more than one read of the server's buffer. */
const FOLLOWER = `GET /path HTTP/1.1\r\nHost: t\r\nCookie: ${"c".repeat(20_000)}\r\n\r\n`;

/** Bytes of the body after the head in `response` (latin1). */
function bodyBytes(response: string): number {
  const end = response.indexOf("\r\n\r\n");
  return end < 0 ? -1 : response.length - end - 4;
}

for (
  const [name, first] of [
    ["Connection: close", "GET /big HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"],
    ["an HTTP/1.0 request", "GET /big HTTP/1.0\r\n\r\n"],
  ]
) {
  Deno.test(`an answer to ${name} arrives whole though pipelined input is left unread`, async () => {
    const srv = startServer(handler);
    try {
      for (let round = 0; round < 3; round++) {
        const client = await RawClient.connect(srv.port);
        try {
          await client.send(first + FOLLOWER);
          // The server answers and closes while our follower sits unread in its buffers; only
          // then do we read, as a client busy elsewhere would.
          await new Promise((r) => setTimeout(r, 200));
          const response = await client.readAll(5000);
          assert(response.startsWith("HTTP/1.1 200 OK\r\n"), response.slice(0, 80));
          assertEquals(bodyBytes(response), BIG_BYTES, `round ${round}`);
          assert(!response.includes("GET /path"), "the follower is never answered");
        } finally {
          client.close();
        }
      }
    } finally {
      await srv.close();
    }
  });
}

Deno.test("a malformed chunked body a handler left unread is answered 400, not the handler's 200", async () => {
  const srv = startServer(handler);
  try {
    for (const method of ["GET", "POST", "HEAD"]) {
      const client = await RawClient.connect(srv.port);
      try {
        await client.send(
          `${method} /noread HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`,
        );
        const response = await client.readAll(3000);
        assert(response.startsWith("HTTP/1.1 400 "), `${method}: ${response.slice(0, 80)}`);
        assert(!response.includes("not reading your body"), method);
        assert(response.includes("Connection: close"), method);
      } finally {
        client.close();
      }
    }
    // A well-formed chunked body the handler left unread is drained and the handler's answer goes.
    const client = await RawClient.connect(srv.port);
    try {
      await client.send(
        "POST /noread HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" +
          "GET / HTTP/1.1\r\nHost: t\r\n\r\n",
      );
      const first = await client.readResponse();
      assertEquals(first?.status, 200);
      assertEquals(new TextDecoder().decode(first?.body), "not reading your body");
      assertEquals((await client.readResponse())?.status, 200, "kept alive");
    } finally {
      client.close();
    }
  } finally {
    await srv.close();
  }
});

Deno.test("a CONNECT is answered and closed: what follows its head is never read as a request", async () => {
  const srv = startServer(handler);
  try {
    const client = await RawClient.connect(srv.port);
    try {
      await client.send(
        "CONNECT x:80 HTTP/1.1\r\nHost: x:80\r\n\r\nGET /path?smuggled HTTP/1.1\r\nHost: t\r\n\r\n",
      );
      const response = await client.readAll(3000);
      assert(response.startsWith("HTTP/1.1 "), response.slice(0, 80));
      assert(response.includes("Connection: close"), response.slice(0, 300));
      assert(!response.includes("smuggled"), response);
      assertEquals(response.split("HTTP/1.1 ").length - 1, 1, "one answer");
    } finally {
      client.close();
    }
  } finally {
    await srv.close();
  }
});
