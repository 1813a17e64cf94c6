/**
 * Content-coding negotiation (RFC 9110 §12.5.3) as a table, compression round trips for gzip
 * and brotli (whole and streamed), and the compressible media types.
 */

import { brotliDecompressSync, gunzipSync } from "node:zlib";
import {
  compressBytes,
  compressStream,
  type ContentCoding,
  isCompressible,
  MIN_COMPRESS_BYTES,
  negotiateEncoding,
  STREAM_BROTLI_LGWIN,
} from "../../src/app/content_coding.ts";
import { assert, assertEquals } from "../support/assert.ts";

const GZIP_FIRST: readonly ContentCoding[] = ["gzip", "identity"];
const ALL: readonly ContentCoding[] = ["br", "gzip", "identity"];

/** [Accept-Encoding (undefined = absent), offered, expected, why]. */
const CASES: Array<[string | undefined, readonly ContentCoding[], ContentCoding | null, string]> = [
  [undefined, GZIP_FIRST, "identity", "absent header means no preference: identity"],
  [undefined, ["gzip"], "gzip", "absent header, identity not offered: first offered"],
  ["", GZIP_FIRST, "identity", "empty value asks for no coding"],
  ["gzip", GZIP_FIRST, "gzip", "plain gzip"],
  ["GZIP", GZIP_FIRST, "gzip", "codings are case-insensitive"],
  ["x-gzip", GZIP_FIRST, "gzip", "x-gzip is gzip (RFC 9110 §8.4.1.3)"],
  ["encoding-1, gzip, encoding-2", GZIP_FIRST, "gzip", "gzip among unknown codings"],
  ["invalid-encoding", GZIP_FIRST, "identity", "nothing usable listed: identity"],
  ["encoding-1, encoding-2", GZIP_FIRST, "identity", "only unknown codings"],
  ["gzip;q=0", GZIP_FIRST, "identity", "gzip refused, identity still acceptable"],
  ["gzip;q=0.5", GZIP_FIRST, "gzip", "a listed coding beats implicit identity"],
  ["gzip;q=0.5, identity;q=0.8", GZIP_FIRST, "identity", "explicit identity ranked higher"],
  ["gzip;q=0.8, identity;q=0.8", GZIP_FIRST, "gzip", "a tie goes to the offered order"],
  ["identity;q=0", GZIP_FIRST, null, "identity excluded and gzip not listed"],
  ["*;q=0", GZIP_FIRST, null, "star q=0 excludes identity too"],
  ["*;q=0, identity", GZIP_FIRST, "identity", "explicit identity survives star q=0"],
  ["gzip, *;q=0", GZIP_FIRST, "gzip", "gzip listed, the rest refused"],
  ["*", GZIP_FIRST, "gzip", "star accepts gzip"],
  ["*", ALL, "br", "star accepts br, first offered wins"],
  ["gzip, br", ALL, "br", "tie broken by offered order: br first"],
  ["gzip, br", ["gzip", "br", "identity"], "gzip", "tie broken by offered order: gzip first"],
  ["br;q=0.5, gzip", ALL, "gzip", "higher q wins over offered order"],
  ["br;q=1.0, gzip;q=0.999", ALL, "br", "1.0 is a valid qvalue"],
  ["gzip;q=1.000", GZIP_FIRST, "gzip", "three decimals of zero"],
  ["gzip;Q=0.5", GZIP_FIRST, "gzip", "the q parameter name is case-insensitive"],
  ["gzip ; q=0.7", GZIP_FIRST, "gzip", "OWS around the semicolon"],
  ["gzip;q=2", GZIP_FIRST, "identity", "q above 1 is invalid: member unacceptable"],
  ["gzip;q=0.5555", GZIP_FIRST, "identity", "four decimals are invalid"],
  ["gzip;q=.5", GZIP_FIRST, "identity", "a q without leading digit is invalid"],
  ["gzip;q=abc", GZIP_FIRST, "identity", "a non-numeric q is invalid"],
  ["gzip;q=1.5", GZIP_FIRST, "identity", "1.5 is invalid"],
  ["gzip;q=-1", GZIP_FIRST, "identity", "negative q is invalid"],
  ["gzip;q= 0.5", GZIP_FIRST, "identity", "whitespace inside the parameter is invalid"],
  ["br;q = 0, gzip", ALL, "gzip", "whitespace around the q's = is invalid: br unacceptable"],
  ["br;q =1, gzip;q=0.5", ALL, "gzip", "whitespace before the q's = is invalid"],
  ["br;Q = 1, gzip;q=0.5", ALL, "gzip", "a malformed Q is invalid whatever its case"],
  ["br;q, gzip;q=0.5", ALL, "gzip", "a q without a value is invalid"],
  [" , ,gzip,, ", GZIP_FIRST, "gzip", "empty list members are ignored"],
  ["gzip;q=0, gzip;q=1", GZIP_FIRST, "identity", "the first listing of a coding counts"],
  ["br", GZIP_FIRST, "identity", "br not offered by the echo route"],
  ["br", ALL, "br", "br offered and accepted"],
  ["identity", ALL, "identity", "only identity asked"],
  ["gzip;q=0, identity;q=0", GZIP_FIRST, null, "everything refused"],
  ["deflate", ALL, "identity", "deflate is not offered"],
  // OWS is SP and HTAB only (RFC 9110 §5.6.3): a no-break space (0xA0) makes another token.
  ["gzip\xA0", GZIP_FIRST, "identity", "gzip then NBSP is not gzip"],
  ["\xA0gzip", GZIP_FIRST, "identity", "NBSP then gzip is not gzip"],
  ["br\xA0, gzip;q=0.5", ALL, "gzip", "br with NBSP is not br"],
  ["gzip;q=0.5\xA0", GZIP_FIRST, "identity", "a q followed by NBSP is malformed"],
  ["br;\xA0q=0, gzip;q=0.5", ALL, "gzip", "a q behind NBSP is malformed, not skipped"],
  ["\tgzip\t;\tq=0.5\t", GZIP_FIRST, "gzip", "HTAB is OWS"],
];

