/** Applying the negotiated coding to a handler's response. */

import { gunzipSync } from "node:zlib";
import { compressResponse } from "../../src/app/compress_response.ts";
import { MIN_COMPRESS_BYTES } from "../../src/app/content_coding.ts";
import {
  compressStreamInPlace,
  MAX_STREAMED_COMPRESSIONS,
} from "../../src/app/streamed_compressions.ts";
import type { HttpResponse } from "../../src/http/types.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { bodyBytes, buildRequest, header } from "../support/request_builder.ts";

const big = "x".repeat(MIN_COMPRESS_BYTES * 2);
const req = (ae?: string) =>
  buildRequest({
    headers: ae === undefined ? [["Host", "t"]] : [["Host", "t"], ["Accept-Encoding", ae]],
  });
const text = (body: HttpResponse["body"], status = 200): HttpResponse => ({
  status,
  headers: [["Content-Type", "text/plain"]],
  body,
});

Deno.test("compressResponse gzips a large text body when gzip is accepted", async () => {
  const res = compressResponse(req("gzip"), text(big), { offered: ["gzip", "identity"] });
  assertEquals(header(res, "content-encoding"), "gzip");
  assertEquals(header(res, "vary"), "Accept-Encoding");
  assertEquals(new TextDecoder().decode(gunzipSync(await bodyBytes(res.body))), big);
});

Deno.test("compressResponse leaves a body below the threshold alone but still varies", () => {
  const res = compressResponse(req("gzip"), text("short"), { offered: ["gzip", "identity"] });
  assertEquals([header(res, "content-encoding"), header(res, "vary"), res.body], [
    undefined,
    "Accept-Encoding",
    "short",
  ]);
});

Deno.test("compressResponse compresses a short body when minBytes is 0", () => {
  const res = compressResponse(req("gzip"), text("abc"), {
    offered: ["gzip", "identity"],
    minBytes: 0,
  });
  assertEquals(header(res, "content-encoding"), "gzip");
});

Deno.test("compressResponse sends identity when nothing acceptable is offered", () => {
  const res = compressResponse(req("identity;q=0"), text(big), { offered: ["gzip", "identity"] });
  assertEquals([header(res, "content-encoding"), res.body], [undefined, big]);
});

Deno.test("compressResponse skips incompressible types, non-200 statuses and encoded bodies", () => {
  const png: HttpResponse = { status: 200, headers: [["Content-Type", "image/png"]], body: big };
  const partial = text(big, 206);
  const encoded: HttpResponse = {
    status: 200,
    headers: [["Content-Type", "text/plain"], ["Content-Encoding", "br"]],
    body: big,
  };
  for (const res of [png, partial, encoded]) {
    assertEquals(compressResponse(req("gzip"), res, { offered: ["gzip", "identity"] }), res);
  }
});

Deno.test("compressResponse streams a stream body and drops its length", async () => {
  async function* gen() {
    for (let i = 0; i < 4; i++) yield new TextEncoder().encode(big);
  }
  const res = compressResponse(
    req("br;q=0.5, gzip"),
    text({ kind: "stream", stream: gen(), length: big.length * 4 }),
    { offered: ["br", "gzip", "identity"] },
  );
  assertEquals(header(res, "content-encoding"), "gzip");
  const body = res.body as { kind: string; length?: number };
  assert(body.kind === "stream" && body.length === undefined);
  assertEquals(new TextDecoder().decode(gunzipSync(await bodyBytes(res.body))), big.repeat(4));
});

Deno.test("compressResponse finds Content-Type and Content-Encoding whatever their case", () => {
  const offered = { offered: ["gzip", "identity"] as const };
  const shouting: HttpResponse = {
    status: 200,
    headers: [["CONTENT-TYPE", "text/plain"]],
    body: big,
  };
  assertEquals(
    header(compressResponse(req("gzip"), shouting, offered), "content-encoding"),
    "gzip",
  );
  const png: HttpResponse = { status: 200, headers: [["content-type", "image/png"]], body: big };
  assertEquals(compressResponse(req("gzip"), png, offered), png);
  const encoded: HttpResponse = {
    status: 200,
    headers: [["content-type", "text/plain"], ["CONTENT-ENCODING", "br"]],
    body: big,
  };
  assertEquals(compressResponse(req("gzip"), encoded, offered), encoded);
});

Deno.test("compressResponse ignores names of the same length as Content-Type or Content-Encoding", () => {
  const offered = { offered: ["gzip", "identity"] as const };
  // Taken for Content-Type, "Content-Typo" (as long) would make it PNG; taken for
  // Content-Encoding, "Content-Encodinx" would make it left alone.
  const res: HttpResponse = {
    status: 200,
    headers: [
      ["Content-Type", "text/plain"],
      ["Content-Typo", "image/png"],
      ["Content-Encodinx", "br"],
    ],
    body: big,
  };
  assertEquals(header(compressResponse(req("gzip"), res, offered), "content-encoding"), "gzip");
});

Deno.test("compressResponse sends a stream as identity while the compressed-stream cap is full", async () => {
  const held: Array<{ cancel(): Promise<void> }> = [];
  for (let i = 0; i < MAX_STREAMED_COMPRESSIONS; i++) {
    held.push(compressStreamInPlace(ReadableStream.from<Uint8Array>([]), "gzip")!);
  }
  try {
    const stream = ReadableStream.from([new TextEncoder().encode(big)]);
    const res = compressResponse(
      req("gzip"),
      text({ kind: "stream", stream, length: big.length }),
      { offered: ["gzip", "identity"] },
    );
    assertEquals([header(res, "content-encoding"), header(res, "vary")], [
      undefined,
      "Accept-Encoding",
    ]);
    assertEquals((res.body as { length?: number }).length, big.length);
    assertEquals(new TextDecoder().decode(await bodyBytes(res.body)), big);
  } finally {
    for (const s of held) await s.cancel();
  }
});
