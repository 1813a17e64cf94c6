/**
 * When an answer goes out before the body its handler left unread is drained
 * (`answersBeforeDrain`): only a declared rest, within the drain bound, not all buffered yet,
 * under a small answer — so a waiting client gets its early answer, and a client that sends its
 * whole body before reading is never made to wait on a large answer it cannot read yet.
 */

import { assertEquals } from "../support/assert.ts";
import { FakeBody } from "../support/request_builder.ts";
import { answersBeforeDrain, EARLY_ANSWER_BYTES } from "../../src/http/drain_body.ts";
import type { HttpResponse } from "../../src/http/types.ts";

const LIMITS = { maxDrainBytes: 1000 };
const body = (bytes: number, chunked = false) => new FakeBody(new Uint8Array(bytes), { chunked });
const answer = (b: HttpResponse["body"]): HttpResponse => ({ status: 412, body: b });

Deno.test("answersBeforeDrain: a small answer to a declared body still arriving goes first", () => {
  assertEquals(
    answersBeforeDrain(answer("precondition failed"), "PUT", body(100), 3, LIMITS),
    true,
  );
  assertEquals(answersBeforeDrain(answer(null), "PUT", body(100), 0, LIMITS), true);
  const full = new Uint8Array(EARLY_ANSWER_BYTES);
  assertEquals(answersBeforeDrain(answer(full), "POST", body(100), 0, LIMITS), true);
  // HEAD writes no body, whatever the answer holds.
  const file = { kind: "file", file: null, length: 1 << 30 } as unknown as HttpResponse["body"];
  assertEquals(answersBeforeDrain(answer(file), "HEAD", body(100), 0, LIMITS), true);
});

Deno.test("answersBeforeDrain: a large, file or stream answer is written after the drain", () => {
  const big = new Uint8Array(EARLY_ANSWER_BYTES + 1);
  assertEquals(answersBeforeDrain(answer(big), "POST", body(100), 0, LIMITS), false);
  const text = "x".repeat(Math.floor(EARLY_ANSWER_BYTES / 3) + 1);
  assertEquals(answersBeforeDrain(answer(text), "POST", body(100), 0, LIMITS), false);
  const stream = { kind: "stream", stream: (async function* () {})() } as const;
  assertEquals(answersBeforeDrain(answer(stream), "POST", body(100), 0, LIMITS), false);
});

Deno.test("answersBeforeDrain: drained first when the rest is chunked, already buffered or past the bound", () => {
  const small = answer("no");
  assertEquals(answersBeforeDrain(small, "POST", body(100, true), 0, LIMITS), false);
  assertEquals(answersBeforeDrain(small, "POST", body(100), 100, LIMITS), false);
  assertEquals(answersBeforeDrain(small, "POST", body(1001), 0, LIMITS), false);
  assertEquals(answersBeforeDrain(small, "POST", body(1000), 0, LIMITS), true);
});