for (const [header, offered, expected, why] of CASES) {
  Deno.test(`negotiateEncoding returns ${expected} when ${why} (${JSON.stringify(header)})`, () => {
    assertEquals(negotiateEncoding(header, offered), expected);
  });
}

const sample = new TextEncoder().encode(
  JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i, name: `user ${i}` }))),
);

Deno.test("compressBytes produces gzip that decompresses to the input", () => {
  const gz = compressBytes(sample, "gzip");
  assertEquals([gz[0], gz[1]], [0x1f, 0x8b], "gzip magic bytes");
  assert(gz.length < sample.length / 2, `compressed ${gz.length} of ${sample.length}`);
  assertEquals(new Uint8Array(gunzipSync(gz)), sample);
});

Deno.test("compressBytes produces brotli that decompresses to the input", () => {
  const br = compressBytes(sample, "br");
  assert(br.length < sample.length / 2, `compressed ${br.length} of ${sample.length}`);
  assertEquals(new Uint8Array(brotliDecompressSync(br)), sample);
});

Deno.test("compressBytes handles an empty body", () => {
  assertEquals(new Uint8Array(gunzipSync(compressBytes(new Uint8Array(0), "gzip"))).length, 0);
  assertEquals(
    new Uint8Array(brotliDecompressSync(compressBytes(new Uint8Array(0), "br"))),
    new Uint8Array(0),
  );
});

async function* pieces(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of stream) parts.push(p.slice());
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

for (const coding of ["gzip", "br"] as const) {
  Deno.test(`compressStream ${coding} output decompresses to the streamed input`, async () => {
    const big = new Uint8Array(300_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) % 251;
    const out = await collect(compressStream(pieces(big, 8192), coding));
    const back = coding === "gzip" ? gunzipSync(out) : brotliDecompressSync(out);
    assertEquals(new Uint8Array(back), big);
  });
}

