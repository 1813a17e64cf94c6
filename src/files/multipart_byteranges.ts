/**
 * `multipart/byteranges` bodies (RFC 9110 §14.6) for responses to several ranges: each part
 * carries its own Content-Type and Content-Range, and the total length is known in advance so
 * the response has a Content-Length.
 *
 * This module must not touch the disk: the caller hands it a way to get each range's bytes.
 * @module
 */

import type { ByteRange } from "./ranges.ts";

const encoder = new TextEncoder();
/** Random bytes in each boundary (128 bits: never guessed, never met by chance). */
const BOUNDARY_RANDOM_BYTES = 16;
const HEX = 16;
const BYTE_HEX_DIGITS = 2;

/** Where a part's bytes come from. */
export type RangeSource = (range: ByteRange) => Uint8Array | AsyncIterable<Uint8Array>;

/** A multipart/byteranges body ready to send. */
export interface MultipartBody {
  /** The Content-Type field value with its boundary. */
  contentType: string;
  /** Exact body length in bytes. */
  length: number;
  /** The body, part by part. */
  stream: AsyncIterable<Uint8Array>;
}

/**
 * A fresh random boundary for each response. A boundary must not occur in the parts (RFC 2046
 * §5.1.1), and the parts are files anyone with upload rights chooses: a boundary they could
 * predict (a per-process prefix and a counter, as it was) let an uploaded file forge parts of
 * someone else's range response.
 */
export function newBoundary(): string {
  const random = Array.from(
    crypto.getRandomValues(new Uint8Array(BOUNDARY_RANDOM_BYTES)),
    (b) => b.toString(HEX).padStart(BYTE_HEX_DIGITS, "0"),
  ).join("");
  return `wireserve-${random}`;
}

/**
 * Builds the body for `ranges` of a representation of `size` bytes and type `partType`.
 * Layout per part: `--boundary CRLF fields CRLF CRLF bytes CRLF`, then `--boundary-- CRLF`.
 */
export function multipartByteranges(
  ranges: readonly ByteRange[],
  size: number,
  partType: string,
  source: RangeSource,
  boundary: string = newBoundary(),
): MultipartBody {
  const heads = ranges.map((r) =>
    encoder.encode(
      `--${boundary}\r\nContent-Type: ${partType}\r\n` +
        `Content-Range: bytes ${r.start}-${r.end}/${size}\r\n\r\n`,
    )
  );
  const crlf = encoder.encode("\r\n");
  const close = encoder.encode(`--${boundary}--\r\n`);
  let length = close.length;
  ranges.forEach((r, i) => length += heads[i].length + (r.end - r.start + 1) + crlf.length);
  async function* parts(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < ranges.length; i++) {
      yield heads[i];
      const data = source(ranges[i]);
      if (data instanceof Uint8Array) yield data;
      else yield* data;
      yield crlf;
    }
    yield close;
  }
  return { contentType: `multipart/byteranges; boundary=${boundary}`, length, stream: parts() };
}
