/**
 * The response for a regular file: representation selection (identity, a precompressed
 * sibling, or compression on the fly), preconditions (RFC 9110 §13.2.2), ranges (§14) and the
 * body — bytes from memory for small files, the engine's file body for large ones, a stream for
 * compressed and multipart bodies. Synchronous when everything needed is in the cache.
 *
 * This module must not resolve paths or check symlinks: it receives a checked `FileFacts`.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse, ResponseBody } from "../http/types.ts";
import { evaluatePreconditions, ifRangePasses, type Validators } from "../app/conditional.ts";
import {
  compressBytes,
  type ContentCoding,
  MIN_COMPRESS_BYTES,
  negotiateEncoding,
} from "../app/content_coding.ts";
import { withSuffix } from "../app/etag.ts";
import { canCompressStream, compressStreamInPlace } from "../app/streamed_compressions.ts";
import type { FileCache } from "./file_cache.ts";
import type { FileFacts, Sibling } from "./file_facts.ts";
import { closingStream, readFileRange } from "./file_stream.ts";
import { multipartByteranges } from "./multipart_byteranges.ts";
import { type ByteRange, parseRange, type RangeRequest } from "./ranges.ts";
import { textResponse } from "../app/router.ts";

/** What every file response of one root shares. */
export interface FileServeContext {
  cache: FileCache;
  /** The Cache-Control value: `no-cache`, or `max-age=<n>`. */
  cacheControl: string;
}

type Coded = "br" | "gzip";
/** Offer lists, most preferred first: brotli is smaller at a similar cost (content_coding.ts). */
const OFFER_BOTH: readonly ContentCoding[] = ["br", "gzip", "identity"];
const OFFER_BR: readonly ContentCoding[] = ["br", "identity"];
const OFFER_GZIP: readonly ContentCoding[] = ["gzip", "identity"];
const NO_RANGE: RangeRequest = { kind: "none" };
const VARY: [string, string] = ["Vary", "Accept-Encoding"];
const ACCEPT_RANGES: [string, string] = ["Accept-Ranges", "bytes"];
const EMPTY_STREAM: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

/** The representation chosen for a response. */
interface Representation {
  coding: ContentCoding;
  validators: Validators;
  lastModified: string;
  /** The precompressed sibling serving it, if any. */
  sibling: Sibling | null;
}

/**
 * Answers GET/HEAD for the file `facts` found at `fsPath`. `file` is null when `facts.bytes`
 * holds the contents; otherwise it is the file opened and checked against `facts` (same size,
 * time and inode), and this function owns it: it becomes the body or is closed.
 */
export function serveFile(
  req: HttpRequest,
  ctx: FileServeContext,
  fsPath: string,
  facts: FileFacts,
  file: Deno.FsFile | null,
): HttpResponse | Promise<HttpResponse> {
  // RFC 9110 §14.2: Range is defined for GET only; HEAD answers as a GET without Range would.
  const rangeValue = req.method === "GET" ? req.headers.list("range") : undefined;
  const range = rangeValue === undefined ? NO_RANGE : parseRange(rangeValue, facts.size);
  // Never compress a 206: a range is served from the identity bytes.
  let coding = facts.compressible && range.kind === "none" ? chooseCoding(req, facts) : "identity";
  let rep = representation(facts, coding);
  let pre = evaluatePreconditions(req.method, req.headers, rep.validators);
  // Past the cap on streamed compressions the identity form goes out, with its own validators;
  // HEAD asks too, to answer as a GET would now. A 304 streams nothing, so it is decided for the
  // negotiated form first: a cache revalidating the compressed form must not be sent the whole
  // identity body because the server is busy (RFC 9110 §13.1.2, §15.4.5). No await until
  // encoded() takes the place.
  if (
    pre !== "not-modified" && coding !== "identity" && streamsCompressed(facts, coding, file) &&
    !canCompressStream()
  ) {
    coding = "identity";
    rep = representation(facts, coding);
    pre = evaluatePreconditions(req.method, req.headers, rep.validators);
  }
  if (pre !== "proceed") {
    file?.close();
    if (pre === "not-modified") return notModified(ctx, facts, rep);
    return varied(facts, textResponse(STATUS.PreconditionFailed, "Precondition failed\n"));
  }
  if (range.kind !== "none" && ifRangePasses(req.headers.list("if-range"), rep.validators)) {
    if (range.kind === "unsatisfiable") {
      file?.close();
      const res = textResponse(STATUS.RangeNotSatisfiable, "Range not satisfiable\n");
      res.headers!.push(["Content-Range", `bytes */${facts.size}`], ACCEPT_RANGES);
      return varied(facts, res);
    }
    return partial(ctx, facts, range.ranges, file);
  }
  if (coding === "identity") return whole(req, ctx, facts, STATUS.OK, file);
  return encoded(req, ctx, fsPath, facts, rep, coding, file);
}

