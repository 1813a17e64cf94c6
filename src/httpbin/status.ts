/**
 * httpbin routes that choose the status and header fields of their answer:
 * `/status/<code>[,<code>…]` (optionally weighted, `200:0.9,500:0.1`) and
 * `/response-headers?name=value…`.
 *
 * This module must not touch sockets.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { hasControl } from "../app/byte_text.ts";
import { parseGoDecimal } from "./go_decimal.ts";
import { parseGoCount, shownInteger } from "./go_integer.ts";
import { percentDecode } from "../app/percent_decode.ts";
import { groupPairs, parseQueryAsGo } from "../app/query_params.ts";
import { escapeHtml, isDangerousContentType } from "./html_escape.ts";
import { notFound, pathSegments } from "./not_found.ts";
import { statusExample } from "./status_examples.ts";
import { STATUS_PREFIX } from "./status_prefix.ts";
import { badRequest, JSON_CONTENT_TYPE, jsonResponse } from "../app/json_response.ts";

/** Most codes one `/status` list may hold. */
export const MAX_STATUS_CHOICES = 100;
/** Most fields `/response-headers` sets in one answer. */
export const MAX_RESPONSE_HEADERS = 50;
/**
 * The final statuses `/status` answers with. 1xx is refused: it is an interim response, so the
 * client would keep waiting for a final one that never comes (RFC 9110 §15.2).
 */
const MIN_FINAL_STATUS = 200;
const MAX_STATUS = 599;
/** The weight of a code listed without one (go-httpbin's). */
const DEFAULT_WEIGHT = 1;
/** What separates the codes of a list; a path without it is one code. */
const LIST_SEPARATOR = ",";

/**
 * `/status/<codes>` (any method): answers with one code, chosen at random (by weight) when
 * several are listed, with go-httpbin's example fields and bodies (see {@link statusExample}).
 * A missing or extra path segment is 404, as in go-httpbin.
 */
export function statusHandler(req: HttpRequest): HttpResponse {
  const segments = pathSegments(req.path, STATUS_PREFIX, 1);
  if (segments === null) return notFound();
  const list = percentDecode(segments[0]);
  const choices = list === null ? null : parseChoices(list);
  if (typeof choices === "string") return badRequest(choices);
  if (choices === null) return badRequest("Cannot parse the status list: invalid encoding");
  return statusExample(pick(choices));
}

interface Choice {
  status: number;
  weight: number;
}

/**
 * The weighted codes of `200`, `200,404` or `200:0.5,500:0.5`, or a message saying why not. As in
 * go-httpbin, weights are read only in a list: without a comma the path is one plain code, so
 * `200:1` is refused. Weights are decimals as {@link parseGoDecimal} reads them, not negative.
 */
function parseChoices(list: string): Choice[] | string {
  if (!list.includes(LIST_SEPARATOR)) {
    const status = parseGoCount(list);
    return status === null ? "Cannot parse the status code: it must be digits" : checkedChoices([
      { status, weight: DEFAULT_WEIGHT },
    ]);
  }
  const items = list.split(LIST_SEPARATOR);
  if (items.length > MAX_STATUS_CHOICES) {
    return `Cannot choose among ${items.length} codes: the most is ${MAX_STATUS_CHOICES}`;
  }
  const choices: Choice[] = [];
  for (const item of items) {
    const colon = item.indexOf(":");
    const status = parseGoCount(colon === -1 ? item : item.slice(0, colon));
    if (status === null) return "Cannot parse the status list: each code must be digits";
    const weight = colon === -1 ? DEFAULT_WEIGHT : parseGoDecimal(item.slice(colon + 1));
    // refuse: a negative weight would skew the draw, an infinite one swallow every other.
    if (weight === null || weight < 0 || weight === Infinity) {
      return "Cannot parse the status list: each weight must be a decimal number";
    }
    choices.push({ status, weight });
  }
  return checkedChoices(choices);
}

