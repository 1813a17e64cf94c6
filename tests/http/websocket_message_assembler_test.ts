/**
 * Data frames joined into messages without a socket: fragment order, UTF-8 checked as it
 * arrives, and the byte limit judged from the headers across fragments (RFC 6455 §5.4).
 */

import { assertEquals } from "../support/assert.ts";
import { WebSocketMessageAssembler } from "../../src/http/websocket_message_assembler.ts";
import { heldBodies } from "../../src/http/buffer_budget.ts";

const TEXT = 0x1;
const BINARY = 0x2;
const CONTINUATION = 0x0;
const bytes = (text: string) => new TextEncoder().encode(text);

/** Feeds `frames` in order; what the last `add` returned, or the first fault's close code. */
function feed(
  assembler: WebSocketMessageAssembler,
  frames: Array<[number, Uint8Array, boolean]>,
): unknown {
  let last: unknown = null;
  try {
    for (const [opcode, payload, fin] of frames) {
      const fault = assembler.begin(opcode, payload.length);
      if (fault !== null) return fault.code;
      last = assembler.add(payload, fin);
      if (last !== null && typeof last === "object" && "code" in last) return last.code;
    }
    return structuredClone(last); // the message is lent until the next one is asked for
  } finally {
    assembler.reset(); // gives its held bytes back to the shared budget
  }
}

Deno.test("fragments join in order, a character split between them included", () => {
  const e = bytes("é");
  const text = feed(new WebSocketMessageAssembler(64), [
    [TEXT, bytes("caf"), false],
    [CONTINUATION, e.subarray(0, 1), false],
    [CONTINUATION, e.subarray(1), true],
  ]);
  assertEquals(text, { type: "text", data: "café" });
  const binary = feed(new WebSocketMessageAssembler(64), [
    [BINARY, Uint8Array.of(1, 2), false],
    [CONTINUATION, new Uint8Array(0), false],
    [CONTINUATION, Uint8Array.of(3), true],
  ]);
  assertEquals(binary, { type: "binary", data: Uint8Array.of(1, 2, 3) });
});

Deno.test("a new message inside a fragmented one gets close 1002", () => {
  const got = feed(new WebSocketMessageAssembler(64), [
    [TEXT, bytes("a"), false],
    [BINARY, bytes("b"), true],
  ]);
  assertEquals(got, 1002);
});

Deno.test("invalid UTF-8 gets close 1007 at the fragment that holds it, before the message ends", () => {
  const assembler = new WebSocketMessageAssembler(64);
  assertEquals(feed(assembler, [[TEXT, Uint8Array.of(0x68, 0xc3, 0x28), false]]), 1007);
});

Deno.test("the byte limit counts every fragment: at the limit a message passes, one past it 1009", () => {
  const at = feed(new WebSocketMessageAssembler(4), [
    [BINARY, new Uint8Array(2), false],
    [CONTINUATION, new Uint8Array(2), true],
  ]);
  assertEquals(at, { type: "binary", data: new Uint8Array(4) });
  const past = feed(new WebSocketMessageAssembler(4), [
    [BINARY, new Uint8Array(2), false],
    [CONTINUATION, new Uint8Array(3), true],
  ]);
  assertEquals(past, 1009);
});

Deno.test("reset forgets a message in progress, so the next frame starts a new one", () => {
  const assembler = new WebSocketMessageAssembler(64);
  assertEquals(assembler.begin(TEXT, 7), null);
  assertEquals(assembler.add(bytes("dropped"), false), null);
  assembler.reset();
  assertEquals(feed(assembler, [[BINARY, Uint8Array.of(7), true]]), {
    type: "binary",
    data: Uint8Array.of(7),
  });
});

Deno.test("a leading U+FEFF is part of the text, whole or fragmented, not a byte-order mark", () => {
  const bom = Uint8Array.of(0xef, 0xbb, 0xbf);
  const cases: Array<Array<[number, Uint8Array, boolean]>> = [
    [[TEXT, bom, true]],
    [[TEXT, bytes("\uFEFFhello"), true]],
    [[TEXT, bytes("\uFEFF" + "a".repeat(2000)), true]],
    [[TEXT, bom.subarray(0, 2), false], [CONTINUATION, bytes("\uFEFFhi").subarray(2), true]],
    [[TEXT, bytes("\uFEFF\uFEFF"), true]],
  ];
  const expected = [
    "\uFEFF",
    "\uFEFFhello",
    "\uFEFF" + "a".repeat(2000),
    "\uFEFFhi",
    "\uFEFF\uFEFF",
  ];
  cases.forEach((frames, i) => {
    assertEquals(feed(new WebSocketMessageAssembler(4096), frames), {
      type: "text",
      data: expected[i],
    });
  });
});

Deno.test("a fragment charged as it was read is not charged again when joined; one read in place is", () => {
  const before = heldBodies.left;
  const assembler = new WebSocketMessageAssembler(1 << 20);
  const piece = new Uint8Array(1000);
  // As the session read it into a buffer of its own, charging the budget as it grew.
  assertEquals(assembler.hold(piece.length), true);
  assertEquals(assembler.begin(BINARY, piece.length), null);
  assertEquals(assembler.add(piece, false, true), null);
  assertEquals(before - heldBodies.left, 1000, "one charge for the bytes, not two");
  // A fragment lent from the reader's own buffer is charged when copied.
  assertEquals(assembler.begin(CONTINUATION, piece.length), null);
  assertEquals(assembler.add(piece, true), { type: "binary", data: new Uint8Array(2000) });
  assertEquals(before - heldBodies.left, 2000);
  assembler.reset();
  assertEquals(heldBodies.left, before);
});
