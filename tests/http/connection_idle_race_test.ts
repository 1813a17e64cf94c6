/**
 * A request whose bytes arrive in the same turn as the idle clock closes the connection is not
 * run: its answer could never go out, and a client may safely resend a request only when the
 * server did not act on it (RFC 9112 §9.3.1). A real-client probe saw a davfs2 PUT written, then
 * retried with its old precondition and refused 412, because the first attempt went unanswered.
 */

import { assertEquals } from "../support/assert.ts";
import { byteStream, fakeConnection, serveToEnd } from "../support/fake_socket.ts";
import type { Connection } from "../../src/http/connection.ts";

const encoder = new TextEncoder();

Deno.test("a request read as the idle clock closes the connection is never handled", async () => {
  const requests = [
    "GET /first HTTP/1.1\r\nHost: t\r\n\r\n",
    "DELETE /second HTTP/1.1\r\nHost: t\r\n\r\n",
  ];
  let connection: Connection | null = null;
  let reads = 0;
  const readable = byteStream((controller) => {
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
  });
  const handled: string[] = [];
  const made = fakeConnection({ readable }, (req) => {
    handled.push(`${req.method} ${req.path}`);
    return { status: 204 };
  });
  connection = made.connection;
  await serveToEnd(made);
  assertEquals(handled, ["GET /first"]);
});
