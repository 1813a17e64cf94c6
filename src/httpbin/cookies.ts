/**
 * httpbin's cookie routes: `/cookies` lists the cookies sent, `/cookies/set?name=value` sets
 * them and `/cookies/delete?name` expires them, both then redirecting (302) to `/cookies` so a
 * client with a cookie jar sees the result. `attr[Path]`, `attr[Domain]`, `attr[Secure]`,
 * `attr[HttpOnly]` and `attr[SameSite]` in the query override the defaults (`Path=/`,
 * `HttpOnly`, `Secure` over https, forwarded fields included: see `requestScheme`), as in
 * go-httpbin; a Domain that is not a domain name or IPv4 address is dropped, as Go drops it.
 *
 * This module must not touch sockets.
 * @module
 */

import { replacedText } from "../app/byte_text.ts";
import { badRequest, jsonResponse } from "../app/json_response.ts";
import { parseQueryAsGo, type QueryPairs } from "../app/query_params.ts";
import { trimOws } from "../http/ows.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { requestScheme } from "./request.ts";

/** Where set and delete send the client afterwards. */
export const COOKIES_PATH = "/cookies";
/** Most cookies one `/cookies/set` or `/cookies/delete` names (each is a header line). */
export const MAX_COOKIES_PER_REQUEST = 50;
/** RFC 6265 §4.1.1: a date in the past makes user agents drop the cookie. */
const EXPIRED = "Thu, 01 Jan 1970 00:00:00 GMT";
/** cookie-name is an RFC 9110 §5.6.2 token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 6265 §4.1.1 cookie-octet: printable ASCII but `"`, `,`, `;`, `\` and space. */
const COOKIE_OCTETS = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;
/**
 * Space and comma are not cookie-octets, but clients accept them inside quotes and Go's
 * `http.SetCookie` (hence go-httpbin) quotes such values, so we do too.
 */
const QUOTABLE = /^[\x20-\x21\x23-\x2B\x2C-\x3A\x3C-\x5B\x5D-\x7E]*$/;
/** `attr[Name]` query parameters set cookie attributes rather than cookies. */
const ATTRIBUTE_PARAM = /^attr\[(.+)\]$/;
/** A Path or Domain attribute value: RFC 6265 §4.1.1 av-octet (no CTLs, no `;`). */
const AV_OCTETS = /^[\x20-\x3A\x3C-\x7E]*$/;
/** Longest Domain attribute and longest label in it, as Go's `isCookieDomainName` bounds them. */
const MAX_DOMAIN_LENGTH = 255;
const MAX_LABEL_LENGTH = 63;
/** A dotted-quad IPv4 address as Go's `net.ParseIP` takes it: 0–255, no leading zeros. */
const IPV4_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
const IPV4 = new RegExp(`^${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}$`);
const SAME_SITE: Readonly<Record<string, string>> = { strict: "Strict", lax: "Lax", none: "None" };

/**
 * The cookies of the request's Cookie fields (RFC 6265 §5.4 `name=value; …`), last one wins for
 * a repeated name, surrounding quotes removed, as go-httpbin shows them.
 */
export function requestCookies(req: HttpRequest): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const line of req.headers.getAll("cookie")) {
    for (const pair of line.split(";")) {
      const eq = pair.indexOf("=");
      if (eq === -1) continue;
      // RFC 6265 §5.2: WSP (SP, HTAB) around name and value goes; a NBSP is part of them.
      const name = trimOws(pair.slice(0, eq));
      let value = trimOws(pair.slice(eq + 1));
      if (name === "") continue;
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
        value = value.slice(1, -1);
      }
      out[replacedText(name)] = replacedText(value);
    }
  }
  return out;
}

/** `/cookies`: `{"cookies": {name: value, …}}`. */
export function cookiesHandler(req: HttpRequest): HttpResponse {
  return jsonResponse(STATUS.OK, { cookies: requestCookies(req) });
}

/**
 * The first pair of each name, in order: go-httpbin reads one value per name (`params.Get`), so
 * `?a=1&a=2` sets `a=1` once rather than sending two Set-Cookie lines for `a`.
 */
function firstOfEachName(pairs: QueryPairs): QueryPairs {
  const seen = new Set<string>();
  const out: Array<readonly [string, string]> = [];
  for (const pair of pairs) {
    if (seen.has(pair[0])) continue;
    seen.add(pair[0]);
    out.push(pair);
  }
  return out;
}

