/**
 * Content codings, shared by every route that compresses: negotiation of `Accept-Encoding`
 * (RFC 9110 §12.5.3), whole-body and streaming compression with `node:zlib`, and which media
 * types are worth compressing.
 *
 * Speed and size, measured in Deno 2.9.6 (x86-64) on JSON-like text, which is what the dynamic
 * routes send (output size as a fraction of the input, time per call):
 *
 * | input   | gzip 1        | gzip 6        | br 1          | br 4          | br 5          | br 11          |
 * | ------- | ------------- | ------------- | ------------- | ------------- | ------------- | -------------- |
 * | 1 KiB   | 0.40, 27 µs   | 0.30, 38 µs   | 0.29, 28 µs   | 0.24, 48 µs   | 0.24, 60 µs   | 0.23, 2.0 ms   |
 * | 16 KiB  | 0.31, 51 µs   | 0.20, 132 µs  | 0.21, 69 µs   | 0.17, 254 µs  | 0.17, 392 µs  | 0.13, 21.6 ms  |
 * | 256 KiB | 0.29, 0.5 ms  | 0.19, 2.2 ms  | 0.17, 1.1 ms  | 0.17, 2.8 ms  | 0.17, 5.5 ms  | 0.11, 440 ms   |
 *
 * Hence gzip level 6 (zlib's default: most of the gain of 9 at a third of its cost) and brotli
 * quality 4 (smaller than gzip 6 at about twice its time; 5 costs 50 % more for nothing, 11 is
 * for precompressed files only). Brotli works in Deno's `node:zlib`: `brotliCompressSync`,
 * `createBrotliCompress` and the round trip through `brotliDecompressSync` are tested.
 *
 * This module must not know about requests, routes or sockets: it works on strings and bytes.
 * @module
 */

import {
  brotliCompressSync,
  constants as zlibConstants,
  createBrotliCompress,
  createGzip,
  gzipSync,
} from "node:zlib";
import { pipeline, Readable, type Transform } from "node:stream";
import { trimOws } from "../http/ows.ts";
import { memberWeight } from "./qvalue.ts";

/** A content coding wireserve can produce (RFC 9110 §8.4.1); `identity` means none. */
export type ContentCoding = "br" | "gzip" | "identity";

/**
 * Bodies smaller than this are sent uncompressed: below about 1 KiB the gzip header and trailer
 * (18 bytes) and the CPU time buy nearly nothing, and the whole response fits one TCP segment
 * either way. The CodeCrafters `/echo` route is the exception: it compresses whenever gzip is
 * accepted, because its tester checks that.
 */
export const MIN_COMPRESS_BYTES = 1024;

/** zlib level for gzip (1 fastest … 9 smallest): zlib's own default, see the table above. */
export const GZIP_LEVEL = 6;

/** Brotli quality (0 fastest … 11 smallest) for content compressed per request, see above. */
export const BROTLI_QUALITY = 4;

/**
 * The brotli window (log2 bytes) of a streamed compression: 1 MiB rather than brotli's 4 MiB. The
 * encoder runs on the isolate's thread and works a window's worth at a time: at 4 MiB a 50 MB
 * text file held the thread up to 30–47 ms at a time, four downloads at once for seconds (an
 * attack probe); at 1 MiB 12 ms, for 1% more bytes (the sources and docs of this repository:
 * 706 against 699 KB; 256 KiB made 745 KB). Measured with `node:zlib` in Deno 2.9.
 */
export const STREAM_BROTLI_LGWIN = 20;

/** The q-value of a coding listed without a weight (RFC 9110 §12.4.2). */
const DEFAULT_Q = 1;
/** tchar (RFC 9110 §5.6.2): what a coding name may be made of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;

/**
 * Chooses the coding to answer with, following RFC 9110 §12.5.3.
 *
 * - `acceptEncoding` is the field value (several field lines joined with ", "); absent means no
 *   preference, and the answer is `identity` when offered (else the first offered coding).
 *   An empty value means "no coding, please": `identity` only.
 * - Members are `coding [;q=qvalue]`, matched case-insensitively; `x-gzip` is `gzip`
 *   (RFC 9110 §8.4.1.3). A q that is not a valid qvalue (`q=2`, `q=0.5555`, `q=abc`) makes that
 *   member unacceptable rather than guessing. When a coding is listed twice the first counts.
 *   Unknown codings are ignored.
 * - `*` gives its weight to every offered coding not listed by name.
 * - `identity` is acceptable unless excluded by `identity;q=0`, or by `*;q=0` without an
 *   explicit `identity`. When the header does not mention it, identity ranks with the least
 *   preferred coding listed, so that naming a coding at all (`encoding-1, gzip`) prefers it to
 *   no coding, and an unusable list (`invalid-encoding`) leaves identity.
 * - The highest q among `offered` wins; ties go to the earlier entry of `offered`, so pass
 *   `["br", "gzip", "identity"]` to prefer brotli.
 *
 * Returns null only when nothing offered is acceptable (identity excluded too). RFC 9110 §12.1
 * lets a server disregard the header then; wireserve's routes send identity anyway rather than
 * 406, because an unreadable error is worse for the client than an unwanted plain body.
 */
