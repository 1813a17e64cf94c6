/**
 * A client that vanishes while the handler works — here before its `100 Continue` could be sent,
 * so the handler's first body read fails with BrokenPipe — is no server error: no error line
 * (the fuzzer saw one stack per such request), and its one access-log line says `client-gone`. An
 * answer that is ready only after its connection closed is released (its stream cancelled). A
 * TLS peer that closes without close_notify (`UnexpectedEof`) is a disconnect like any other.
 */

import { assertEquals } from "../support/assert.ts";
import { RawClient, startServer } from "../support/server.ts";
import { byteStream, fakeConnection, serveToEnd } from "../support/fake_socket.ts";
import type { AccessEntry } from "../../src/http/access_entry.ts";
import { isDisconnect } from "../../src/http/errors.ts";

const HEAD = "PUT /x HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n";

Deno.test("a BrokenPipe while the handler reads its body is logged as client-gone, not an error", async () => {
  let sent = false;
  let close = () => {};
  const closed = new Promise<void>((r) => close = r);
  const readable = byteStream(async (controller) => {
    const byob = controller.byobRequest!;
    if (!sent) {
      sent = true;
      const head = new TextEncoder().encode(HEAD);
      (byob.view as Uint8Array).set(head);
      byob.respond(head.length);
      return;
    }
    await closed; // the client sends nothing more
    controller.close();
    byob.respond(0);
  });
  const errors: unknown[] = [];
  const log: AccessEntry[] = [];
  await serveToEnd(fakeConnection(
    {
      readable,
      write: () => Promise.reject(new Deno.errors.BrokenPipe("Broken pipe (os error 32)")),
      close,
    },
    async (req) => {
      await req.body.read(); // sends the 100 first: the write fails
      return { status: 201 };
    },
    { onError: (err) => errors.push(err), onResponse: (e) => log.push(e) },
  ));
  assertEquals(errors, []);
  assertEquals(log.map((e) => [e.method, e.status, e.ended]), [["PUT", 0, "client-gone"]]);
});

Deno.test("an answer ready only after its connection was closed is released, not dropped", async () => {
  let release = () => {};
  const gate = new Promise<void>((r) => release = r);
  let cancelled = false;
  let handlerDone = () => {};
  const returned = new Promise<void>((r) => handlerDone = r);
  const srv = startServer(async () => {
    await gate;
    handlerDone();
    return {
      status: 200,
      // A producer that would hold its place (a file, a zip's share) until it is cancelled.
      body: {
        kind: "stream" as const,
        stream: new ReadableStream<Uint8Array>({
          pull: (c) => c.enqueue(new Uint8Array(1024)),
          cancel: () => {
            cancelled = true;
          },
        }),
      },
    };
  });
  const client = await RawClient.connect(srv.port);
  try {
    await client.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
    while (srv.server.requestCount === 0) await new Promise((r) => setTimeout(r, 5));
    // The shutdown's timeout closes the connection while the handler still works.
    const stopping = srv.server.shutdown(50);
    await new Promise((r) => setTimeout(r, 100));
    release();
    await returned;
    await stopping;
    await new Promise((r) => setTimeout(r, 20));
    assertEquals(cancelled, true, "the unsent body's producer was never cancelled");
  } finally {
    client.close();
  }
});

Deno.test("isDisconnect counts a TLS peer gone without close_notify as a disconnect", () => {
  const gone = [
    new Deno.errors.UnexpectedEof("peer closed connection without sending TLS close_notify"),
    new Deno.errors.ConnectionReset("Connection reset by peer (os error 104)"),
    new Deno.errors.BrokenPipe("Broken pipe (os error 32)"),
  ];
  const faults = [new Error("boom"), new Deno.errors.InvalidData("bad certificate")];
  assertEquals(gone.map(isDisconnect), [true, true, true]);
  assertEquals(faults.map(isDisconnect), [false, false]);
});

Deno.test("a TLS client that closes without close_notify between requests is no server error", async () => {
  let sent = false;
  const head = new TextEncoder().encode("GET /x HTTP/1.1\r\nHost: t\r\n\r\n");
  const readable = byteStream((controller) => {
    const byob = controller.byobRequest!;
    if (sent) {
      // What rustls reports when the peer's TCP stream ends without the closure alert.
      controller.error(
        new Deno.errors.UnexpectedEof("peer closed connection without sending TLS close_notify"),
      );
      return;
    }
    sent = true;
    (byob.view as Uint8Array).set(head);
    byob.respond(head.length);
  });
  const errors: unknown[] = [];
  const log: AccessEntry[] = [];
  await serveToEnd(fakeConnection(
    {
      readable,
      read: () => Promise.reject(new Deno.errors.UnexpectedEof("peer closed connection")),
    },
    () => ({ status: 200, body: "ok" }),
    { tls: true, onError: (err) => errors.push(err), onResponse: (e) => log.push(e) },
  ));
  assertEquals(errors, []);
  assertEquals(log.map((e) => [e.method, e.status]), [["GET", 200]]);
});

Deno.test("a body that fails on the server's side half-way is logged as ended=error, not client-gone", async () => {
  const log: AccessEntry[] = [];
  let pulls = 0;
  const srv = startServer(
    () => ({
      status: 200,
      body: {
        kind: "stream" as const,
        stream: new ReadableStream<Uint8Array>({
          pull: (c) => {
            // One piece, then the producer fails (a zip whose file vanished, say).
            if (pulls++ === 0) c.enqueue(new Uint8Array(100).fill(0x61));
            else c.error(new Error("the producer failed"));
          },
        }),
      },
    }),
    {},
    { onResponse: (e) => log.push(e) },
  );
  const client = await RawClient.connect(srv.port);
  try {
    await client.send("GET /zip HTTP/1.1\r\nHost: t\r\n\r\n");
    await client.readAll(); // the connection is closed: the chunked body never ends
    while (log.length === 0) await new Promise((r) => setTimeout(r, 5));
    assertEquals(log.map((e) => [e.status, e.ended]), [[200, "error"]]);
    assertEquals(srv.errors.length, 1, "the failure is reported as an error too");
  } finally {
    client.close();
    await srv.close();
  }
});
