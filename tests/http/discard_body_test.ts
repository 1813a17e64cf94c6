/**
 * Releasing an unsent body: streams are cancelled or ended, files closed, bytes left alone.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { discardBody } from "../../src/http/discard_body.ts";

Deno.test("discardBody cancels a ReadableStream", async () => {
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    cancel() {
      cancelled = true;
    },
  });
  await discardBody({ kind: "stream", stream });
  assert(cancelled);
});

Deno.test("discardBody ends an async generator so its cleanup runs", async () => {
  let cleanedUp = false;
  const stream = (async function* () {
    try {
      yield new Uint8Array(1);
    } finally {
      cleanedUp = true;
    }
  })();
  // Started, so that `return` reaches the `finally` (an unstarted generator just completes).
  await stream.next();
  await discardBody({ kind: "stream", stream });
  assert(cleanedUp);
  assertEquals(await stream.next(), { value: undefined, done: true });
});

Deno.test("discardBody swallows a cancel that fails", async () => {
  const stream = new ReadableStream<Uint8Array>({
    cancel() {
      throw new Error("cancel failed");
    },
  });
  await discardBody({ kind: "stream", stream });
});

Deno.test("discardBody closes a file", async () => {
  const path = await Deno.makeTempFile();
  try {
    const file = await Deno.open(path);
    await discardBody({ kind: "file", file, offset: 0, length: 0 });
    let closedAlready = false;
    try {
      file.close();
    } catch {
      closedAlready = true;
    }
    assert(closedAlready, "discardBody closed the file");
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("discardBody leaves strings, bytes and no body alone", async () => {
  for (const body of ["text", new Uint8Array(2), null, undefined]) await discardBody(body);
});