Deno.test("a streamed brotli body uses a 1 MiB window (STREAM_BROTLI_LGWIN), not brotli's 4 MiB", async () => {
  // RFC 7932 §9.1: the stream's first bits give the window: 1, then 3 bits n, WBITS = 17 + n.
  const out = await collect(
    compressStream(pieces(new Uint8Array(2_000_000).fill(97), 65536), "br"),
  );
  const windowBits = (out[0] & 1) === 0 ? 16 : 17 + ((out[0] >> 1) & 7);
  assertEquals(windowBits, STREAM_BROTLI_LGWIN);
  assertEquals(STREAM_BROTLI_LGWIN, 20);
});

Deno.test("compressStream pulls the source lazily and stops it when the consumer stops", async () => {
  let pulled = 0;
  let finished = false;
  async function* endless(): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        pulled++;
        const noise = new Uint8Array(16 * 1024);
        crypto.getRandomValues(noise); // incompressible, so output keeps flowing
        yield noise;
      }
    } finally {
      finished = true;
    }
  }
  let seen = 0;
  for await (const piece of compressStream(endless(), "gzip")) {
    seen += piece.length;
    if (seen > 256 * 1024) break;
  }
  // Bounded memory: the source ran at most a few high-water marks ahead of the consumer.
  assert(pulled < 64, `pulled ${pulled} pieces for ${seen} bytes out`);
  await new Promise((r) => setTimeout(r, 10));
  assert(finished, "the source iterator was returned");
});

Deno.test("compressStream passes a source failure on to the consumer", async () => {
  async function* failing(): AsyncGenerator<Uint8Array> {
    yield new Uint8Array(10);
    throw new Error("source broke");
  }
  let error: unknown = null;
  try {
    await collect(compressStream(failing(), "gzip"));
  } catch (e) {
    error = e;
  }
  assert(error instanceof Error && /source broke/.test(error.message), String(error));
});

const TYPES: Array<[string, boolean]> = [
  ["text/plain", true],
  ["text/html; charset=utf-8", true],
  ["TEXT/CSS", true],
  ["application/json", true],
  ["application/problem+json", true],
  ["application/javascript", true],
  ["application/xml", true],
  ["image/svg+xml", true],
  ["application/wasm", true],
  ["text/event-stream", false],
  ["image/png", false],
  ["image/jpeg", false],
  ["video/mp4", false],
  ["application/zip", false],
  ["application/gzip", false],
  ["font/woff2", false],
  ["application/octet-stream", false],
  ["", false],
];

for (const [type, expected] of TYPES) {
  Deno.test(`isCompressible is ${expected} for ${JSON.stringify(type)}`, () => {
    assertEquals(isCompressible(type), expected);
  });
}

/** [content type, whether compressible], each asked repeatedly and interleaved below. */
const REPEATED: Array<[string, boolean]> = [
  ["text/plain", true],
  ["TEXT/HTML; charset=utf-8", true],
  ["image/png", false],
  ["application/json", true],
  ["text/event-stream", false],
  ["Text/Event-Stream; charset=utf-8", false],
  ["IMAGE/PNG", false],
  // As long as "text/plain", and not compressible.
  ["image/webp", false],
  ["application/x-unknown-thing", false],
];

Deno.test("isCompressible gives the same answer every time a type is asked again", () => {
  // Round after round, in order and in reverse: a remembered answer must be the first answer.
  for (let round = 0; round < 3; round++) {
    const order = round % 2 === 0 ? REPEATED : REPEATED.toReversed();
    for (const [type, expected] of order) {
      assertEquals(isCompressible(type), expected, `${JSON.stringify(type)}, round ${round}`);
      assertEquals(isCompressible(type), expected, `${JSON.stringify(type)}, again`);
    }
  }
});

Deno.test("isCompressible still decides each type once many distinct types were asked", () => {
  // Past what the memo keeps, types it did not keep are still decided, not guessed.
  for (let i = 0; i < 1000; i++) {
    assertEquals(isCompressible(`text/x-made-up-${i}`), true);
    assertEquals(isCompressible(`image/x-made-up-${i}`), false);
  }
  for (const [type, expected] of REPEATED) assertEquals(isCompressible(type), expected, type);
});

Deno.test("MIN_COMPRESS_BYTES is a small positive threshold", () => {
  assert(MIN_COMPRESS_BYTES > 0 && MIN_COMPRESS_BYTES <= 4096);
});
