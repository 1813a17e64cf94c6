/** /bytes, /stream-bytes, /base64, /uuid, /gzip and /brotli without sockets. */

import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { appConfig } from "../../src/app/app_config.ts";
import { GENERATED_PIECE_BYTES } from "../../src/httpbin/data.ts";
import { httpbinRoutes } from "../../src/httpbin/httpbin_routes.ts";
import { createRouter } from "../../src/app/router.ts";
import type { StreamBody } from "../../src/http/types.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { bodyBytes, bodyJson, bodyText, buildRequest, header } from "../support/request_builder.ts";

const CAP = 200_000;
const app = createRouter(httpbinRoutes(appConfig({ maxGeneratedBytes: CAP })));
const call = (target: string) => app(buildRequest({ target }));

Deno.test("/bytes/<n> answers n bytes of octet-stream", async () => {
  const res = await call("/bytes/100");
  assertEquals([res.status, header(res, "content-type")], [200, "application/octet-stream"]);
  assertEquals((await bodyBytes(res.body)).length, 100);
});

Deno.test("/bytes/<n> with the same seed gives the same bytes, another seed others", async () => {
  const a = await bodyBytes((await call("/bytes/64?seed=7")).body);
  const b = await bodyBytes((await call("/bytes/64?seed=7")).body);
  const c = await bodyBytes((await call("/bytes/64?seed=8")).body);
  assertEquals(a, b);
  assert(a.some((x, i) => x !== c[i]));
});

Deno.test("/bytes/<n> streams a large body in pieces with its length announced", async () => {
  const res = await call(`/bytes/${CAP}`);
  const body = res.body as StreamBody;
  assertEquals([body.kind, body.length], ["stream", CAP]);
  let pieces = 0;
  let total = 0;
  for await (const p of body.stream) {
    pieces++;
    total += p.length;
    assert(p.length <= GENERATED_PIECE_BYTES);
  }
  assertEquals(total, CAP);
  assert(pieces > 1);
});

Deno.test("/bytes refuses a size over maxGeneratedBytes without allocating it", async () => {
  const res = await call("/bytes/10000000000");
  assertEquals(res.status, 400);
  assertEquals(
    ((await bodyJson(res.body)) as { detail: string }).detail,
    `Cannot generate 10000000000 bytes: the most is ${CAP} (maxGeneratedBytes)`,
  );
  assertEquals((await call(`/bytes/${CAP + 1}`)).status, 400);
  assertEquals((await call("/bytes/99999999999999999999999999")).status, 400);
  assertEquals((await call("/bytes/1e3")).status, 400);
  assertEquals((await call("/bytes/5?seed=x")).status, 400);
});

Deno.test("/stream-bytes/<n> streams without a length in chunk_size pieces", async () => {
  const res = await call("/stream-bytes/2500?chunk_size=1000");
  const body = res.body as StreamBody;
  assertEquals(body.length, undefined);
  const sizes: number[] = [];
  for await (const p of body.stream) sizes.push(p.length);
  assertEquals(sizes, [1000, 1000, 500]);
});

Deno.test("/stream-bytes sends one piece for a chunk_size of 0 or less, as go-httpbin", async () => {
  for (const size of ["0", "-10"]) {
    const res = await call(`/stream-bytes/256?chunk_size=${size}&seed=1`);
    assertEquals(res.status, 200, size);
    const sizes: number[] = [];
    for await (const p of (res.body as StreamBody).stream) sizes.push(p.length);
    assertEquals(sizes, [256], size);
  }
});

Deno.test("/bytes and /unstable take negative seeds, reproducibly, as go-httpbin", async () => {
  const a = await bodyBytes((await call("/bytes/16?seed=-12345")).body);
  const b = await bodyBytes((await call("/bytes/16?seed=-12345")).body);
  const c = await bodyBytes((await call("/bytes/16?seed=12345")).body);
  assertEquals([a.length, a], [16, b]);
  assert(a.some((x, i) => x !== c[i]), "another seed, other bytes");
  assertEquals((await call("/stream-bytes/16?seed=-1")).status, 200);
  assertEquals((await call("/unstable?seed=-12345")).status === 400, false);
  // An empty seed is no seed (go-httpbin seeds from the clock).
  assertEquals((await call("/bytes/4?seed=")).status, 200);
  for (const seed of ["1.5", "0x10", "99999999999999999999"]) {
    assertEquals((await call(`/bytes/4?seed=${seed}`)).status, 400, seed);
  }
});

Deno.test("/stream-bytes refuses a bad chunk_size or size", async () => {
  assertEquals((await call("/stream-bytes/10?chunk_size=x")).status, 400);
  assertEquals((await call("/stream-bytes/10?chunk_size=1.5")).status, 400);
  assertEquals((await call("/stream-bytes/10?chunk_size=99999999")).status, 400);
  assertEquals((await call(`/stream-bytes/${CAP + 1}`)).status, 400);
});