/** Cookie attributes after `; ` in a Set-Cookie line, or the message refusing them. */
function attributes(pairs: QueryPairs, tls: boolean): string[] | string {
  let path = "/";
  let domain: string | null = null;
  let httpOnly = true;
  let secure = tls;
  let sameSite: string | null = null;
  for (const [name, value] of pairs) {
    const m = ATTRIBUTE_PARAM.exec(name);
    if (m === null) continue;
    const attr = m[1].toLowerCase();
    const flag = value === "1" || value.toLowerCase() === "true";
    if (attr === "path" || attr === "domain") {
      // refuse: a `;` or a line break would add attributes or header lines of the client's.
      if (!AV_OCTETS.test(value)) return `Cannot set the ${attr}: it has a forbidden character`;
      if (attr === "path") path = value;
      else domain = value;
    } else if (attr === "httponly") httpOnly = flag;
    else if (attr === "secure") secure = flag;
    else if (attr === "samesite") sameSite = SAME_SITE[value.toLowerCase()] ?? null;
  }
  const out = [];
  if (path !== "") out.push(`Path=${path}`);
  const host = domain === null ? null : cookieDomain(domain);
  if (host !== null) out.push(`Domain=${host}`);
  if (httpOnly) out.push("HttpOnly");
  if (secure) out.push("Secure");
  if (sameSite !== null) out.push(`SameSite=${sameSite}`);
  return out;
}

/**
 * The Domain attribute Go's `http.Cookie.String` writes for `value` (hence go-httpbin): a domain
 * name (letters, digits, `-` and `.` in labels of 1 to 63, a letter somewhere, at most 255) with
 * any leading dot dropped (RFC 6265 §4.1.2.3: it is ignored anyway, §5.2.3), or an IPv4 address;
 * null for anything else (`localhost:80`, `ex ample`, `[::1]`, `a..b`, ""), which makes the cookie
 * host-only rather than one a user agent would refuse whole.
 */
export function cookieDomain(value: string): string | null {
  if (IPV4.test(value)) return value;
  if (value.length === 0 || value.length > MAX_DOMAIN_LENGTH) return null;
  const name = value.startsWith(".") ? value.slice(1) : value;
  let last = ".";
  let letter = false;
  let label = 0;
  for (const c of name) {
    if ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z")) {
      letter = true;
      label++;
    } else if (c >= "0" && c <= "9") label++;
    else if (c === "-") {
      if (last === ".") return null; // a label does not start with a dash
      label++;
    } else if (c === ".") {
      // No empty label, none ending with a dash, none too long.
      if (last === "." || last === "-" || label > MAX_LABEL_LENGTH) return null;
      label = 0;
    } else return null;
    last = c;
  }
  if (last === "-" || label > MAX_LABEL_LENGTH || !letter) return null;
  return name;
}

/**
 * The Set-Cookie lines for the query's cookies, or a 400: names must be tokens, values
 * cookie-octets (space and comma allowed, quoted), at most {@link MAX_COOKIES_PER_REQUEST}.
 * `expire` gives each an empty value and a date in the past (RFC 6265 §3.1, §5.3 step 11).
 */
function setCookieLines(req: HttpRequest, expire: boolean): Array<[string, string]> | HttpResponse {
  const pairs = firstOfEachName(parseQueryAsGo(req.query));
  // go-httpbin's default for Secure: the scheme its getURL finds, forwarded fields included.
  const attrs = attributes(pairs, requestScheme(req) === "https");
  if (typeof attrs === "string") return badRequest(attrs);
  const cookies = pairs.filter(([name]) => !ATTRIBUTE_PARAM.test(name));
  if (cookies.length > MAX_COOKIES_PER_REQUEST) {
    return badRequest(`Cannot set cookies: the most at once is ${MAX_COOKIES_PER_REQUEST}`);
  }
  const lines: Array<[string, string]> = [];
  for (const [name, raw] of cookies) {
    // refuse: anything else would split the line into attributes or other cookies.
    if (!TOKEN.test(name)) return badRequest("Cannot set a cookie: its name is not a token");
    if (!expire && !QUOTABLE.test(raw)) {
      return badRequest("Cannot set a cookie: its value has a forbidden character");
    }
    const value = expire ? "" : COOKIE_OCTETS.test(raw) ? raw : `"${raw}"`;
    const expiry = expire ? [`Expires=${EXPIRED}`, "Max-Age=0"] : [];
    lines.push(["Set-Cookie", [`${name}=${value}`, ...attrs, ...expiry].join("; ")]);
  }
  return lines;
}

/** A handler for `/cookies/set` (`expire` false) or `/cookies/delete` (true): 302 to /cookies. */
export function setCookiesHandler(expire: boolean) {
  return (req: HttpRequest): HttpResponse => {
    const lines = setCookieLines(req, expire);
    if (!Array.isArray(lines)) return lines;
    return { status: STATUS.Found, headers: [...lines, ["Location", COOKIES_PATH]] };
  };
}
