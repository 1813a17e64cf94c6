/**
 * Interim responses (`HttpRequest.sendInterim`) on a real connection, byte for byte: a 1xx goes
 * out ahead of the final answer with exactly its own fields, never to an HTTP/1.0 client, never
 * as 101, and never once the handler has returned.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { RawClient, startServer } from "../support/server.ts";
import type { HttpRequest, HttpResponse } from "../../src/http/types.ts";

/** Everything the server sent for one request until it closed (Connection: close is asked). */
async function exchange(
  handler: (req: HttpRequest) => Promise<HttpResponse>,
  request: string,
): Promise<{ wire: string; errors: unknown[] }> {
  const srv = startServer(handler);
  try {
    const client = await RawClient.connect(srv.port);
    await client.send(request);
    const wire = await client.readAll();
    client.close();
    return { wire, errors: srv.errors };
  } finally {
    await srv.close();
  }
}

const ok = (): HttpResponse => ({ status: 200, body: "done" });

Deno.test("sendInterim puts a 104 with its fields on the wire ahead of the final answer", async () => {
  const { wire } = await exchange(async (req) => {
    await req.sendInterim(104, [["Location", "/api/uploads/abc"], ["Upload-Limit", "max-size=9"]]);
    return ok();
  }, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const interim =
    "HTTP/1.1 104 Upload Resumption Supported\r\nLocation: /api/uploads/abc\r\nUpload-Limit: max-size=9\r\n\r\n";
  assert(wire.startsWith(interim), wire);
  assert(wire.slice(interim.length).startsWith("HTTP/1.1 200 OK\r\n"), wire);
  assert(wire.endsWith("\r\n\r\ndone"), wire);
});

Deno.test("sendInterim can send several interims, each a complete head", async () => {
  const { wire } = await exchange(async (req) => {
    await req.sendInterim(104, [["Upload-Offset", "1"]]);
    await req.sendInterim(103, [["Link", "</a.css>; rel=preload"]]);
    return ok();
  }, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  assert(
    wire.startsWith(
      "HTTP/1.1 104 Upload Resumption Supported\r\nUpload-Offset: 1\r\n\r\n" +
        "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\n",
    ),
    wire,
  );
});

Deno.test("sendInterim sends nothing to an HTTP/1.0 client (RFC 9110 §15.2)", async () => {
  const { wire } = await exchange(async (req) => {
    await req.sendInterim(104, [["Location", "/x"]]);
    return ok();
  }, "GET / HTTP/1.0\r\nHost: x\r\n\r\n");
  assert(wire.startsWith("HTTP/1.1 200 OK\r\n"), wire);
  assert(!wire.includes("104"), wire);
});

Deno.test("sendInterim refuses 101 and final statuses; the handler's error becomes a 500", async () => {
  for (const status of [101, 200, 99, 404]) {
    const { wire, errors } = await exchange(async (req) => {
      await req.sendInterim(status);
      return ok();
    }, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert(wire.startsWith("HTTP/1.1 500 "), `${status}: ${wire}`);
    assertEquals(errors.length, 1);
  }
});

Deno.test("sendInterim refuses a field value that would split the head, sending nothing of it", async () => {
  const { wire } = await exchange(async (req) => {
    try {
      await req.sendInterim(104, [["Location", "/x\r\nSet-Cookie: a=b"]]);
    } catch {
      return { status: 400, body: "refused" };
    }
    return ok();
  }, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  assert(wire.startsWith("HTTP/1.1 400 Bad Request\r\n"), wire);
  assert(!wire.includes("Set-Cookie"), wire);
});

Deno.test("sendInterim after the handler returned sends nothing", async () => {
  let late: HttpRequest | null = null;
  const srv = startServer((req) => {
    late = req;
    return ok();
  });
  try {
    const client = await RawClient.connect(srv.port);
    await client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    const first = await client.readResponse();
    assertEquals(first?.status, 200);
    await late!.sendInterim(104, [["Location", "/late"]]);
    await client.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const rest = await client.readAll();
    assert(rest.startsWith("HTTP/1.1 200 OK\r\n") && !rest.includes("/late"), rest);
    client.close();
  } finally {
    await srv.close();
  }
});

Deno.test("sendInterim before reading keeps 100 Continue for a client that expects it", async () => {
  const srv = startServer(async (req) => {
    await req.sendInterim(104, [["Location", "/u/1"]]);
    let n = 0;
    for (let p = await req.body.read(); p !== null; p = await req.body.read()) n += p.length;
    return { status: 200, body: String(n) };
  });
  try {
    const client = await RawClient.connect(srv.port);
    await client.send(
      "PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n" +
        "Connection: close\r\n\r\n",
    );
    const interim = await client.readResponse();
    assertEquals(interim?.statusLine, "HTTP/1.1 104 Upload Resumption Supported");
    const cont = await client.readResponse();
    assertEquals(cont?.statusLine, "HTTP/1.1 100 Continue");
    await client.send("abc");
    const final = await client.readResponse();
    assertEquals([final?.status, final?.text], [200, "3"]);
    client.close();
  } finally {
    await srv.close();
  }
});