Deno.test("/base64 decodes standard and URL-safe base64, padded as Go requires", async () => {
  assertEquals(await bodyText((await call("/base64/aGVsbG8gd29ybGQ=")).body), "hello world");
  assertEquals(await bodyBytes((await call("/base64/-_8=")).body), new Uint8Array([0xfb, 0xff]));
  assertEquals(
    await bodyBytes((await call("/base64/%2B%2F8%3D")).body),
    new Uint8Array([0xfb, 0xff]),
  );
  assertEquals(header(await call("/base64/-_8="), "content-type"), "application/octet-stream");
  // Go's decoder skips CR and LF only.
  assertEquals(await bodyText((await call("/base64/aGVs%0D%0AbG8=")).body), "hello");
});

Deno.test("/base64 answers 400 for input that is not base64", async () => {
  // Unpadded and space-separated data too: Go's DecodeString refuses both.
  for (
    const bad of ["!!!", "a", "ab-/x", "%zz", "decode/!!!", "aGVsbG8gd29ybGQ", "-_8", "aGVs%20bG8="]
  ) {
    assertEquals((await call(`/base64/${bad}`)).status, 400, bad);
  }
});

Deno.test("/base64 answers with the type ?content-type= names", async () => {
  // go-httpbin's "Custom content type" case.
  const res = await call(
    "/base64/eyJzZXJ2ZXIiOiAiZ28taHR0cGJpbiJ9Cg==?content-type=application/json",
  );
  assertEquals(header(res, "content-type"), "application/json");
  assertEquals(await bodyText(res.body), '{"server": "go-httpbin"}\n');
});

Deno.test("/base64 HTML-escapes the data when ?content-type= is one a browser renders", async () => {
  // go-httpbin's "XSS prevention w/ dangerous content type" case.
  const res = await call("/base64/PGltZy9zcmMvb25lcnJvcj1hbGVydCgneHNzJyk+?content-type=text/html");
  assertEquals(header(res, "content-type"), "text/html");
  assertEquals(await bodyText(res.body), "&lt;img/src/onerror=alert(&#39;xss&#39;)&gt;");
  const plain = await call("/base64/PGltZz4=?content-type=text/plain");
  assertEquals(await bodyText(plain.body), "<img>");
  const encoded = await call("/base64/encode/%3Cb%3E?content-type=text/html");
  assertEquals(await bodyText(encoded.body), "PGI-");
});

Deno.test("/base64 answers 400 for a content-type that is not printable ASCII", async () => {
  assertEquals((await call("/base64/PGltZz4=?content-type=text/html%0d%0aX:1")).status, 400);
});

Deno.test("/base64 answers 400 naming an operation other than encode or decode", async () => {
  const res = await call("/base64/unknown/dmFsaWRfYmFzZTY0X2VuY29kZWRfc3RyaW5n");
  assertEquals(res.status, 400);
  assertEquals(await bodyJson(res.body), {
    status_code: 400,
    error: "Bad Request",
    detail: "invalid operation: unknown",
  });
});

Deno.test("/base64 answers 404 for a missing or an extra path segment", async () => {
  for (const target of ["/base64/", "/base64/decode/", "/base64/encode/", "/base64/decode/eA/x"]) {
    assertEquals((await call(target)).status, 404, target);
  }
});

Deno.test("/uuid answers a fresh v4 UUID", async () => {
  const a = ((await bodyJson((await call("/uuid")).body)) as { uuid: string }).uuid;
  const b = ((await bodyJson((await call("/uuid")).body)) as { uuid: string }).uuid;
  assert(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(a), a);
  assert(a !== b);
});

Deno.test("/gzip is always gzipped JSON with gzipped: true", async () => {
  const res = await call("/gzip");
  assertEquals(header(res, "content-encoding"), "gzip");
  const json = JSON.parse(new TextDecoder().decode(gunzipSync(await bodyBytes(res.body))));
  assertEquals([json.gzipped, json.method], [true, "GET"]);
});

Deno.test("/brotli is always brotli JSON with brotli: true", async () => {
  const res = await call("/brotli");
  assertEquals(header(res, "content-encoding"), "br");
  const json = JSON.parse(
    new TextDecoder().decode(brotliDecompressSync(await bodyBytes(res.body))),
  );
  assertEquals(json.brotli, true);
});

Deno.test("/bytes and /stream-bytes answer 404 for a missing or an extra path segment", async () => {
  for (const target of ["/bytes/16/foo", "/bytes/", "/stream-bytes/16/foo", "/bytes/16/"]) {
    assertEquals((await call(target)).status, 404, target);
  }
});
