/** The WebSocket frame codec and handshake value, byte by byte (RFC 6455 §5, §4.2.2). */

import { assert, assertEquals } from "../support/assert.ts";
import {
  CLOSE,
  closePayload,
  closeReplyCode,
  encodeFrame,
  frameStartError,
  isSendableCloseCode,
  payloadLength,
  unmask,
} from "../../src/http/websocket_frame.ts";
import { acceptKey } from "../../src/http/websocket_handshake.ts";

Deno.test("acceptKey gives RFC 6455 §1.3's answer for its sample key", () => {
  assertEquals(acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
});

Deno.test("encodeFrame picks the 7-bit, 16-bit and 64-bit length forms at their edges", () => {
  for (const [n, header] of [[125, 2], [126, 4], [65535, 4], [65536, 10]] as const) {
    const f = encodeFrame(0x2, new Uint8Array(n));
    assertEquals(f.length, header + n, `length ${n}`);
    assertEquals(f[0], 0x82);
    assertEquals(f[1] & 0x80, 0, "server frames are unmasked");
  }
  assertEquals([...encodeFrame(0x1, new Uint8Array([0x61]), false)], [0x01, 0x01, 0x61]);
});

Deno.test("unmask gives the same bytes by words and byte by byte, at any offset", () => {
  const key = new Uint8Array([1, 2, 3, 4]);
  const data = Uint8Array.from({ length: 103 }, (_, i) => i * 5);
  for (const offset of [0, 1, 3, 4]) {
    for (const shift of [0, 1, 2, 3]) {
      // `shift`: the view starts off a 4-byte boundary of its memory (a frame inside a buffer).
      const fast = new Uint8Array(new ArrayBuffer(data.length + 4), shift, data.length);
      fast.set(data);
      unmask(fast, key, offset);
      const slow = data.map((b, i) => b ^ key[(offset + i) & 3]);
      assertEquals(fast, slow, `offset ${offset}, memory shift ${shift}`);
    }
  }
});

Deno.test("frameStartError refuses what a server must not take", () => {
  const code = (b0: number, b1: number) => frameStartError(b0, b1)?.code ?? 0;
  assertEquals(code(0x81, 0x85), 0, "masked text frame");
  assertEquals(code(0x81, 0x05), CLOSE.protocolError, "unmasked");
  assertEquals(code(0xc1, 0x85), CLOSE.protocolError, "RSV1");
  assertEquals(code(0x8b, 0x80), CLOSE.protocolError, "opcode 0xB");
  assertEquals(code(0x09, 0x80), CLOSE.protocolError, "ping without FIN");
  assertEquals(code(0x89, 0xfe), CLOSE.protocolError, "ping with a 16-bit length");
});

Deno.test("payloadLength reads 16- and 64-bit lengths and refuses the 64-bit MSB", () => {
  const reading = (bytes: number[]) => (i: number) => bytes[i];
  assertEquals(payloadLength(0x85, reading([0x81, 0x85])), 5);
  assertEquals(payloadLength(0xfe, reading([0x82, 0xfe, 0x01, 0x00])), 256);
  assertEquals(payloadLength(0xff, reading([0x82, 0xff, 0, 0, 0, 1, 0, 0, 0, 0])), 2 ** 32);
  const msb = payloadLength(0xff, reading([0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1]));
  assertEquals(typeof msb === "object" && msb.code, CLOSE.protocolError);
});

Deno.test("closePayload cuts a long reason on a character boundary within 123 bytes", () => {
  const p = closePayload(1001, "é".repeat(100));
  assertEquals([p[0], p[1]], [0x03, 0xe9]);
  assert(p.length <= 125);
  assertEquals(new TextDecoder("utf-8", { fatal: true }).decode(p.subarray(2)), "é".repeat(61));
});

Deno.test("isSendableCloseCode: defined codes yes, reserved and unassigned no", () => {
  for (const c of [1000, 1001, 1002, 1003, 1007, 1011, 3000, 4999]) assert(isSendableCloseCode(c));
  for (const c of [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000]) {
    assert(!isSendableCloseCode(c), String(c));
  }
});

Deno.test("closeReplyCode echoes the client's code, 1000 for none, and refuses bad payloads", () => {
  const close = (code: number, ...reason: number[]) =>
    Uint8Array.of(code >> 8, code & 0xff, ...reason);
  const cases: Array<[string, Uint8Array, number]> = [
    ["no payload", new Uint8Array(0), 1000],
    ["a code alone", close(1001), 1001],
    ["a private code with a UTF-8 reason", close(4000, 0x63, 0xc3, 0xa9), 4000],
    ["a one-byte payload", Uint8Array.of(0x03), 1002],
    ["a code reserved for local use", close(1005), 1002],
    ["an unassigned code", close(2999), 1002],
    ["a reason that is not UTF-8", close(1000, 0x68, 0xc3, 0x28), 1007],
  ];
  for (const [name, payload, code] of cases) {
    const got = closeReplyCode(payload);
    assertEquals(typeof got === "number" ? got : got.code, code, name);
  }
});
