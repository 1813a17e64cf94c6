/**
 * httpbin routes that answer a fixed sample document: `/json`, `/xml`, `/html`,
 * `/encoding/utf8`, `/forms/post`, `/robots.txt` and `/deny`.
 *
 * This module must not touch sockets.
 * @module
 */

import { JSON_CONTENT_TYPE } from "../app/json_response.ts";
import { STATUS } from "../http/status.ts";
import type { HttpResponse } from "../http/types.ts";
import type { DocumentPath } from "./document_paths.ts";
import {
  SAMPLE_DENY_TEXT,
  SAMPLE_FORM_HTML,
  SAMPLE_HTML,
  SAMPLE_JSON,
  SAMPLE_ROBOTS_TXT,
  SAMPLE_UTF8_HTML,
  SAMPLE_XML,
} from "./sample_documents.ts";

/** The media types of the samples (go-httpbin's, charset included where it gives one). */
export const HTML_CONTENT_TYPE = "text/html; charset=utf-8";
export const TEXT_CONTENT_TYPE = "text/plain; charset=utf-8";
export const XML_CONTENT_TYPE = "application/xml";

/** A handler answering 200 with `body` as `contentType`; the bytes are encoded once. */
export function documentHandler(contentType: string, body: string): () => HttpResponse {
  const bytes = new TextEncoder().encode(body);
  return () => ({ status: STATUS.OK, headers: [["Content-Type", contentType]], body: bytes });
}

/** The sample documents by path, each with its handler (one per path of `DOCUMENT_PATHS`). */
export const DOCUMENTS: Readonly<Record<DocumentPath, () => HttpResponse>> = {
  "/json": documentHandler(JSON_CONTENT_TYPE, SAMPLE_JSON),
  "/xml": documentHandler(XML_CONTENT_TYPE, SAMPLE_XML),
  "/html": documentHandler(HTML_CONTENT_TYPE, SAMPLE_HTML),
  "/encoding/utf8": documentHandler(HTML_CONTENT_TYPE, SAMPLE_UTF8_HTML),
  "/forms/post": documentHandler(HTML_CONTENT_TYPE, SAMPLE_FORM_HTML),
  "/robots.txt": documentHandler(TEXT_CONTENT_TYPE, SAMPLE_ROBOTS_TXT),
  "/deny": documentHandler(TEXT_CONTENT_TYPE, SAMPLE_DENY_TEXT),
};
