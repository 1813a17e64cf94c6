/**
 * How the httpbin-style routes answer: pretty-printed JSON documents, and errors in
 * go-httpbin's shape (`{"status_code": 400, "error": "Bad Request", "detail": "…"}`).
 *
 * This module must not touch sockets.
 * @module
 */

import { reasonPhrase, STATUS } from "../http/status.ts";
import type { HttpResponse } from "../http/types.ts";

/** The media type of every JSON answer. */
export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";
/** Indentation of JSON answers: they are read by people with curl as often as by programs. */
const JSON_INDENT = "  ";
/** Arrays of plain values up to this width stay on one line (`["a", "b"]`). */
const INLINE_WIDTH = 80;

/**
 * `value` as the JSON text of an answer, with a final newline: indented like
 * `JSON.stringify(v, null, 2)`, except that short arrays of plain values stay on one line, so
 * `"X-Dup": ["1", "2"]` and `["Host", "example.com"]` read as they were sent. The data is plain
 * (objects, arrays, strings, numbers, booleans, null); `undefined` is written as null.
 */
export function jsonText(value: unknown): string {
  return format(value, "") + "\n";
}

function format(value: unknown, indent: string): string {
  if (value === null || value === undefined) return "null";
  if (typeof value !== "object") return JSON.stringify(value);
  const inner = indent + JSON_INDENT;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    if (value.every((v) => v === null || typeof v !== "object")) {
      const line = `[${value.map((v) => format(v, inner)).join(", ")}]`;
      if (inner.length + line.length <= INLINE_WIDTH) return line;
    }
    return `[\n${value.map((v) => inner + format(v, inner)).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return "{}";
  const lines = entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${format(v, inner)}`);
  return `{\n${lines.join(",\n")}\n${indent}}`;
}

/** A JSON response of `value` with `status` and any `extra` header fields after Content-Type. */
export function jsonResponse(
  status: number,
  value: unknown,
  extra: Array<[string, string]> = [],
): HttpResponse {
  return {
    status,
    headers: [["Content-Type", JSON_CONTENT_TYPE], ...extra],
    body: jsonText(value),
  };
}

/**
 * A 4xx/5xx in go-httpbin's error shape (its `writeError`): `error` is the status's reason
 * phrase, `detail` the message, left out when there is none. `detail` follows the house rule:
 * sentence case, what could not be done and why; it quotes only values the handler already
 * validated, never raw request bytes.
 */
export function jsonError(status: number, detail?: string): HttpResponse {
  const error = { status_code: status, error: reasonPhrase(status) };
  return jsonResponse(status, detail === undefined || detail === "" ? error : { ...error, detail });
}

/** A 400 with `detail` (see {@link jsonError}). */
export function badRequest(detail: string): HttpResponse {
  return jsonError(STATUS.BadRequest, detail);
}
