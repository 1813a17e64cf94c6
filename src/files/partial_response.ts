/**
 * The 206 answer to a satisfiable Range (RFC 9110 §14, §15.3.7): one range as a slice of the
 * cached bytes or a window of the open file, several as a `multipart/byteranges` body streamed
 * from either. Always of the identity bytes: a range of a compressed form is never served.
 *
 * This module must not parse Range or decide whether it applies (If-Range, 416): `serveFile`
 * does, and hands over satisfiable ranges.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpResponse } from "../http/types.ts";
import type { FileFacts } from "./file_facts.ts";
import type { FileServeContext } from "./file_serve_context.ts";
import { ACCEPT_RANGES, VARY } from "./file_representation.ts";
import { closingStream, readFileRange } from "./file_stream.ts";
import { multipartByteranges } from "./multipart_byteranges.ts";
import type { ByteRange } from "./ranges.ts";

/**
 * The 206 for `ranges` of the file `facts`. `file` is null when `facts.bytes` holds the
 * contents; otherwise this function owns it: it becomes the body or is closed.
 */
export function partialResponse(
  ctx: FileServeContext,
  facts: FileFacts,
  ranges: ByteRange[],
  file: Deno.FsFile | null,
): HttpResponse {
  const headers = partialHeaders(ctx, facts);
  const status = STATUS.PartialContent;
  const bytes = facts.bytes;
  if (bytes !== null) file?.close();
  else if (file === null) throw new Error("A file without cached bytes must come opened");
  if (ranges.length === 1) {
    const { start, end } = ranges[0];
    singleRangeFields(headers, facts, ranges[0]);
    const length = end - start + 1;
    if (bytes !== null) return { status, headers, body: bytes.subarray(start, end + 1) };
    return { status, headers, body: { kind: "file", file: file!, offset: start, length } };
  }
  if (bytes !== null) {
    const body = multipartByteranges(
      ranges,
      facts.size,
      facts.contentType,
      (r) => bytes.subarray(r.start, r.end + 1),
    );
    headers.unshift(["Content-Type", body.contentType]);
    return { status, headers, body: { kind: "stream", stream: body.stream, length: body.length } };
  }
  const opened = file!;
  const body = multipartByteranges(
    ranges,
    facts.size,
    facts.contentType,
    (r) => readFileRange(opened, r.start, r.end - r.start + 1),
  );
  headers.unshift(["Content-Type", body.contentType]);
  const stream = closingStream(body.stream, () => opened.close());
  return { status, headers, body: { kind: "stream", stream, length: body.length } };
}

/** The 206 for the one range `range` of the file `facts`, whose bytes `bytes` are (read already). */
export function rangeOfBytes(
  ctx: FileServeContext,
  facts: FileFacts,
  range: ByteRange,
  bytes: Uint8Array,
): HttpResponse {
  const headers = partialHeaders(ctx, facts);
  singleRangeFields(headers, facts, range);
  return { status: STATUS.PartialContent, headers, body: bytes };
}

/** The fields every 206 of the file carries, whatever its ranges. */
function partialHeaders(ctx: FileServeContext, facts: FileFacts): Array<[string, string]> {
  const headers: Array<[string, string]> = [
    ["ETag", facts.etag],
    ["Last-Modified", facts.lastModified],
    ["Cache-Control", ctx.cacheControl],
    ACCEPT_RANGES,
  ];
  if (facts.compressible) headers.push(VARY);
  // A range of a file stored compressed (`.svgz`) is a range of its encoded bytes (§14.1.2).
  if (facts.storedCoding !== null) headers.push(["Content-Encoding", facts.storedCoding]);
  return headers;
}

/** Puts a single range's Content-Type and Content-Range first in `headers`. */
function singleRangeFields(
  headers: Array<[string, string]>,
  facts: FileFacts,
  { start, end }: ByteRange,
): void {
  headers.unshift(
    ["Content-Type", facts.contentType],
    ["Content-Range", `bytes ${start}-${end}/${facts.size}`],
  );
}
