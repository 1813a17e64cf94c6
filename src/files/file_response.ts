/**
 * The response for a regular file, decided in RFC 9110's order: the Range asked for (§14.2), the
 * representation Accept-Encoding selects (`file_representation.ts`), the preconditions against
 * its validators (§13.2.2), then the answer — 304, 412 or 416 here; a 206
 * (`partial_response.ts`), a compressed 200 (`encoded_response.ts`) or the identity 200
 * (`whole_response.ts`). Synchronous when everything needed is in the cache.
 *
 * This module must not resolve paths or check symlinks: it receives a checked `FileFacts`.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { evaluatePreconditions, ifRangePasses } from "../app/conditional.ts";
import { canCompressStream } from "../app/streamed_compressions.ts";
import { textResponse } from "../app/router.ts";
import type { FileFacts } from "./file_facts.ts";
import type { FileServeContext } from "./file_serve_context.ts";
import type { ContentCoding } from "../app/content_coding.ts";
import {
  ACCEPT_RANGES,
  chooseCoding,
  type Representation,
  representation,
  streamsCompressed,
  VARY,
} from "./file_representation.ts";
import { encodedResponse } from "./encoded_response.ts";
import { partialResponse } from "./partial_response.ts";
import { type ByteRange, parseRange, type RangeRequest } from "./ranges.ts";
import { wholeResponse } from "./whole_response.ts";

const NO_RANGE: RangeRequest = { kind: "none" };

/** What RFC 9110's order decides for a file before its bytes are needed. */
type Decision =
  | { final: HttpResponse }
  | { final: null; range: RangeRequest; coding: ContentCoding; rep: Representation };

/**
 * The Range asked for, the representation, and the preconditions against its validators: a
 * final answer (304, 412, 416) or what to send. `opened` says whether the file's bytes will be
 * read from it (its compressed forms then stream, under their cap), as for `streamsCompressed`.
 */
function decide(
  req: HttpRequest,
  ctx: FileServeContext,
  facts: FileFacts,
  opened: boolean,
): Decision {
  // RFC 9110 §14.2 defines Range for GET, and HEAD is GET without the content (§9.3.2): it gets
  // the fields a GET with the same Range would (206, Content-Range, 416), as nginx, Apache and
  // Go's ServeContent answer, and as httpbin's `/range` does here.
  const rangeValue = req.method === "GET" || req.method === "HEAD"
    ? req.headers.list("range")
    : undefined;
  let range = rangeValue === undefined ? NO_RANGE : parseRange(rangeValue, facts.size);
  // Parts of a file stored compressed (`.svgz`) would each be gzip bytes labelled with the media
  // type: several ranges of one get the whole file instead (a server may ignore Range, §14.2).
  if (range.kind === "ranges" && range.ranges.length > 1 && facts.storedCoding !== null) {
    range = NO_RANGE;
  }
  // Never compress a 206: a range is served from the identity bytes.
  let coding = facts.compressible && range.kind === "none" ? chooseCoding(req, facts) : "identity";
  let rep = representation(facts, coding);
  let pre = evaluatePreconditions(req.method, req.headers, rep.validators);
  // Past the cap on streamed compressions the identity form goes out, with its own validators;
  // HEAD asks too, to answer as a GET would now. A 304 streams nothing, so it is decided for the
  // negotiated form first: a cache revalidating the compressed form must not be sent the whole
  // identity body because the server is busy (RFC 9110 §13.1.2, §15.4.5). No await until
  // encodedResponse() takes the place.
  if (
    pre !== "not-modified" && coding !== "identity" && opened &&
    streamsCompressed(facts, coding) && !canCompressStream()
  ) {
    coding = "identity";
    rep = representation(facts, coding);
    pre = evaluatePreconditions(req.method, req.headers, rep.validators);
  }
  if (pre === "not-modified") return { final: notModified(ctx, facts, rep) };
  if (pre === "failed") {
    return {
      final: varied(facts, textResponse(STATUS.PreconditionFailed, "Precondition failed\n")),
    };
  }
  if (range.kind !== "none" && !ifRangePasses(req.headers.list("if-range"), rep.validators)) {
    range = NO_RANGE;
  }
  if (range.kind === "unsatisfiable") {
    const res = textResponse(STATUS.RangeNotSatisfiable, "Range not satisfiable\n");
    res.headers!.push(["Content-Range", `bytes */${facts.size}`], ACCEPT_RANGES);
    return { final: varied(facts, res) };
  }
  return { final: null, range, coding, rep };
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
  const d = decide(req, ctx, facts, file !== null);
  if (d.final !== null) {
    file?.close();
    return d.final;
  }
  if (d.range.kind === "ranges") return partialResponse(ctx, facts, d.range.ranges, file);
  if (d.coding === "identity") return wholeResponse(req, ctx, facts, STATUS.OK, file);
  return encodedResponse(req, ctx, fsPath, facts, d.rep, d.coding, file);
}

/**
 * The answer `serveFile` would give a file not held in memory, when it needs none of its bytes:
 * 304, 412 and 416, and a HEAD's whole 200 (the identity form, or a precompressed sibling's) —
 * decided from `facts` alone, as a small file's answers are from the cache within its period,
 * so that they cost no open. A GET of one range of at most `short.max` bytes (a player's seek, a
 * download manager's piece) is handed to `short.read`, which reads it from a held descriptor
 * (`held_files.ts`). Null when the file must be opened (a body, a HEAD's 206, a form compressed
 * as it streams).
 */
export function answerWithoutOpen(
  req: HttpRequest,
  ctx: FileServeContext,
  fsPath: string,
  facts: FileFacts,
  short: ShortRanges | null,
): HttpResponse | Promise<HttpResponse> | null {
  const d = decide(req, ctx, facts, true);
  if (d.final !== null) return d.final;
  if (d.range.kind === "ranges") {
    if (short === null || req.method !== "GET" || d.range.ranges.length !== 1) return null;
    const range = d.range.ranges[0];
    return range.end - range.start + 1 <= short.max ? short.read(range) : null;
  }
  if (req.method !== "HEAD") return null;
  if (d.coding === "identity") return wholeResponse(req, ctx, facts, STATUS.OK, null);
  if (d.rep.sibling === null) return null;
  return encodedResponse(req, ctx, fsPath, facts, d.rep, d.coding, null);
}

/** Who reads a short range of a file without an open, and up to how many bytes. */
export interface ShortRanges {
  readonly max: number;
  read(range: ByteRange): HttpResponse | Promise<HttpResponse>;
}

/**
 * `res` with the file's `Vary`: a 412 or 416 was decided against the representation that
 * Accept-Encoding selected, like the 200 and 206 that say so (RFC 9110 §12.5.5).
 */
function varied(facts: FileFacts, res: HttpResponse): HttpResponse {
  if (facts.compressible) res.headers!.push(VARY);
  return res;
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