/**
 * The whole identity representation with `status` (200, or 404 for a `404.html` page), no
 * ranges or preconditions. `file` as for {@link serveFile}.
 */
export function whole(
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
  ];
  if (file === null || facts.bytes !== null || req.method === "HEAD") {
    file?.close();
    if (facts.bytes !== null) return { status, headers, body: facts.bytes };
    return { status, headers, contentLength: facts.size };
  }
  return { status, headers, body: { kind: "file", file, offset: 0, length: facts.size } };
}

/**
 * `res` with the file's `Vary`: a 412 or 416 was decided against the representation that
 * Accept-Encoding selected, like the 200 and 206 that say so (RFC 9110 §12.5.5).
 */
function varied(facts: FileFacts, res: HttpResponse): HttpResponse {
  if (facts.compressible) res.headers!.push(VARY);
  return res;
}

/** The fields of a file sent with a status other than 200: its type, and revalidate always. */
function notFoundPageHeaders(facts: FileFacts): Array<[string, string]> {
  return [["Content-Type", facts.contentType], ["Cache-Control", "no-cache"]];
}

function chooseCoding(req: HttpRequest, facts: FileFacts): ContentCoding {
  const accept = req.headers.list("accept-encoding");
  if (accept === undefined) return "identity";
  const onTheFly = facts.size >= MIN_COMPRESS_BYTES;
  const offered = onTheFly || (facts.br !== null && facts.gzip !== null)
    ? OFFER_BOTH
    : facts.br !== null
    ? OFFER_BR
    : facts.gzip !== null
    ? OFFER_GZIP
    : null;
  if (offered === null) return "identity";
  return negotiateEncoding(accept, offered) ?? "identity";
}

/** Whether `coding` would be made by compressing the file as it streams (no sibling, not cached). */
function streamsCompressed(facts: FileFacts, coding: Coded, file: Deno.FsFile | null): boolean {
  return facts[coding] === null && facts.bytes === null && file !== null;
}

function representation(facts: FileFacts, coding: ContentCoding): Representation {
  if (coding === "identity") {
    return {
      coding,
      validators: facts,
      lastModified: facts.lastModified,
      sibling: null,
    };
  }
  const sibling = facts[coding];
  // A sibling is its own representation with its own validators; an on-the-fly form shares the
  // file's time but needs its own strong tag (different bytes).
  const etag = sibling?.etag ?? withSuffix(facts.etag, coding);
  return {
    coding,
    validators: { etag, lastModifiedMs: facts.lastModifiedMs, mtimeMs: facts.mtimeMs },
    lastModified: facts.lastModified,
    sibling,
  };
}

function notModified(ctx: FileServeContext, facts: FileFacts, rep: Representation): HttpResponse {
  // RFC 9110 §15.4.5: the fields a 200 would carry that describe caching.
  const headers: Array<[string, string]> = [
    ["ETag", rep.validators.etag],
    ["Last-Modified", rep.lastModified],
    ["Cache-Control", ctx.cacheControl],
  ];
  if (facts.compressible) headers.push(VARY);
  return { status: STATUS.NotModified, headers };
}

function partial(
  ctx: FileServeContext,
  facts: FileFacts,
  ranges: ByteRange[],
  file: Deno.FsFile | null,
): HttpResponse {
  const headers: Array<[string, string]> = [
    ["ETag", facts.etag],
    ["Last-Modified", facts.lastModified],
    ["Cache-Control", ctx.cacheControl],
    ACCEPT_RANGES,
  ];
  if (facts.compressible) headers.push(VARY);
  const status = STATUS.PartialContent;
  const bytes = facts.bytes;
  if (bytes !== null) file?.close();
  else if (file === null) throw new Error("A file without cached bytes must come opened");
  if (ranges.length === 1) {
    const { start, end } = ranges[0];
    headers.unshift(
      ["Content-Type", facts.contentType],
      ["Content-Range", `bytes ${start}-${end}/${facts.size}`],
    );
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

function encoded(
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
      if (encodedFile === null) return whole(req, ctx, facts, status, file);
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
    if (source === null) return whole(req, ctx, facts, status, null);
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
  if (stream === null) return whole(req, ctx, facts, status, file);
  return { status, headers, body: { kind: "stream", stream } };
}

/**
 * Opens `path` and returns it only when it still has the size and time that were checked, so
 * the announced length and validators describe what is sent; null when it changed or vanished.
 */
async function openSame(path: string, size: number, mtimeMs: number): Promise<Deno.FsFile | null> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
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
