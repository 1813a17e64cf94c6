/**
 * httpbin caching routes: `/cache` (304 to any conditional request), `/cache/<seconds>`
 * (`Cache-Control: public, max-age=<seconds>`) and `/etag/<etag>` (If-Match / If-None-Match
 * evaluated against that tag, RFC 9110 §13.1–13.2).
 *
 * This module must not touch sockets.
 * @module
 */

import { formatHttpDate } from "../http/http_date.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import type { AppConfig } from "../app/app_config.ts";
import { type EntityTag, parseEntityTags, strongMatch, weakMatch } from "../app/etag.ts";
import { parseGoCountSegment, shownInteger } from "./go_integer.ts";
import { percentDecode } from "../app/percent_decode.ts";
import { badRequest, jsonResponse } from "../app/json_response.ts";
import { describeFully } from "./request.ts";
import { notFound, pathSegments } from "./not_found.ts";

/** Longest max-age `/cache/<n>` sets, in seconds: a year, more than any cache test needs. */
export const MAX_CACHE_SECONDS = 365 * 24 * 60 * 60;
/** etagc = %x21 / %x23-7E (RFC 9110 §8.8.3); obs-text is refused here to keep tags ASCII. */
const ETAGC = /^[\x21\x23-\x7e]+$/;

/** The request described as `/get` does, as a 200 with `extra` fields, or the error. */
async function describedOk(
  req: HttpRequest,
  config: AppConfig,
  extra: Array<[string, string]>,
): Promise<HttpResponse> {
  const d = await describeFully(req, config, false);
  return "error" in d ? d.error : jsonResponse(STATUS.OK, d.fields, extra);
}

/**
 * `/cache`: a GET or HEAD carrying If-Modified-Since or If-None-Match is 304 whatever their values
 * (go-httpbin's behaviour, handy for testing a client's cache), but an empty field counts as
 * absent there, as in go-httpbin; else 200 with a fresh
 * Last-Modified and ETag. Other methods follow RFC 9110 §13.1 where go-httpbin answers 304 too: a
 * 304 is for GET and HEAD only, If-Modified-Since is ignored, and an If-None-Match (taken to match,
 * as for GET) is 412.
 */
export function cacheHandler(config: AppConfig) {
  return (req: HttpRequest): Promise<HttpResponse> | HttpResponse => {
    const ifNoneMatch = given(req, "if-none-match");
    if (req.method === "GET" || req.method === "HEAD") {
      if (ifNoneMatch || given(req, "if-modified-since")) {
        return { status: STATUS.NotModified };
      }
    } else if (ifNoneMatch) {
      return { status: STATUS.PreconditionFailed };
    }
    const tag = `"${crypto.randomUUID().replaceAll("-", "")}"`;
    return describedOk(req, config, [["Last-Modified", formatHttpDate(Date.now())], [
      "ETag",
      tag,
    ]]);
  };
}

/**
 * Whether the request carries the field `key` with a value, as go-httpbin asks
 * (`Header.Get(…) != ""`, the first line's value): an empty `If-None-Match:` is no condition.
 */
function given(req: HttpRequest, key: string): boolean {
  return (req.headers.get(key) ?? "") !== "";
}

/** `/cache/<seconds>`: 200 with `Cache-Control: public, max-age=<seconds>`. */
export function cacheForHandler(prefix: string, config: AppConfig) {
  return (req: HttpRequest): Promise<HttpResponse> | HttpResponse => {
    const segments = pathSegments(req.path, prefix, 1);
    if (segments === null) return notFound();
    const seconds = parseGoCountSegment(segments[0]);
    if (seconds === null) {
      return badRequest("Cannot set max-age: the seconds must be a non-negative integer");
    }
    if (seconds > MAX_CACHE_SECONDS) {
      return badRequest(
        `Cannot set max-age ${shownInteger(seconds)}: the most is ${MAX_CACHE_SECONDS}`,
      );
    }
    return describedOk(req, config, [["Cache-Control", `public, max-age=${seconds}`]]);
  };
}

/**
 * `/etag/<etag>`: the resource has the strong tag `"<etag>"`. In RFC 9110 §13.2.2 order:
 * If-Match that matches nothing (strong comparison; malformed counts as no match) → 412;
 * If-None-Match that matches (weak comparison, `*` included) → 304 for GET/HEAD, 412 otherwise;
 * else 200 with the ETag. A malformed If-None-Match is ignored (the field is then not a
 * condition we can evaluate, RFC 9110 §13.1.2). A missing or extra path segment is 404.
 */
export function etagHandler(prefix: string, config: AppConfig) {
  return (req: HttpRequest): Promise<HttpResponse> | HttpResponse => {
    const segments = pathSegments(req.path, prefix, 1);
    if (segments === null) return notFound();
    const opaque = percentDecode(segments[0]);
    if (opaque === null || !ETAGC.test(opaque)) {
      return badRequest("Cannot use the etag: it must be visible ASCII without quotes");
    }
    const ours: EntityTag = { weak: false, opaque };
    const etag: [string, string] = ["ETag", `"${opaque}"`];

    const ifMatch = req.headers.list("if-match");
    if (ifMatch !== undefined) {
      const tags = parseEntityTags(ifMatch);
      const matches = tags === "*" || (tags !== null && tags.some((t) => strongMatch(t, ours)));
      if (!matches) return { status: STATUS.PreconditionFailed, headers: [etag] };
    }
    const ifNoneMatch = req.headers.list("if-none-match");
    if (ifNoneMatch !== undefined) {
      const tags = parseEntityTags(ifNoneMatch);
      const matches = tags === "*" || (tags !== null && tags.some((t) => weakMatch(t, ours)));
      if (matches) {
        const safe = req.method === "GET" || req.method === "HEAD";
        return { status: safe ? STATUS.NotModified : STATUS.PreconditionFailed, headers: [etag] };
      }
    }
    return describedOk(req, config, [etag]);
  };
}
