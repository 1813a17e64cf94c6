/**
 * `multipart/byteranges` bodies (RFC 9110 §14.6) for `/range/<n>` asked for several ranges, laid
 * out as Go's `mime/multipart` writer does for `http.ServeContent`: per part `--boundary`,
 * `Content-Range` then `Content-Type`, a blank line and the bytes; the parts separated by CRLF;
 * `--boundary--` at the end. The length is known in advance, so it is sent as Content-Length.
 *
 * `src/files/multipart_byteranges.ts` writes the same layout for files, but is not exported
 * through `src/files/mod.ts`, and a feature may not reach into another's files.
 *
 * This module must not know about requests.
 * @module
 */

import type { ByteRange } from "./range_spec.ts";

const encoder = new TextEncoder();
/** Random bytes in a boundary, as Go's `mime/multipart` uses (written as 60 hex digits). */
const BOUNDARY_RANDOM_BYTES = 30;
const HEX = 16;
const BYTE_HEX_DIGITS = 2;

/** A multipart/byteranges body ready to send. */
export interface ByterangesBody {
  /** The Content-Type field value with its boundary. */
  contentType: string;
  /** Exact body length in bytes. */
  length: number;
  /** The body, part by part. */
  stream: AsyncIterable<Uint8Array>;
}

/** A fresh random boundary: it must not occur in the parts (RFC 2046 §5.1.1). */
export function randomBoundary(): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(BOUNDARY_RANDOM_BYTES)),
    (b) => b.toString(HEX).padStart(BYTE_HEX_DIGITS, "0"),
  ).join("");
}

/**
 * The body for `ranges` of a representation of `size` bytes and type `partType`, each part's
 * bytes from `source`.
 */
export function byterangesBody(
  ranges: readonly ByteRange[],
  size: number,
  partType: string,
  source: (range: ByteRange) => AsyncIterable<Uint8Array>,
  boundary: string = randomBoundary(),
): ByterangesBody {
  const heads = ranges.map((r, i) =>
    encoder.encode(
      `${i === 0 ? "" : "\r\n"}--${boundary}\r\n` +
        `Content-Range: bytes ${r.first}-${r.last}/${size}\r\nContent-Type: ${partType}\r\n\r\n`,
    )
  );
  const close = encoder.encode(`\r\n--${boundary}--\r\n`);
  let length = close.length;
  ranges.forEach((r, i) => length += heads[i].length + (r.last - r.first + 1));
  async function* parts(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < ranges.length; i++) {
      yield heads[i];
      yield* source(ranges[i]);
    }
    yield close;
  }
  return { contentType: `multipart/byteranges; boundary=${boundary}`, length, stream: parts() };
}
