/**
 * `/trailers?name=value&…`: answers like `/anything`, chunked, and sends each query pair as a
 * trailer field after the body (RFC 9112 §7.1.2), announced in a `Trailer` field (RFC 9110
 * §6.6.2). Names are canonicalised (`x-foo` → `X-Foo`) and a repeated one sends its last value
 * only, as go-httpbin does.
 *
 * This module must not touch sockets.
 * @module
 */

import type { AppConfig } from "../app/app_config.ts";
import { badRequest, JSON_CONTENT_TYPE, jsonText } from "../app/json_response.ts";
import { parseQueryAsGo } from "../app/query_params.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { OWNED_FIELDS } from "../http/response_head.ts";
import { canonicalHeaderName, describeFully } from "./request.ts";
import { MAX_RESPONSE_HEADERS } from "./status.ts";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Tab, space and visible ASCII: what a trailer value may hold here. */
const PRINTABLE_ASCII = /^[\t -~]*$/;
/**
 * Fields a trailer must not carry: framing, routing, authentication, controls and the fields
 * that say how to read the content (RFC 9110 §6.5.1) — go-httpbin's list.
 */
const FORBIDDEN_TRAILERS: ReadonlySet<string> = new Set([
  "authorization",
  "cache-control",
  "connection",
  "content-encoding",
  "content-length",
  "content-range",
  "content-type",
  "host",
  "max-forwards",
  "set-cookie",
  "te",
  "trailer",
  "transfer-encoding",
]);

/** The handler; the body's description is read (up to `maxCaptureBytes`) as `/anything` does. */
export function trailersHandler(config: AppConfig) {
  return async (req: HttpRequest): Promise<HttpResponse> => {
    const pairs = parseQueryAsGo(req.query);
    if (pairs.length > MAX_RESPONSE_HEADERS) {
      return badRequest(`Cannot send trailers: the most is ${MAX_RESPONSE_HEADERS}`);
    }
    // By canonical name: go-httpbin sets each value in turn (`Header().Set`), so `?X=1&X=2`
    // (or `x=1&X=2`) sends one field, the last value.
    const trailers = new Map<string, string>();
    for (const [name, value] of pairs) {
      if (!TOKEN.test(name)) return badRequest("Cannot send a trailer: its name is not a token");
      if (FORBIDDEN_TRAILERS.has(name.toLowerCase())) {
        return badRequest("Cannot send a trailer: that field is not allowed in trailers");
      }
      // refuse: the writer owns Date and Server and would drop them, announced but never sent.
      if (OWNED_FIELDS.has(name.toLowerCase())) {
        return badRequest("Cannot send a trailer: the server writes that field itself");
      }
      // refuse: a CR or LF would end the trailer section early and start something else.
      if (!PRINTABLE_ASCII.test(value)) {
        return badRequest("Cannot send a trailer: its value must be printable ASCII");
      }
      trailers.set(canonicalHeaderName(name), value.trim());
    }
    const d = await describeFully(req, config, true);
    if ("error" in d) return d.error;
    const json = new TextEncoder().encode(jsonText(d.fields));
    const names = [...trailers.keys()];
    const fields = [...trailers];
    return {
      status: STATUS.OK,
      headers: [
        ["Content-Type", JSON_CONTENT_TYPE],
        // HTTP/1.0 has no chunked framing, so no trailer section to announce (RFC 9110 §6.6.2).
        ...(names.length > 0 && req.version === "HTTP/1.1"
          ? [["Trailer", names.join(", ")] as [string, string]]
          : []),
      ],
      // No length: the writer sends it chunked, the only framing with a trailer section.
      body: { kind: "stream", stream: once(json), trailers: () => fields },
    };
  };
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