/** The choices when every code is a final status and some weight is above zero, else why not. */
function checkedChoices(choices: Choice[]): Choice[] | string {
  for (const { status } of choices) {
    if (status < MIN_FINAL_STATUS || status > MAX_STATUS) {
      return `Cannot answer with status ${
        shownInteger(status)
      }: only final statuses 200 to 599 are allowed`;
    }
  }
  if (choices.every((c) => c.weight === 0)) {
    return "Cannot choose a status: every weight is zero";
  }
  return choices;
}

/** A weighted random choice (at least one weight above zero). */
function pick(choices: readonly Choice[]): number {
  const total = choices.reduce((sum, c) => sum + c.weight, 0);
  let r = Math.random() * total;
  for (const c of choices) {
    if (r < c.weight) return c.status;
    r -= c.weight;
  }
  return choices.findLast((c) => c.weight > 0)!.status;
}

/** Fields the writer owns (it would ignore them silently, so the JSON would lie: refuse). */
const WRITER_OWNED = new Set([
  "content-length",
  "transfer-encoding",
  "connection",
  "date",
  "server",
]);
/** tchar (RFC 9110 §5.6.2). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * `/response-headers?name=value…` (GET, POST): answers with those fields set (a repeated name
 * gives repeated lines) and a JSON body listing them, Content-Type included; a non-empty
 * `Content-Type` in the query replaces the JSON one. Values are sent as their UTF-8 bytes. Under a Content-Type
 * other than text/plain or JSON the body's names and values are HTML-escaped.
 *
 * Refused with 400: a name that is not a token, a value with a control character (CR/LF
 * would split the response head: response splitting), the framing fields the writer owns, and
 * more than {@link MAX_RESPONSE_HEADERS} fields.
 */
export function responseHeadersHandler(req: HttpRequest): HttpResponse {
  const pairs = parseQueryAsGo(req.query);
  if (pairs.length > MAX_RESPONSE_HEADERS) {
    return badRequest(`Cannot set ${pairs.length} fields: the most is ${MAX_RESPONSE_HEADERS}`);
  }
  const fields: Array<[string, string]> = [];
  let contentType: [string, string] = ["Content-Type", JSON_CONTENT_TYPE];
  for (const [name, rawValue] of pairs) {
    if (!TOKEN.test(name)) return badRequest("Cannot set a field: its name is not a token");
    // Checked before trimming: trim() would quietly drop a leading CR/LF and hide the attempt.
    if (hasControl(rawValue, true)) {
      return badRequest("Cannot set a field: its value holds a control character");
    }
    // RFC 9110 §5.5: a field value has no leading or trailing whitespace.
    const value = rawValue.replace(/^[ \t]+|[ \t]+$/g, "");
    if (WRITER_OWNED.has(name.toLowerCase())) {
      return badRequest("Cannot set a framing field: the server writes those itself");
    }
    if (name.toLowerCase() === "content-type") {
      // An empty Content-Type would be an empty field line: it keeps the JSON type, as in
      // go-httpbin, which sets its own when `args.Get("Content-Type")` is empty.
      if (value !== "") contentType = [name, value];
    } else fields.push([name, value]);
  }
  // refuse to reflect markup: under a type a browser renders (text/html, or one it cannot
  // parse and may sniff), names and values in the body are HTML-escaped, as go-httpbin does.
  // The header fields themselves go out as given: they are not rendered.
  const escape = isDangerousContentType(contentType[1]);
  const shown = groupPairs(
    [contentType, ...fields].map(([n, v]): [string, string] =>
      escape ? [escapeHtml(n), escapeHtml(v)] : [n, v]
    ),
  );
  // The wire carries bytes: each UTF-8 value goes out as its bytes, one char per byte.
  const wire = fields.map(([n, v]): [string, string] => [n, toLatin1Wire(v)]);
  const res = jsonResponse(STATUS.OK, shown, wire);
  res.headers![0] = [contentType[0], toLatin1Wire(contentType[1])];
  return res;
}

/** A string's UTF-8 bytes as a latin1 string (what the writer puts on the wire byte by byte). */
function toLatin1Wire(s: string): string {
  let out = "";
  for (const b of new TextEncoder().encode(s)) out += String.fromCharCode(b);
  return out;
}
