/**
 * httpbin's small service routes: `/head` (HEAD only, described like `/get`), `/upload`
 * (the body counted and discarded), `/dump/request` (the request as it came on the wire),
 * `/unstable` (200 or 500 at random), `/hostname`, `/version` and `/env`.
 *
 * This module must not touch sockets.
 * @module
 */

import type { AppConfig } from "../app/app_config.ts";
import { latin1Bytes } from "../app/byte_text.ts";
import { badRequest, jsonResponse } from "../app/json_response.ts";
import { optionalValue, parseQueryAsGo } from "../app/query_params.ts";
import { HttpError } from "../http/errors.ts";
import { readBodyBytes } from "../http/read_body_bytes.ts";
import { STATUS } from "../http/status.ts";
import type { HeaderFields } from "../http/header_fields.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { BAD_SEED, type Fill, seededFill, seedParam } from "./data.ts";
import { TEXT_CONTENT_TYPE } from "./documents.ts";
import { parseGoDecimal } from "./go_decimal.ts";
import { describeFully } from "./request.ts";

/** The name `/hostname` and `/version` give: the machine's own name is not the client's business. */
export const SERVICE_NAME = "wireserve";
/** go-httpbin's default `/unstable` failure rate. */
const DEFAULT_FAILURE_RATE = 0.5;
/** A failure rate is a probability: at most every time. */
const MAX_FAILURE_RATE = 1;
/** Bytes of randomness one `/unstable` draw takes (a 32-bit fraction). */
const DRAW_BYTES = 4;
const UINT32_RANGE = 2 ** 32;

/**
 * `/upload` (POST, PUT, PATCH): reads the whole body without keeping it (at most
 * `maxUploadBytes`, 413 past it) and answers the `/get` description plus `bytes_received`.
 */
export function uploadHandler(config: AppConfig) {
  return async (req: HttpRequest): Promise<HttpResponse> => {
    const d = await describeFully(req, config, false);
    if ("error" in d) return d.error;
    const { body } = req;
    if (body.length !== null && body.length > config.maxUploadBytes) {
      throw new HttpError("contentTooLarge");
    }
    let received = 0;
    for (let piece = await body.read(); piece !== null; piece = await body.read()) {
      received += piece.length;
      if (received > config.maxUploadBytes) throw new HttpError("contentTooLarge");
    }
    return jsonResponse(STATUS.OK, { ...d.fields, bytes_received: received });
  };
}

/**
 * `/dump/request`: the request head exactly as received, then its body (at most
 * `maxCaptureBytes`, 413 past it), as text/plain — what go-httpbin approximates, byte for byte.
 * A chunked body is shown chunked again, as Go's `httputil.DumpRequest` does, so the dump stays
 * one valid HTTP message: the decoded bytes as one chunk, the last chunk, then the trailer
 * fields that came (the chunk sizes and extensions as sent are `/inspect`'s business).
 */
export function dumpRequestHandler(config: AppConfig) {
  return async (req: HttpRequest): Promise<HttpResponse> => {
    const body = await readBodyBytes(req.body, config.maxCaptureBytes);
    // The GET of the same request would dump other bytes: a HEAD gets no Content-Length.
    if (req.method === "HEAD") {
      return {
        status: STATUS.OK,
        headers: [["Content-Type", TEXT_CONTENT_TYPE]],
        contentLength: null,
      };
    }
    const framed = req.body.chunked ? rechunked(body, req.body.trailers) : [body];
    const out = new Uint8Array(req.rawHead.length + framed.reduce((n, b) => n + b.length, 0));
    out.set(req.rawHead);
    let at = req.rawHead.length;
    for (const part of framed) {
      out.set(part, at);
      at += part.length;
    }
    return { status: STATUS.OK, headers: [["Content-Type", TEXT_CONTENT_TYPE]], body: out };
  };
}

/** `body` in chunked coding (RFC 9112 §7.1): one chunk unless empty, the last chunk, trailers. */
function rechunked(body: Uint8Array, trailers: HeaderFields | null): Uint8Array[] {
  let tail = "0\r\n";
  for (let i = 0; i < (trailers?.size ?? 0); i++) {
    tail += `${trailers!.names[i]}: ${trailers!.values[i]}\r\n`;
  }
  tail += "\r\n";
  if (body.length === 0) return [latin1Bytes(tail)];
  return [latin1Bytes(`${body.length.toString(16)}\r\n`), body, latin1Bytes(`\r\n${tail}`)];
}

/**
 * `/unstable?failure_rate=&seed=`: 500 with probability failure_rate (a decimal from 0 to 1 as
 * {@link parseGoDecimal} reads it, default 0.5), else 200; the same seed gives the same answer.
 */
export function unstableHandler(req: HttpRequest): HttpResponse {
  const pairs = parseQueryAsGo(req.query);
  const rateText = optionalValue(pairs, "failure_rate");
  const rate = rateText === undefined ? DEFAULT_FAILURE_RATE : parseGoDecimal(rateText);
  if (rate === null || rate < 0 || rate > MAX_FAILURE_RATE) {
    return badRequest("Cannot fail at that rate: failure_rate must be a decimal from 0 to 1");
  }
  const seed = seedParam(pairs);
  if (seed === null) return badRequest(BAD_SEED);
  const fill: Fill = seed === undefined ? (b) => crypto.getRandomValues(b) : seededFill(seed);
  const draw = new Uint8Array(DRAW_BYTES);
  fill(draw);
  const fraction = new DataView(draw.buffer).getUint32(0) / UINT32_RANGE;
  const status = fraction < rate ? STATUS.InternalServerError : STATUS.OK;
  return { status, headers: [["Content-Type", TEXT_CONTENT_TYPE]] };
}

/** `/hostname`: `{"hostname": "wireserve"}` (go-httpbin shows its own name unless told not to). */
export function hostnameHandler(): HttpResponse {
  return jsonResponse(STATUS.OK, { hostname: SERVICE_NAME });
}

/** `/version`: `{"service": "wireserve", "version": …}`. */
export function versionHandler(config: AppConfig) {
  return (): HttpResponse =>
    jsonResponse(STATUS.OK, { service: SERVICE_NAME, version: config.version });
}

/**
 * `/env`: `{"env": {}}` always. go-httpbin shows the `HTTPBIN_*` variables an operator set; the
 * app reads no environment (the CLI does), and a server that shows its environment is one
 * mistake away from showing a secret.
 */
export function envHandler(): HttpResponse {
  return jsonResponse(STATUS.OK, { env: {} });
}
