/**
 * httpbin redirect routes: `/redirect/<n>`, `/relative-redirect/<n>`, `/absolute-redirect/<n>`
 * (a chain of n 302s ending at `/get`) and `/redirect-to?url=…&status_code=…`, which sends
 * clients only to paths on this host unless `allowExternalRedirects` is set.
 *
 * This module must not touch sockets.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import type { AppConfig } from "../app/app_config.ts";
import { hasControl, utf8CodePointAt, utf8Length } from "../app/byte_text.ts";
import { percentDecode, percentDecodeBytes } from "../app/percent_decode.ts";
import { firstValue, optionalValue, parseQueryAsGo } from "../app/query_params.ts";
import { badRequest } from "../app/json_response.ts";
import { notFound, pathSegments } from "./not_found.ts";
import { parseGoCount, parseGoCountSegment, shownInteger } from "./go_integer.ts";

/** Longest redirect chain `/redirect/<n>` builds: enough for any client's redirect limit. */
export const MAX_REDIRECT_HOPS = 100;
/** Where later hops of a chain go. */
const RELATIVE_PREFIX = "/relative-redirect/";
const ABSOLUTE_PREFIX = "/absolute-redirect/";
/** Where every chain ends. */
const CHAIN_END = "/get";
const MIN_REDIRECT_STATUS = 300;
const MAX_REDIRECT_STATUS = 399;
/**
 * A host we are willing to put in an absolute Location: a reg-name of unreserved characters only
 * (RFC 3986 §3.2.2: letters, digits, `-`, `.`, `_` as in Docker Compose's `my_service`, `~`) or
 * an IP literal, and a port. No `%`, `@`, `/`, backslash, `?`, `#` or sub-delim reaches the
 * Location, so it cannot name another host, carry user info or start a path, query or fragment.
 */
const SAFE_HOST = /^(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

type ChainKind = "redirect" | "relative" | "absolute";

/**
 * A handler for one of the chain routes, each hop a 302, the last one to `/get`:
 * `/relative-redirect/<n>` → `/relative-redirect/<n-1>`, `/absolute-redirect/<n>` →
 * `http://<host>/absolute-redirect/<n-1>`, and `/redirect/<n>`, which starts a relative chain, or
 * an absolute one with `?absolute=true` (any case), as go-httpbin does. A missing or extra path
 * segment is 404.
 */
export function redirectChain(prefix: string, kind: ChainKind) {
  return (req: HttpRequest): HttpResponse => {
    const segments = pathSegments(req.path, prefix, 1);
    if (segments === null) return notFound();
    const n = parseGoCountSegment(segments[0]);
    if (n === null || n < 1) return badRequest("Cannot redirect: the count must be 1 or more");
    if (n > MAX_REDIRECT_HOPS) {
      return badRequest(
        `Cannot redirect ${shownInteger(n)} times: the most is ${MAX_REDIRECT_HOPS}`,
      );
    }
    const absolute = kind === "absolute" ||
      (kind === "redirect" &&
        firstValue(parseQueryAsGo(req.query), "absolute")?.toLowerCase() === "true");
    const nextPrefix = absolute ? ABSOLUTE_PREFIX : RELATIVE_PREFIX;
    const path = n === 1 ? CHAIN_END : `${nextPrefix}${n - 1}`;
    if (!absolute) return redirect(STATUS.Found, path);
    // The request's host (an absolute-form target's authority, else Host: RFC 9112 §3.2.2).
    const host = req.host;
    // refuse: an absolute Location built from an arbitrary Host could point anywhere
    if (!SAFE_HOST.test(host)) {
      return badRequest("Cannot build an absolute redirect: the Host field is not a host name");
    }
    return redirect(STATUS.Found, `${req.connection.tls ? "https" : "http"}://${host}${path}`);
  };
}

/**
 * `/redirect-to?url=<target>[&status_code=<3xx>]` (any method). The target must be a path on
 * this server (`/get`) unless the server runs with `allowExternalRedirects`, which also admits
 * absolute `http:`/`https:` URLs; anything else is 403 with go-httpbin's plain-text warning (see
 * {@link localRedirectTarget}). A missing url, one with control characters (which Go's URL
 * parser refuses), one with a `%` not followed by two hex digits (an invalid escape, which it
 * refuses too) and a status outside 3xx are 400.
 */
export function redirectToHandler(config: AppConfig) {
  const forbidden = forbiddenRedirect(config.allowExternalRedirects);
  return (req: HttpRequest): HttpResponse => {
    const pairs = parseQueryAsGo(req.query);
    const urlBytes = firstValueBytes(req.query, "url");
    const url = urlBytes === undefined ? undefined : uriText(urlBytes);
    if (url === undefined || url === "") {
      return badRequest("Cannot redirect: the url parameter is missing");
    }
    if (hasControl(url)) return badRequest("Cannot redirect: the url holds a control character");
    // As Go's URL parser (RFC 3986 §2.1): a `%` must start an escape; `url=/x%25` is `/x%`.
    if (BARE_PERCENT.test(url)) {
      return badRequest("Cannot redirect: the url holds a % that does not start an escape");
    }
    const target = localRedirectTarget(url) ??
      (config.allowExternalRedirects ? externalRedirectTarget(url) : null);
    if (target === null) return { ...forbidden, headers: [...forbidden.headers!] };
    const code = optionalValue(pairs, "status_code");
    const status = code === undefined ? STATUS.Found : parseGoCount(code);
    if (status === null || status < MIN_REDIRECT_STATUS || status > MAX_REDIRECT_STATUS) {
      return badRequest("Cannot redirect: status_code must be between 300 and 399");
    }
    return redirect(status, target);
  };
}

/**
 * go-httpbin's 403 for a refused target: plain text, not JSON, "because we want it to be more
 * obviously human readable", listing where redirects may go.
 */
function forbiddenRedirect(allowExternal: boolean): HttpResponse {
  const allowed = ["- paths on this server, starting with /"];
  if (allowExternal) allowed.push("- http and https URLs");
  return {
    status: STATUS.Forbidden,
    headers: [["Content-Type", "text/plain"]],
    body: "Forbidden redirect URL. Please be careful with this link.\n\n" +
      `Allowed redirect destinations:\n${allowed.join("\n")}\n`,
  };
}

/**
 * The bytes of the first value of `name` in `query`, found as `parseQueryAsGo` finds it (a part
 * with a `;` or a malformed escape left out), or undefined. Bytes, not text: `url=/%FF` names
 * the byte FF, and the redirect must point where the client asked, not at U+FFFD.
 */
function firstValueBytes(query: string, name: string): Uint8Array | undefined {
  if (query === "") return undefined;
  for (const part of query.split("&")) {
    if (part === "" || part.includes(";")) continue;
    const eq = part.indexOf("=");
    const partName = percentDecode(eq === -1 ? part : part.slice(0, eq), LOSSY_PLUS);
    const value = eq === -1 ? new Uint8Array(0) : percentDecodeBytes(part.slice(eq + 1), true);
    if (partName === name && value !== null) return value;
  }
  return undefined;
}

/** How `parseQueryAsGo` decodes a name: `+` is a space, bytes that are not UTF-8 U+FFFD. */
const LOSSY_PLUS = { plusAsSpace: true, lossyUtf8: true };
const ASCII_LIMIT = 0x80;
const HEX_RADIX = 16;

/**
 * Target bytes as text that keeps them: UTF-8 sequences as their characters, every byte that is
 * not part of one as `%XX` (upper-case hex, RFC 3986 §2.1), so `/%FF` stays `/%FF` as in
 * go-httpbin, where decoding would have sent the client to `/%EF%BF%BD`. The `%XX` added can
 * never stand for `/`, `\` or a control (each is 80–FF), so the checks that follow see what
 * they would have seen.
 */
function uriText(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    const cp = b < ASCII_LIMIT ? b : utf8CodePointAt(bytes, i);
    if (cp < 0) {
      out += "%" + b.toString(HEX_RADIX).toUpperCase();
      i++;
    } else {
      out += String.fromCodePoint(cp);
      i += utf8Length(cp);
    }
  }
  return out;
}

