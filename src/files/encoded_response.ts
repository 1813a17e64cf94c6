/**
 * The 200 of a compressed representation: a precompressed sibling (from memory, or opened and
 * checked again), the compressed form of a small file (made once and remembered by the cache),
 * or a large file compressed as it streams, within the isolate's cap on streamed compressions.
 * Whenever the compressed form cannot be sent as announced, the identity form goes out instead.
 *
 * This module must not negotiate the coding or evaluate preconditions: `serveFile` has chosen
 * the representation and decided it is to be sent whole.
 * @module
 */

import { compressBytes } from "../app/content_coding.ts";
import { compressStreamInPlace } from "../app/streamed_compressions.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse, ResponseBody } from "../http/types.ts";
import type { FileFacts } from "./file_facts.ts";
import type { FileServeContext } from "./file_serve_context.ts";
import { type Coded, type Representation, VARY } from "./file_representation.ts";
import { readFileRange } from "./file_stream.ts";
import { openRegularFile } from "./open_regular.ts";
import { wholeResponse } from "./whole_response.ts";

const EMPTY_STREAM: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

/**
 * The whole file `facts` (found at `fsPath`) in `rep`, coded as `coding`. `file` is null when
 * `facts.bytes` holds the contents; otherwise this function owns it: it becomes the body or is
 * closed.
 */
export function encodedResponse(
  req: HttpRequest,
  ctx: FileServeContext,
  fsPath: string,
  facts: FileFacts,
  rep: Representation,
  coding: Coded,
  file: Deno.FsFile | null,
): HttpResponse | Promise<HttpResponse> {
  const headers: Array<[string, string]> = [
    ["Content-Type", facts.contentType],
    ["Content-Encoding", coding],
    ["ETag", rep.validators.etag],
    ["Last-Modified", rep.lastModified],
    ["Cache-Control", ctx.cacheControl],
    // No Accept-Ranges (as nginx's gzip filter clears it): a range is served from the identity
    // bytes, so a client that took this body's length and asked for a range of it would get
    // bytes of another representation (RFC 9110 §14.3 advertises ranges of *this* one). The
    // identity 200, its HEAD and every 206 still say `bytes`.
    VARY,
  ];
  const status = STATUS.OK;
  const sibling = rep.sibling;
  if (sibling !== null) {
    if (sibling.bytes !== null || req.method === "HEAD") {
      file?.close();
      if (sibling.bytes !== null) return { status, headers, body: sibling.bytes };
      return { status, headers, contentLength: sibling.size };
    }
    return openSame(sibling.path, sibling.size, sibling.mtimeMs).then((encodedFile) => {
      // The sibling changed since it was checked: the identity form is always a right answer.
      if (encodedFile === null) return wholeResponse(req, ctx, facts, status, file);
      file?.close();
      const body: ResponseBody = {
        kind: "file",
        file: encodedFile,
        offset: 0,
        length: sibling.size,
      };
      return { status, headers, body };
    });
  }
  if (facts.bytes !== null || file === null) {
    file?.close();
    const source = facts.bytes;
    if (source === null) return wholeResponse(req, ctx, facts, status, null);
    let data = facts.encoded[coding];
    if (data === undefined) {
      data = compressBytes(source, coding);
      ctx.cache.remember(fsPath, facts, coding, data);
    }
    return { status, headers, body: data };
  }
  // A large file compressed as it streams: the length is unknown until the end (chunked), so
  // HEAD answers with the same fields and no length.
  if (req.method === "HEAD") {
    file.close();
    return { status, headers, body: { kind: "stream", stream: EMPTY_STREAM } };
  }
  // The place is given back, and the file closed, when the stream ends, fails or is cancelled.
  const stream = compressStreamInPlace(
    readFileRange(file, 0, facts.size),
    coding,
    () => file.close(),
  );
  // serveFile saw a free place with no await since: this is only a guard.
  if (stream === null) return wholeResponse(req, ctx, facts, status, file);
  return { status, headers, body: { kind: "stream", stream } };
}

/**
 * Opens `path` and returns it only when it still has the size and time that were checked, so
 * the announced length and validators describe what is sent; null when it changed or vanished.
 */
async function openSame(path: string, size: number, mtimeMs: number): Promise<Deno.FsFile | null> {
  let file: Deno.FsFile;
  try {
    file = await openRegularFile(path);
  } catch {
    return null;
  }
  try {
    const st = await file.stat();
    if (st.isFile && st.size === size && (st.mtime?.getTime() ?? 0) === mtimeMs) return file;
  } catch {
    // fall through: treat as changed
  }
  file.close();
  return null;
}
