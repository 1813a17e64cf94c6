/** Bounded body capture: keep the first bytes, count all, refuse past the total cap. */

import { captureBody } from "../../src/echo/body_capture.ts";
import { HttpError } from "../../src/http/errors.ts";
import { assertEquals, assertRejects } from "../support/assert.ts";
import { FakeBody } from "../support/request_builder.ts";

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 256);

Deno.test("captureBody keeps the whole body when it fits the capture limit", async () => {
  const got = await captureBody(new FakeBody(bytes(100), { pieceBytes: 7 }), 100, 1000);
  assertEquals([got.bytes, got.total, got.truncated], [bytes(100), 100, false]);
});

Deno.test("captureBody truncates at the limit and still counts the whole body", async () => {
  const got = await captureBody(new FakeBody(bytes(1000), { pieceBytes: 64 }), 100, 5000);
  assertEquals([got.bytes, got.total, got.truncated], [bytes(100), 1000, true]);
});

Deno.test("captureBody grows its buffer for a chunked body of unknown length", async () => {
  const body = new FakeBody(bytes(40_000), { chunked: true, pieceBytes: 5000 });
  const got = await captureBody(body, 1 << 20, 1 << 20);
  assertEquals([got.bytes, got.total, got.truncated], [bytes(40_000), 40_000, false]);
});

Deno.test("captureBody refuses a declared length past the total cap before reading", async () => {
  const body = new FakeBody(bytes(101));
  await assertRejects(
    () => captureBody(body, 10, 100),
    (e: unknown) => e instanceof HttpError && e.kind === "contentTooLarge",
  );
  assertEquals(body.started, false);
});

Deno.test("captureBody refuses a chunked body once it passes the total cap", async () => {
  const body = new FakeBody(bytes(101), { chunked: true, pieceBytes: 10 });
  await assertRejects(
    () => captureBody(body, 10, 100),
    (e: unknown) => e instanceof HttpError && e.kind === "contentTooLarge",
  );
});

Deno.test("captureBody accepts a body of exactly the total cap", async () => {
  const got = await captureBody(new FakeBody(bytes(100), { chunked: true }), 10, 100);
  assertEquals([got.total, got.truncated], [100, true]);
});
