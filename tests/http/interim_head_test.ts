/**
 * Interim heads appended to an output buffer, byte for byte: a 1xx has its status line and
 * fields only, the 101 adds Server, Date and `Connection: Upgrade`, and a refused field leaves
 * nothing of the head behind.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { HttpError } from "../../src/http/errors.ts";
import { appendInterimHead, appendSwitchHead } from "../../src/http/interim_head.ts";
import { OutputBuffer } from "../../src/http/output_buffer.ts";

const NOW = Date.UTC(2001, 1, 3, 4, 5, 6);
const DATE_LINE = "Date: Sat, 03 Feb 2001 04:05:06 GMT\r\n";
const BEFORE = new TextEncoder().encode("gathered before\r\n");

function text(out: OutputBuffer): string {
  const bytes = out.take();
  out.release();
  return String.fromCharCode(...bytes);
}

Deno.test("appendInterimHead writes the status line, the fields and the empty line only", () => {
  const out = new OutputBuffer(1024);
  appendInterimHead(out, 103, [["Link", "</s.css>; rel=preload"], ["Content-Length", "5"]]);
  // The writer owns Content-Length: a handler's is dropped, and a 1xx has no Date or Server.
  assertEquals(text(out), "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n");
});

Deno.test("appendSwitchHead writes 101 with Server, Date, the fields and Connection: Upgrade", () => {
  const out = new OutputBuffer(1024);
  appendSwitchHead(out, [["Upgrade", "websocket"], ["Sec-WebSocket-Accept", "abc="]], NOW);
  assertEquals(
    text(out),
    `HTTP/1.1 101 Switching Protocols\r\nServer: wireserve\r\n${DATE_LINE}` +
      "Upgrade: websocket\r\nSec-WebSocket-Accept: abc=\r\nConnection: Upgrade\r\n\r\n",
  );
});

Deno.test("interim heads leave nothing of a head they refuse, keeping what was gathered before", () => {
  const bad: Array<[string, string]> = [["X-Ok", "1"], ["X-Bad", "a\r\nInjected: 1"]];
  const appends: Array<[string, (out: OutputBuffer) => void]> = [
    ["interim", (out) => appendInterimHead(out, 104, bad)],
    ["switch", (out) => appendSwitchHead(out, bad, NOW)],
  ];
  for (const [label, append] of appends) {
    const out = new OutputBuffer(1024);
    out.append(BEFORE);
    let error: unknown;
    try {
      append(out);
    } catch (err) {
      error = err;
    }
    assert(error instanceof HttpError && error.kind === "internal", label);
    assertEquals(text(out), "gathered before\r\n", label);
  }
});
