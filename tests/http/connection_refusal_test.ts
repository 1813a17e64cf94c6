/**
 * Refusals past `maxConnections`, on fake sockets: the 503 first, then a half-close and input
 * read and dropped until the peer ends; one clock bounds the write and the linger; past
 * MAX_LINGERING_REFUSALS a refusal closes right after its 503; `closeAll` ends them all.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { ConnectionRefusals, MAX_LINGERING_REFUSALS } from "../../src/http/connection_refusal.ts";
import { makeLimits } from "../../src/http/limits.ts";

/** A socket whose write and reads wait until told (or closed); records what was done to it. */
function fakeConn(opts: { writeHangs?: boolean } = {}) {
  const calls: string[] = [];
  let endRead: ((n: number | null) => void) | null = null;
  let failWrite: ((e: Error) => void) | null = null;
  const conn = {
    calls,
    closed: false,
    written: "",
    write(data: Uint8Array): Promise<number> {
      calls.push("write");
      if (opts.writeHangs) return new Promise((_, reject) => failWrite = reject);
      conn.written += new TextDecoder().decode(data);
      return Promise.resolve(data.length);
    },
    closeWrite(): Promise<void> {
      calls.push("closeWrite");
      return Promise.resolve();
    },
    read(_buf: Uint8Array): Promise<number | null> {
      calls.push("read");
      return new Promise((resolve, reject) => {
        endRead = resolve;
        failWrite = reject;
      });
    },
    /** The peer sends `n` bytes (or ends its side with null). */
    peer(n: number | null) {
      endRead?.(n);
    },
    close(): void {
      if (conn.closed) throw new Error("closed twice");
      calls.push("close");
      conn.closed = true;
      failWrite?.(new Error("closed"));
    },
  };
  return conn;
}

const tick = () => new Promise((r) => setTimeout(r, 0));

Deno.test("a refusal answers 503, half-closes, drops input until the peer ends, then closes", async () => {
  const refusals = new ConnectionRefusals(makeLimits({ lingerTimeoutMs: 60_000 }));
  const conn = fakeConn();
  refusals.refuse(conn as unknown as Deno.Conn);
  await tick();
  assert(conn.written.startsWith("HTTP/1.1 503 "), conn.written);
  assertEquals(conn.calls, ["write", "closeWrite", "read"]);
  conn.peer(100);
  await tick();
  assertEquals(conn.closed, false, "still lingering while input arrives");
  conn.peer(null);
  await refusals.closeAll();
  assertEquals(conn.calls, ["write", "closeWrite", "read", "read", "close"]);
});

Deno.test("the linger clock also bounds a 503 whose write never ends (a TLS handshake never made)", async () => {
  const refusals = new ConnectionRefusals(makeLimits({ lingerTimeoutMs: 30 }));
  const conn = fakeConn({ writeHangs: true });
  refusals.refuse(conn as unknown as Deno.Conn);
  await new Promise((r) => setTimeout(r, 100));
  assertEquals(conn.calls, ["write", "close"]);
  await refusals.closeAll();
});

Deno.test("the linger clock ends a refusal whose peer keeps it open", async () => {
  const refusals = new ConnectionRefusals(makeLimits({ lingerTimeoutMs: 30 }));
  const conn = fakeConn();
  refusals.refuse(conn as unknown as Deno.Conn);
  await new Promise((r) => setTimeout(r, 100));
  assertEquals(conn.calls, ["write", "closeWrite", "read", "close"]);
  await refusals.closeAll();
});

Deno.test("past MAX_LINGERING_REFUSALS a refusal closes right after its 503; closeAll ends the rest", async () => {
  const refusals = new ConnectionRefusals(makeLimits({ lingerTimeoutMs: 60_000 }));
  const conns = Array.from({ length: MAX_LINGERING_REFUSALS + 1 }, () => fakeConn());
  for (const conn of conns) refusals.refuse(conn as unknown as Deno.Conn);
  await tick();
  const last = conns.at(-1)!;
  assertEquals(last.calls, ["write", "close"], "no room left to linger");
  assert(conns.slice(0, -1).every((c) => !c.closed && c.calls.includes("closeWrite")));
  await refusals.closeAll();
  assert(conns.every((c) => c.closed), "closeAll closed every lingering refusal");
});