/** What a URL must not start with to stay on this host: `//host` and `\\host`/`/\host`. */
const NETWORK_PATH = /^[/\\][/\\]/;

/**
 * The Location for a target on this host, or null. It must start with `/` (go-httpbin's rule
 * for targets that are not absolute URLs: relative references such as `status/200` or `?x=1`
 * are refused). Refused besides, where go-httpbin would follow them:
 * - control characters anywhere, and leading or trailing spaces (browsers strip TAB/CR/LF
 *   and leading C0/space, so `/\t/evil.com` and ` //evil.com` become network-path references);
 * - backslashes anywhere (WHATWG URL treats `\` as `/` in http URLs: `/\evil.com`);
 * - a leading `//` (a network-path reference, RFC 3986 §4.2).
 * Characters RFC 3986 does not allow in a URI-reference are percent-encoded (see
 * {@link encodeUriReference}), so the Location is one.
 */
export function localRedirectTarget(url: string): string | null {
  if (!url.startsWith("/")) return null;
  if (hasControl(url) || url.includes("\\") || NETWORK_PATH.test(url)) return null;
  if (url.endsWith(" ")) return null;
  return encodeUriReference(url);
}

/** An absolute http(s) URL, normalized by the URL parser, or null. */
function externalRedirectTarget(url: string): string | null {
  if (hasControl(url) || url.includes("\\")) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
  return parsed.href;
}

/** A `%` that does not start a `%HH` escape (RFC 3986 §2.1). */
const BARE_PERCENT = /%(?![0-9A-Fa-f]{2})/;
/**
 * The characters a URI-reference holds as they are (RFC 3986 §2: unreserved, sub-delims, and
 * the gen-delims a path, query or fragment may hold; `[` and `]` belong to IP literals only).
 * `%` is left alone too: the caller has checked that each one starts an escape.
 */
const URI_CHAR = /[A-Za-z0-9\-._~!$&'()*+,;=:@/?#%]/;

/**
 * `url` as a valid URI-reference for the Location field (RFC 9110 §10.2.2): every character
 * RFC 3986 does not allow (space, `"`, `<`, `>`, `^`, `` ` ``, `{`, `|`, `}`, `[`, `]`, a second
 * `#`, non-ASCII) percent-encoded as UTF-8, as Go's `url.URL.String()` writes the target.
 */
function encodeUriReference(url: string): string {
  let out = "";
  let fragment = false;
  for (const ch of url) {
    const allowed = URI_CHAR.test(ch) && !(ch === "#" && fragment);
    if (ch === "#") fragment = true;
    out += allowed ? ch : encodeURIComponent(ch);
  }
  return out;
}

/**
 * A redirect with an empty body and so no Content-Type, as go-httpbin's (there is no
 * representation to describe; on a 304, RFC 9110 §15.4.5 asks for no such metadata at all).
 */
function redirect(status: number, location: string): HttpResponse {
  return { status, headers: [["Location", location]], body: "" };
}
