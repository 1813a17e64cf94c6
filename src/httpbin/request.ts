/**
 * The httpbin routes that describe the request back: `/anything[/…]`, `/get`, `/post`, `/put`,
 * `/patch`, `/delete`, `/headers` and `/ip`, in go-httpbin's JSON shapes (`args` and `headers`
 * map each name to a list of values) plus what only a raw server can add: `raw_headers` (every
 * field line in original case and order, duplicates kept), the path as sent and the HTTP version.
 *
 * Header values are bytes; they are shown as UTF-8 text, each invalid sequence as one U+FFFD (see
 * `replacedText`), as go-httpbin's JSON shows them and as the query and form rules read them.
 * This module must not touch sockets.
 * @module
 */

import type { AppConfig } from "../app/app_config.ts";
import { replacedText } from "../app/byte_text.ts";
import { firstValue, groupPairs, parseQueryAsGo, type QueryPairs } from "../app/query_params.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { readHttpbinBody } from "./body.ts";
import { jsonResponse } from "../app/json_response.ts";

/**
 * A header name in Go's canonical form (`content-type` → `Content-Type`), the key go-httpbin
 * uses, so client suites that look up `headers["User-Agent"]` work whatever case was sent.
 */
export function canonicalHeaderName(name: string): string {
  let out = "";
  let upper = true;
  for (const ch of name) {
    out += upper ? ch.toUpperCase() : ch.toLowerCase();
    upper = ch === "-";
  }
  return out;
}

/** `headers` in go-httpbin's shape: canonical name → values in order (no prototype). */
export function headerMap(req: HttpRequest): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null);
  const { names, values } = req.headers;
  for (let i = 0; i < names.length; i++) {
    (out[canonicalHeaderName(names[i])] ??= []).push(replacedText(values[i]));
  }
  return out;
}

/** Every field line as `[name, value]`, original case and order, duplicates kept. */
export function rawHeaderList(req: HttpRequest): Array<[string, string]> {
  const { names, values } = req.headers;
  return names.map((n, i) => [replacedText(n), replacedText(values[i])]);
}

/**
 * The client's address. go-httpbin trusts X-Forwarded-For; we do not: any client can send it,
 * and wireserve is not meant to sit behind a proxy that would strip a forged one.
 */
export function origin(req: HttpRequest): string {
  return req.connection.remoteAddress;
}

/**
 * The scheme the client used, as go-httpbin's `getURL` finds it: `X-Forwarded-Proto`, else
 * `X-Forwarded-Protocol`, else `https` for `X-Forwarded-Ssl: on`, else the connection's. Any
 * client may send those fields, so this is trusted only where the client alone is affected: the
 * echoed `url` (data, shown to the sender) and the default of the `Secure` cookie attribute. An
 * absolute Location still takes the connection's scheme (see redirect.ts).
 */
export function requestScheme(req: HttpRequest): string {
  const proto = req.headers.get("x-forwarded-proto") || req.headers.get("x-forwarded-protocol");
  if (proto) return proto;
  if (req.headers.get("x-forwarded-ssl") === "on") return "https";
  return req.connection.tls ? "https" : "http";
}

/**
 * The URL the client asked for: the target itself when it is absolute-form, else the
 * {@link requestScheme} + `://` + the request's host + target (RFC 9112 §3.2.2: the Host value
 * then; it is shown as sent, so it may be anything the client chose: it is data here).
 */
export function requestUrl(req: HttpRequest): string {
  if (req.targetForm === "absolute") return replacedText(req.target);
  return `${replacedText(requestScheme(req))}://${replacedText(req.host)}${
    replacedText(req.target)
  }`;
}

/** The fields every request description has: go-httpbin's `/get` shape plus raw extras. */
export function describeRequest(req: HttpRequest, args: QueryPairs): Record<string, unknown> {
  return {
    args: groupPairs(args),
    headers: headerMap(req),
    // A HEAD is described as the GET it stands for (RFC 9110 §9.3.2): its Content-Length must be
    // the GET's (§8.6), and the body is never sent anyway.
    method: req.method === "HEAD" ? "GET" : req.method,
    origin: origin(req),
    url: requestUrl(req),
    path: replacedText(req.path),
    http_version: req.rawVersion,
    raw_headers: rawHeaderList(req),
  };
}

/** A request description, or the error response that stopped it. */
export type Described = { fields: Record<string, unknown> } | { error: HttpResponse };

/**
 * Describes the request with its query parsed (400 for a bad query); with `withBody` also
 * reads the body (bounded by `maxCaptureBytes`, 413 past it) into `data`, `json`, `form` and
 * `files`.
 */
export async function describeFully(
  req: HttpRequest,
  config: AppConfig,
  withBody: boolean,
): Promise<Described> {
  const args = parseQueryAsGo(req.query);
  const fields = describeRequest(req, args);
  if (!withBody) return { fields };
  const body = await readHttpbinBody(req, config.maxCaptureBytes);
  if ("error" in body) return body;
  return { fields: { ...fields, ...body.fields } };
}

/** A handler answering 200 with the description (with the body when `withBody`). */
export function describingHandler(config: AppConfig, withBody: boolean) {
  return async (req: HttpRequest): Promise<HttpResponse> => {
    const d = await describeFully(req, config, withBody);
    return "error" in d ? d.error : jsonResponse(STATUS.OK, d.fields);
  };
}

/** `/headers`: `{"headers": {...}, "raw_headers": [[name, value], ...]}`. */
export function headersHandler(req: HttpRequest): HttpResponse {
  return jsonResponse(STATUS.OK, { headers: headerMap(req), raw_headers: rawHeaderList(req) });
}

/** `/ip`: `{"origin": "<address>"}`, or with `?format=text` the address and a newline. */
export function ipHandler(req: HttpRequest): HttpResponse {
  // A part that does not parse is left out, as Go leaves it: then there is no format, JSON.
  if (firstValue(parseQueryAsGo(req.query), "format") === "text") {
    return {
      status: STATUS.OK,
      headers: [["Content-Type", "text/plain; charset=utf-8"]],
      body: `${origin(req)}\n`,
    };
  }
  return jsonResponse(STATUS.OK, { origin: origin(req) });
}
