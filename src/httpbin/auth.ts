/**
 * httpbin authentication routes: `/basic-auth/<user>/<password>`,
 * `/hidden-basic-auth/<user>/<password>` (404 instead of 401, so browsers show no prompt) and
 * `/bearer`.
 *
 * This module must not touch sockets.
 * @module
 */

import { createHash, timingSafeEqual } from "node:crypto";
import { trimOws } from "../http/ows.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { utf8OrNull } from "../app/byte_text.ts";
import { percentDecode } from "../app/percent_decode.ts";
import { badRequest, jsonError, jsonResponse } from "../app/json_response.ts";
import { notFound, pathSegments } from "./not_found.ts";

/** The challenge go-httpbin sends (RFC 7617 §2). */
const BASIC_CHALLENGE = 'Basic realm="Fake Realm"';
/** RFC 6750 §3: the bearer challenge. */
const BEARER_CHALLENGE = "Bearer";
/** `/basic-auth/<user>/<password>`: the path segments after the prefix. */
const BASIC_AUTH_SEGMENTS = 2;
/** The scheme `/bearer` takes, compared case-sensitively as go-httpbin does. */
const BEARER_SCHEME = "Bearer";
/** token68 as RFC 6750 §2.1 defines b64token. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * A handler for `<prefix><user>/<password>` that answers, as go-httpbin does, 200
 * `{"authenticated": true, "authorized": true, "user": …}` to matching Basic credentials and
 * otherwise 401 with a challenge and both flags false (or a bare 404 error when `hidden`). A
 * path without exactly those two segments is 404, like any unknown path.
 */
export function basicAuthHandler(prefix: string, hidden: boolean) {
  return (req: HttpRequest): HttpResponse => {
    const segments = pathSegments(req.path, prefix, BASIC_AUTH_SEGMENTS);
    if (segments === null) return notFound();
    const user = percentDecode(segments[0]);
    const password = percentDecode(segments[1]);
    if (user === null || password === null) {
      return badRequest("Cannot check credentials: the user or password is not valid UTF-8");
    }
    const given = basicCredentials(req.headers.get("authorization"));
    // RFC 7617 §2: the first colon ends the user-id, so `us:er` as the path's user never matches
    // (`-u us:er:pass` is user `us`, password `er:pass`). Both are compared, whatever the first gave.
    const userMatches = given !== null && sameSecret(given.user, user);
    const passwordMatches = given !== null && sameSecret(given.password, password);
    if (userMatches && passwordMatches) {
      return jsonResponse(STATUS.OK, { authenticated: true, authorized: true, user });
    }
    // Hidden: look like a missing page, so that a browser shows no login prompt.
    if (hidden) return jsonError(STATUS.NotFound);
    return jsonResponse(
      STATUS.Unauthorized,
      { authenticated: false, authorized: false, user: given?.user ?? "" },
      [["WWW-Authenticate", BASIC_CHALLENGE]],
    );
  };
}

/** The user-id and password of a Basic Authorization value (RFC 7617 §2), or null. */
function basicCredentials(
  value: string | undefined,
): { user: string; password: string } | null {
  if (value === undefined) return null;
  const space = value.indexOf(" ");
  // RFC 9110 §11.1: the scheme name is case-insensitive.
  if (space === -1 || value.slice(0, space).toLowerCase() !== "basic") return null;
  let bytes: Uint8Array;
  try {
    // OWS only: a NBSP is no base64 character, so `Basic \xA0…` is not a credential.
    bytes = Uint8Array.fromBase64(trimOws(value.slice(space + 1)));
  } catch {
    return null;
  }
  // RFC 7617 §2.1: UTF-8 is the charset clients use in practice; anything else cannot match.
  const pair = utf8OrNull(bytes);
  if (pair === null) return null;
  const colon = pair.indexOf(":");
  if (colon === -1) return null;
  return { user: pair.slice(0, colon), password: pair.slice(colon + 1) };
}

/**
 * Compares secrets in constant time: both sides are hashed first so that neither the length nor
 * the position of the first difference shows in the timing.
 */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * `/bearer`: 200 `{"authenticated": true, "token": …}` for `Authorization: Bearer <token>`
 * (any well-formed token: there is nothing to check it against), else 401 with
 * `WWW-Authenticate: Bearer` and go-httpbin's bare error body. As in go-httpbin the value must
 * be exactly two whitespace-separated words and the scheme is matched case-sensitively
 * (`bearer x` is refused).
 */
export function bearerHandler(req: HttpRequest): HttpResponse {
  const words = (req.headers.get("authorization") ?? "").split(/[ \t]+/).filter((w) => w !== "");
  if (words.length === 2 && words[0] === BEARER_SCHEME && B64TOKEN.test(words[1])) {
    return jsonResponse(STATUS.OK, { authenticated: true, token: words[1] });
  }
  const res = jsonError(STATUS.Unauthorized);
  res.headers!.push(["WWW-Authenticate", BEARER_CHALLENGE]);
  return res;
}
