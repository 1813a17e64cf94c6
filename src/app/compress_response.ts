/**
 * Applies the negotiated content coding to a response a handler built: picks the coding from
 * the request's `Accept-Encoding`, compresses the body, and sets `Content-Encoding` and
 * `Vary: Accept-Encoding` (RFC 9110 §8.4, §12.5.3, §12.5.5).
 *
 * This module must not touch sockets; the coding machinery itself is in `content_coding.ts`.
 * @module
 */

import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { STATUS } from "../http/status.ts";
import {
  compressBytes,
  type ContentCoding,
  isCompressible,
  MIN_COMPRESS_BYTES,
  negotiateEncoding,
} from "./content_coding.ts";
import { compressStreamInPlace } from "./streamed_compressions.ts";
import { addVary } from "./vary.ts";

/** How {@link compressResponse} decides. */
export interface CompressOptions {
  /** Codings to offer, most preferred first; include `identity`. */
  offered: readonly ContentCoding[];
  /** Bodies shorter than this stay uncompressed (default {@link MIN_COMPRESS_BYTES}). */
  minBytes?: number;
  /** Compress whatever the Content-Type (default: only {@link isCompressible} types). */
  anyType?: boolean;
}

const encoder = new TextEncoder();
const CONTENT_ENCODING = "content-encoding";
const CONTENT_TYPE = "content-type";
const NO_FIELDS: ReadonlyArray<[string, string]> = [];

/**
 * Returns `res` with its body compressed when the client accepts one of `offered` (else
 * unchanged apart from `Vary`). Left alone: statuses other than 200, bodies that already have a
 * Content-Encoding, files, and bodies below `minBytes` or of incompressible types. A streamed
 * body is compressed as a stream and loses its announced length (it goes out chunked), unless
 * the isolate already runs its cap of compressed streams (`streamed_compressions.ts`): then it
 * goes out as identity.
 *
 * When nothing offered is acceptable the body goes out as identity rather than 406: RFC 9110
 * §12.1 lets a server disregard the preference, and an error would help no client.
 *
 * `res` is changed in place (its headers array and body) and returned, which spares a copy of
 * every echo: pass a response built for this call, never a shared or cached one.
 */
export function compressResponse(
  req: HttpRequest,
  res: HttpResponse,
  options: CompressOptions,
): HttpResponse {
  // Only 200: a 206 body is a range of the identity representation, and error texts are tiny.
  if (res.status !== STATUS.OK) return res;
  const headers = res.headers ?? NO_FIELDS;
  let contentType = "";
  for (let i = 0; i < headers.length; i++) {
    const name = headers[i][0];
    if (sameName(name, CONTENT_ENCODING)) return res;
    if (sameName(name, CONTENT_TYPE)) contentType = headers[i][1];
  }
  const body = res.body ?? null;
  if (body === null || (typeof body === "object" && "kind" in body && body.kind === "file")) {
    return res;
  }
  if (options.anyType !== true && !isCompressible(contentType)) return res;

  // The answer now depends on Accept-Encoding whatever it says: caches must key on it.
  const varied = res.headers ?? (res.headers = []);
  // One Vary line: a listing already varies by Accept (RFC 9110 §12.5.5 takes a list).
  addVary(varied, "Accept-Encoding");
  const coding = negotiateEncoding(req.headers.list("accept-encoding"), options.offered);
  if (coding === null || coding === "identity") return res;
  const minBytes = options.minBytes ?? MIN_COMPRESS_BYTES;

  if (typeof body === "string" || body instanceof Uint8Array) {
    const bytes = typeof body === "string" ? encoder.encode(body) : body;
    if (bytes.length < minBytes) return res;
    varied.push(["Content-Encoding", coding]);
    res.body = compressBytes(bytes, coding);
    return res;
  }
  if (body.length !== undefined && body.length < minBytes) return res;
  // Past the isolate's cap on streamed compressions the body goes out as identity, as it is.
  const stream = compressStreamInPlace(body.stream, coding);
  if (stream === null) return res;
  varied.push(["Content-Encoding", coding]);
  res.body = { kind: "stream", stream, flush: body.flush };
  return res;
}

const UPPER_A = 0x41, UPPER_Z = 0x5a, CASE_BIT = 0x20;

/** Whether field name `name` is `lower` (lower case) ignoring ASCII case, without a new string. */
function sameName(name: string, lower: string): boolean {
  if (name.length !== lower.length) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if ((c >= UPPER_A && c <= UPPER_Z ? c | CASE_BIT : c) !== lower.charCodeAt(i)) return false;
  }
  return true;
}