export function negotiateEncoding(
  acceptEncoding: string | undefined,
  offered: readonly ContentCoding[],
): ContentCoding | null {
  if (acceptEncoding === undefined) {
    return offered.includes("identity") ? "identity" : offered[0] ?? null;
  }
  const weights = parseAcceptEncoding(acceptEncoding);
  const star = weights.get("*");
  let leastListed = DEFAULT_Q;
  for (const [coding, q] of weights) {
    if (coding !== "*" && q > 0 && q < leastListed) leastListed = q;
  }

  let best: ContentCoding | null = null;
  let bestQ = 0;
  for (const coding of offered) {
    let q = weights.get(coding);
    if (q === undefined) q = star;
    if (q === undefined) q = coding === "identity" ? leastListed : 0;
    if (q > bestQ) {
      best = coding;
      bestQ = q;
    }
  }
  return best;
}

/** Coding (lower case, `x-gzip` folded to `gzip`) → q, first occurrence wins. */
function parseAcceptEncoding(value: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const member of value.split(",")) {
    const params = member.split(";");
    // OWS only (RFC 9110 §5.6.3): `gzip\xA0` is not a token, so not gzip.
    let coding = trimOws(params[0]).toLowerCase();
    // RFC 9110 §5.6.1: empty list members are allowed and ignored; non-tokens are not codings.
    if (coding === "" || !TOKEN.test(coding)) continue;
    if (coding === "x-gzip") coding = "gzip";
    if (!weights.has(coding)) weights.set(coding, memberWeight(params.slice(1)));
  }
  return weights;
}

/**
 * Compresses a whole body at once. Synchronous: it blocks the event loop for the times in the
 * module table, so use it for bodies already in memory (up to a few hundred KiB) and
 * {@link compressStream} for anything larger or of unknown size.
 */
export function compressBytes(data: Uint8Array, coding: "gzip" | "br"): Uint8Array {
  const out = coding === "gzip"
    ? gzipSync(data, { level: GZIP_LEVEL })
    : brotliCompressSync(data, { params: brotliParams(data.length) });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Compresses a stream piece by piece. Memory stays bounded: the source is pulled only as fast
 * as the consumer takes compressed pieces (Node stream backpressure, 16 KiB high-water marks).
 * Stopping the iteration early destroys the compressor and returns the source's iterator.
 * The result has no known length: the writer sends it chunked.
 */
export function compressStream(
  source: AsyncIterable<Uint8Array>,
  coding: "gzip" | "br",
): AsyncIterable<Uint8Array> {
  return compressPieces(source, coding);
}

async function* compressPieces(
  source: AsyncIterable<Uint8Array>,
  coding: "gzip" | "br",
): AsyncGenerator<Uint8Array> {
  const compressor: Transform = coding === "gzip"
    ? createGzip({ level: GZIP_LEVEL })
    : createBrotliCompress({
      params: { ...brotliParams(), [zlibConstants.BROTLI_PARAM_LGWIN]: STREAM_BROTLI_LGWIN },
    });
  const input = Readable.from(source, { objectMode: false });
  // pipeline forwards a source failure into the compressor, so the loop below throws it.
  pipeline(input, compressor, () => {});
  try {
    for await (const piece of compressor) {
      const buf = piece as Uint8Array;
      yield new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    }
  } finally {
    compressor.destroy();
    input.destroy();
  }
}

function brotliParams(sizeHint?: number): Record<number, number> {
  const params: Record<number, number> = {
    [zlibConstants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
  };
  // The size hint lets brotli pick a window that fits the body (less memory for small ones).
  if (sizeHint !== undefined) params[zlibConstants.BROTLI_PARAM_SIZE_HINT] = sizeHint;
  return params;
}

/** Exact media types (lower case) that compress well though they are not text/*. */
const COMPRESSIBLE_TYPES: ReadonlySet<string> = new Set([
  "application/json",
  "application/javascript",
  "application/ecmascript",
  "application/x-javascript",
  "application/xml",
  "application/wasm",
  "application/x-www-form-urlencoded",
  "application/yaml",
  "application/x-yaml",
  "application/toml",
  "application/sql",
  "application/graphql",
  "application/rtf",
  "application/x-sh",
  "application/x-tar",
  "application/vnd.ms-fontobject",
  "font/ttf",
  "font/otf",
  "font/collection",
  "image/bmp",
  "image/x-icon",
  "image/vnd.microsoft.icon",
]);

/**
 * Whether a body of `contentType` is worth compressing: text (but not event streams, which
 * must reach the client event by event), JSON, JavaScript, XML and their `+json`/`+xml` kinds
 * (SVG included), WebAssembly, uncompressed fonts and bitmaps. Already-compressed formats
 * (PNG, JPEG, video, audio, zip, gzip, woff2…) and unknown types are not.
 */
export function isCompressible(contentType: string): boolean {
  // The same few constant types come by again and again: decide each once.
  let known = compressibleByType.get(contentType);
  if (known === undefined) {
    known = decideCompressible(contentType);
    if (compressibleByType.size < MAX_CACHED_TYPES) compressibleByType.set(contentType, known);
  }
  return known;
}

const compressibleByType = new Map<string, boolean>();
const MAX_CACHED_TYPES = 256;

function decideCompressible(contentType: string): boolean {
  const semicolon = contentType.indexOf(";");
  const type = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim()
    .toLowerCase();
  if (type.startsWith("text/")) return type !== "text/event-stream";
  if (type.endsWith("+json") || type.endsWith("+xml")) return true;
  return COMPRESSIBLE_TYPES.has(type);
}
