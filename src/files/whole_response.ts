/**
 * The whole identity body of a file: bytes from memory for small files, the engine's file body
 * for large ones, or only the length for HEAD — sent as the 200 when no range applies and no
 * coding was chosen, or as another status for a file that is not the target (the web root's
 * `404.html`).
 *
 * This module must not evaluate preconditions, ranges or codings: its caller decided on the
 * identity form.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import type { FileFacts } from "./file_facts.ts";
import type { FileServeContext } from "./file_serve_context.ts";
import { ACCEPT_RANGES, VARY } from "./file_representation.ts";

/**
 * The whole identity representation with `status` (200, or 404 for a `404.html` page), no
 * ranges or preconditions. `file` is null when `facts.bytes` holds the contents; otherwise it is
 * the file opened and checked against `facts`, and this function owns it: it becomes the body or
 * is closed.
 */
export function wholeResponse(
  req: HttpRequest,
  ctx: FileServeContext,
  facts: FileFacts,
  status: number,
  file: Deno.FsFile | null,
): HttpResponse {
  // A file sent as another status (the web root's 404.html) is not the target's representation:
  // its validators would describe the page, and a max-age would keep the 404 cached after the
  // file appears (RFC 9111 §4.2).
  const headers = status !== STATUS.OK ? notFoundPageHeaders(facts) : facts.okHeaders ??= [
    ["Content-Type", facts.contentType],
    ["ETag", facts.etag],
    ["Last-Modified", facts.lastModified],
    ["Cache-Control", ctx.cacheControl],
    ACCEPT_RANGES,
    ...(facts.compressible ? [VARY] : []),
    ...storedCodingField(facts),
  ];
  if (file === null || facts.bytes !== null || req.method === "HEAD") {
    file?.close();
    if (facts.bytes !== null) return { status, headers, body: facts.bytes };
    return { status, headers, contentLength: facts.size };
  }
  return { status, headers, body: { kind: "file", file, offset: 0, length: facts.size } };
}

/** `Content-Encoding` for a file stored compressed (`.svgz`), or nothing. */
function storedCodingField(facts: FileFacts): Array<[string, string]> {
  return facts.storedCoding === null ? [] : [["Content-Encoding", facts.storedCoding]];
}

/** The fields of a file sent with a status other than 200: its type, and revalidate always. */
function notFoundPageHeaders(facts: FileFacts): Array<[string, string]> {
  return [["Content-Type", facts.contentType], ["Cache-Control", "no-cache"]];
}
