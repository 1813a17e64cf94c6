/**
 * The request body as go-httpbin shows it: `data` (the body as text for text, form and JSON
 * types, else a base64 `data:` URL, as for any body that is not UTF-8), `json` (parsed when the
 * Content-Type is JSON and it parses, else null), `form` (urlencoded or multipart fields) and
 * `files` (multipart uploads).
 *
 * This module must not touch sockets.
 * @module
 */

import { replacedText, utf8OrNull } from "../app/byte_text.ts";
import { parseMultipart } from "./multipart_form.ts";
import { goQueryError, groupPairs, parseQuery } from "../app/query_params.ts";
import { trimOws } from "../http/ows.ts";
import { readBodyBytes } from "../http/read_body_bytes.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { badRequest } from "../app/json_response.ts";
import { MAX_JSON_DEPTH, parseJsonBody } from "./json_body.ts";

/**
 * Decodes a form body or field as Go reads it: bytes that are not UTF-8 become U+FFFD (one per
 * invalid sequence, the WHATWG rule the query follows), not an error.
 */
const LOSSY_UTF8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** The 400 detail for each way a JSON body can be refused. */
const JSON_REFUSALS = {
  "syntax": "Cannot parse the request body: it is not valid JSON",
  "too-deep": `Cannot parse the request body: it nests deeper than ${MAX_JSON_DEPTH} levels`,
  "number-range": "Cannot parse the request body: a number is too large for a float64",
} as const;

/** Media type of a body that says nothing about itself (RFC 9110 §8.3). */
const OCTET_STREAM = "application/octet-stream";

/** The body fields of a description, or the response that stopped reading it. */
export type BodyFields = { fields: Record<string, unknown> } | { error: HttpResponse };

/**
 * Reads the whole body (refusing more than `maxBytes` with 413, via the engine) and describes
 * it. An empty body is empty whatever its type. A form that cannot be parsed is a 400, and so is
 * an `application/json` body that is not JSON, nests past {@link MAX_JSON_DEPTH} or holds a
 * number out of float64 range (as go-httpbin); a `+json` body refused so is `json: null`.
 */
export async function readHttpbinBody(req: HttpRequest, maxBytes: number): Promise<BodyFields> {
  const body = await readBodyBytes(req.body, maxBytes);
  const contentType = req.headers.get("content-type") ?? "";
  const type = mediaType(contentType);
  const form: Record<string, string[]> = Object.create(null);
  const files: Record<string, string[]> = Object.create(null);
  let json: unknown = null;

  // go-httpbin returns before looking at the type when the body is empty: any Content-Type,
  // `multipart/form-data` without a boundary included, then gives empty form and files.
  if (body.length === 0) {
    // nothing to parse
  } else if (type === "application/x-www-form-urlencoded") {
    // As Go's ParseForm: a malformed escape or a `;` is refused, in the body and then in the
    // URL's query (ParseForm reads both); bytes that are not UTF-8 (raw or escaped, `a=%E9`) are
    // not, and become U+FFFD here, as in the query.
    const text = LOSSY_UTF8.decode(body);
    const refused = goQueryError(text) ?? goQueryError(req.query);
    const pairs = refused === null ? parseQuery(text, { lossyUtf8: true }) : null;
    if (pairs === null) {
      return { error: badRequest(`Cannot parse the form body: ${refused ?? "invalid encoding"}`) };
    }
    Object.assign(form, groupPairs(pairs));
  } else if (type === "multipart/form-data") {
    // Go's ParseMultipartForm runs ParseForm first, which refuses a malformed URL query.
    const refused = goQueryError(req.query);
    if (refused !== null) return { error: badRequest(`Cannot parse the query: ${refused}`) };
    const boundary = parameter(contentType, "boundary");
    const parts = boundary === null ? null : parseMultipart(body, boundary);
    if (parts === null) return { error: badRequest("Cannot parse the multipart form body") };
    for (const part of parts) {
      const into = part.filename === null ? form : files;
      // A field's bytes that are not UTF-8 show as U+FFFD, as in an urlencoded body; a file's
      // become a data: URL instead (see dataText), since a file's bytes are its content.
      const value = part.filename === null
        ? LOSSY_UTF8.decode(part.data)
        : dataText(part.data, part.contentType ?? OCTET_STREAM);
      (into[replacedText(part.name)] ??= []).push(value);
    }
  } else if (type === "application/json" || type.endsWith("+json")) {
    const text = utf8OrNull(body);
    const parsed = text === null ? { failure: "syntax" as const } : parseJsonBody(text);
    if ("value" in parsed) json = parsed.value;
    // go-httpbin answers 400 to an application/json body that its decoder refuses; for the
    // `+json` types, which it does not parse at all, `json` is just null.
    else if (type === "application/json") {
      return { error: badRequest(JSON_REFUSALS[parsed.failure]) };
    }
  }
  // A `+json` body stays text, as the JSON wireserve parses it from (go-httpbin: a data: URL).
  const data = body.length > 0 && !TEXT_DATA_TYPES.has(type) && !type.endsWith("+json")
    ? dataUrl(body, type)
    : dataText(body, contentType || OCTET_STREAM);
  return { fields: { data, files, form, json } };
}

/**
 * The media types whose body go-httpbin shows as text in `data` (its `parseBody`); any other
 * body, one without a Content-Type included, is a `data:` URL there, so a client that posts
 * `application/xml` or bare bytes finds the same string here.
 */
const TEXT_DATA_TYPES: ReadonlySet<string> = new Set([
  "text/plain",
  "text/html",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "application/json",
]);

/** Bytes as text when UTF-8, else a `data:<type>;base64,…` URL (go-httpbin's convention). */
export function dataText(bytes: Uint8Array, contentType: string): string {
  return utf8OrNull(bytes) ?? dataUrl(bytes, mediaType(contentType));
}

/**
 * `data:<type>;base64,…` in go-httpbin's alphabet: Go's `base64.URLEncoding` (`-` and `_`,
 * padded), application/octet-stream when the type is empty.
 */
function dataUrl(bytes: Uint8Array, type: string): string {
  return `data:${type || OCTET_STREAM};base64,${bytes.toBase64({ alphabet: "base64url" })}`;
}

/**
 * The media type of a Content-Type value, lower case, without parameters. OWS (SP, HTAB) around
 * it is dropped, NBSP is not (Go's textproto trims ASCII space only).
 */
export function mediaType(contentType: string): string {
  const semicolon = contentType.indexOf(";");
  return trimOws(semicolon === -1 ? contentType : contentType.slice(0, semicolon)).toLowerCase();
}

/** One parameter of a Content-Type value (token or quoted-string; OWS around it), or null. */
export function parameter(contentType: string, name: string): string | null {
  for (const raw of contentType.split(";").slice(1)) {
    const eq = raw.indexOf("=");
    if (eq === -1 || trimOws(raw.slice(0, eq)).toLowerCase() !== name) continue;
    const value = trimOws(raw.slice(eq + 1));
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      return value.slice(1, -1);
    }
    return value;
  }
  return null;
}
