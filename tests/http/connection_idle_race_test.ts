/**
 * A request whose bytes arrive in the same turn as the idle clock closes the connection is not
 * run: its answer could never go out, and a client may safely resend a request only when the
 * server did not act on it (RFC 9112 §9.3.1). A real-client probe saw a davfs2 PUT written, then
 * retried with its old precondition and refused 412, because the first attempt went unanswered.
 */

import { assertEquals } from "../support/assert.ts";
import { Connection } from "../../src/http/connection.ts";
import { DeadlineClock } from "../../src/http/deadline_clock.ts";
import { DEFAULT_LIMITS } from "../../src/http/limits.ts";

const encoder = new TextEncoder();

Deno.test("a request read as the idle clock closes the connection is never handled", async () => {
  const requests = [
    "GET /first HTTP/1.1\r\nHost: t\r\n\r\n",
    "DELETE /second HTTP/1.1\r\nHost: t\r\n\r\n",
  ];
  let connection: Connection | null = null;
  let reads = 0;
  const readable = new ReadableStream({
    type: "bytes",
    pull(controller: ReadableByteStreamController) {
      const byob = controller.byobRequest!;
      const next = requests[reads++];
      if (next === undefined) {
        controller.close();
        byob.respond(0);
        return;
      }
      // The second request lands just as the idle clock fires: the clock closes first.
      if (reads === 2) connection!.close();
      const bytes = encoder.encode(next);
      (byob.view as Uint8Array).set(bytes);
      byob.respond(bytes.length);
    },
  });
  const conn = {
    readable,
    remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 },
    write: (b: Uint8Array) => Promise.resolve(b.length),
    close: () => {},
    closeWrite: () => Promise.resolve(),
  } as unknown as Deno.Conn;
  const clock = new DeadlineClock(100);
  const handled: string[] = [];
  connection = new Connection(conn, 1, {
    limits: DEFAULT_LIMITS,
    handler: (req) => {
      handled.push(`${req.method} ${req.path}`);
      return { status: 204 };
    },
    clock,
    tls: false,
    shuttingDown: () => false,
    onError: () => {},
    activity: { requests: 0 },
  });
  await connection.serve();
  clock.stop();
  assertEquals(handled, ["GET /first"]);
});
