/**
 * `/inspect[/…]` (any method): the request exactly as it arrived on the wire — request line and
 * header lines byte for byte (original case, order, duplicates, spacing), the empty lines before
 * the request line (counted), the chunk-size lines and trailer section of a chunked body as sent,
 * the body (captured up to `maxCaptureBytes`, counted to its end, refused past `maxUploadBytes`),
 * and the connection facts: request index on the keep-alive connection, pipelining, how
 * `Expect: 100-continue` went.
 *
 * Text by default; JSON for `Accept: application/json` or `?format=json`.
 * This module must not touch sockets.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import type { AppConfig } from "../app/app_config.ts";
import { captureBody } from "./body_capture.ts";
import { inspectJson, inspectText } from "./inspect_report.ts";
import { prefersJson } from "../app/prefers_json.ts";
import { JSON_CONTENT_TYPE, jsonText } from "../app/json_response.ts";

/**
 * A handler for `/inspect`. It reads the whole body before answering (so `continueSent` is
 * final and the size known); `no-store` because the answer is one request's private echo.
 */
export function inspectHandler(config: AppConfig) {
  return async (req: HttpRequest): Promise<HttpResponse> => {
    // Shown byte for byte like the head; the copy is asked for here so that no other route pays.
    req.body.keepRawTrailers?.();
    const body = await captureBody(req.body, config.maxCaptureBytes, config.maxUploadBytes);
    const json = prefersJson(req);
    const headers: Array<[string, string]> = [
      ["Content-Type", json ? JSON_CONTENT_TYPE : "text/plain; charset=utf-8"],
      ["Cache-Control", "no-store"],
      ["Vary", "Accept"],
    ];
    // The GET of the same request would show other bytes: a HEAD gets no Content-Length.
    if (req.method === "HEAD") return { status: STATUS.OK, headers, contentLength: null };
    const text = json
      ? jsonText(inspectJson(req, body, config.maxCaptureBytes))
      : inspectText(req, body, config.maxCaptureBytes);
    return { status: STATUS.OK, headers, body: text };
  };
}
