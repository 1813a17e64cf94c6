/**
 * `HttpRequest.abort` on a real connection: a handler waiting on a body read that will not come
 * (a client gone silent) ends its own exchange — the read fails at once, the connection closes,
 * nothing is answered — and an abort after the handler returned changes nothing.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { RawClient, startServer } from "../support/server.ts";
import { HttpError } from "../../src/http/errors.ts";
import type { HttpRequest } from "../../src/http/types.ts";

Deno.test("abort ends a body read that waits on a silent client, and closes without an answer", async () => {
  let failure: unknown = null;
  let took = -1;
  const srv = startServer(async (req: HttpRequest) => {
    assertEquals(new TextDecoder().decode((await req.body.read())!), "12345");
    const started = Date.now();
    setTimeout(() => req.abort!(), 50);
    try {
      await req.body.read(); // the client sends nothing more
    } catch (err) {
      failure = err;
    }
    took = Date.now() - started;
    return { status: 200, body: "never sent" };
  }, { bodyIdleTimeoutMs: 10_000 });
  try {
    const client = await RawClient.connect(srv.port);
    await client.send("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n12345");
    assertEquals(await client.readAll(), "");
    client.close();
    assert(failure instanceof HttpError && failure.kind === "clientGone", String(failure));
    assert(took < 1000, `the read took ${took} ms to fail`);
  } finally {
    await srv.close();
  }
});

Deno.test("abort after the handler returned leaves the answer and the connection alone", async () => {
  let later: HttpRequest | null = null;
  const srv = startServer((req: HttpRequest) => {
    later = req;
    return Promise.resolve({ status: 200, body: "ok" });
  });
  try {
    const client = await RawClient.connect(srv.port);
    await client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
    assertEquals((await client.readResponse())?.status, 200);
    later!.abort!();
    await client.send("GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertEquals((await client.readResponse())?.status, 200);
    client.close();
  } finally {
    await srv.close();
  }
});
