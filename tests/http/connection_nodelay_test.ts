/**
 * When a connection turns Nagle's algorithm off: before any write another may follow (so a small
 * write is never held for the client's ACK), and not for the one write that ends a
 * `Connection: close` exchange, whose close pushes it out anyway (a system call saved per such
 * request).
 */

import { assertEquals } from "../support/assert.ts";
import { byteStream, fakeConnection, serveToEnd } from "../support/fake_socket.ts";
import type { HttpResponse } from "../../src/http/types.ts";

const encoder = new TextEncoder();

/** Serves `requests` (then EOF) on a fake socket; returns the socket calls in order. */
async function socketCalls(requests: string, response: () => HttpResponse): Promise<string[]> {
  const calls: string[] = [];
  let sent = false;
  const readable = byteStream((controller) => {
    const byob = controller.byobRequest!;
    if (sent) {
      controller.close();
      byob.respond(0);
      return;
    }
    sent = true;
    const bytes = encoder.encode(requests);
    (byob.view as Uint8Array).set(bytes);
    byob.respond(bytes.length);
  });
  await serveToEnd(fakeConnection(
    {
      readable,
      setNoDelay: (on) => calls.push(`nodelay ${on}`),
      write: (b) => {
        calls.push("write");
        return Promise.resolve(b.length);
      },
      close: () => calls.push("close"),
    },
    response,
    { onError: (err) => calls.push(`error ${err}`) },
  ));
  return calls;
}

const small = (): HttpResponse => ({ status: 200, body: "hello" });

async function* pieces(): AsyncGenerator<Uint8Array> {
  yield encoder.encode("one");
  yield encoder.encode("two");
}

Deno.test("a Connection: close exchange answered in one write never sets TCP_NODELAY", async () => {
  const calls = await socketCalls(
    "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    small,
  );
  assertEquals(calls, ["write", "close"]);
});

Deno.test("a kept-alive connection sets TCP_NODELAY once, before its first write", async () => {
  const calls = await socketCalls(
    "GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\n",
    small,
  );
  assertEquals(calls, ["nodelay true", "write", "close"], "both answers coalesced in one write");
});

Deno.test("a closing exchange whose body takes several writes sets TCP_NODELAY first", async () => {
  const calls = await socketCalls(
    "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    () => ({ status: 200, body: { kind: "stream", stream: pieces(), flush: true } }),
  );
  assertEquals(calls[0], "nodelay true");
  assertEquals(calls.filter((c) => c === "nodelay true").length, 1);
  assertEquals(calls.filter((c) => c === "write").length > 1, true, calls.join(", "));
});
