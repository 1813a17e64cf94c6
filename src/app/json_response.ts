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
 * Deeper than this, values are written on one line: a client's JSON may be nested 10,000 deep
 * (go-httpbin's limit, which `/post` keeps), and indenting every level would make the answer grow
 * with the square of the depth, to hundreds of megabytes.
 */
const MAX_INDENTED_DEPTH = 100;

/** What is left to write: text as it is, or a value at a nesting depth. */
type Task = string | { value: unknown; indent: string; depth: number };

/**
 * `value` as the JSON text of an answer, with a final newline: indented like
 * `JSON.stringify(v, null, 2)`, except that short arrays of plain values stay on one line, so
 * `"X-Dup": ["1", "2"]` and `["Host", "example.com"]` read as they were sent, and that values
 * nested deeper than {@link MAX_INDENTED_DEPTH} are written compactly. The data is plain
 * (objects, arrays, strings, numbers, booleans, null); `undefined` is written as null.
 *
 * It works from an explicit stack, not by recursion: the data may be a client's JSON body,
 * nested deeper than the call stack allows, and this must never throw.
 */
export function jsonText(value: unknown): string {
  const out: string[] = [];
  const tasks: Task[] = [{ value, indent: "", depth: 0 }];
  while (tasks.length > 0) {
    const task = tasks.pop()!;
    if (typeof task === "string") out.push(task);
    else out.push(formatStep(task.value, task.indent, task.depth, tasks));
  }
  out.push("\n");
  return out.join("");
}

/**
 * The text that opens `value` (all of it for a plain value or a one-line array); the rest of a
 * container is pushed onto `tasks` in reverse, so that popping writes it in order.
 */
function formatStep(value: unknown, indent: string, depth: number, tasks: Task[]): string {
  if (value === null || value === undefined) return "null";
  if (typeof value !== "object") return JSON.stringify(value);
  const compact = depth >= MAX_INDENTED_DEPTH;
  const inner = compact ? "" : indent + JSON_INDENT;
  let items: Array<[string, unknown]>;
  let open: string;
  let close: string;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    if (value.every((v) => v === null || typeof v !== "object")) {
      const texts = value.map((v) => v === undefined ? "null" : JSON.stringify(v));
      const line = `[${texts.join(", ")}]`;
      if (compact || inner.length + line.length <= INLINE_WIDTH) return line;
      // One value a line, written here: as tasks, the 240,000 values of a large form took three
      // objects each and most of a 200 ms answer.
      return `[\n${inner}${texts.join(`,\n${inner}`)}\n${indent}]`;
    }
    items = value.map((v): [string, unknown] => ["", v]);
    [open, close] = ["[", "]"];
  } else {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return "{}";
    items = entries.map(([k, v]): [string, unknown] => [`${JSON.stringify(k)}: `, v]);
    [open, close] = ["{", "}"];
  }
  tasks.push(compact ? close : `\n${indent}${close}`);
  for (let i = items.length - 1; i >= 0; i--) {
    if (i < items.length - 1) tasks.push(compact ? ", " : ",\n");
    tasks.push({ value: items[i][1], indent: inner, depth: depth + 1 });
    tasks.push(inner + items[i][0]);
  }
  return compact ? open : `${open}\n`;
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
