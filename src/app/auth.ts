/**
 * Access control for the whole app, in one place: `--auth user:pass` (Basic, RFC 7617) and/or
 * `--token <secret>` (Bearer, RFC 6750) protect writes, or every request with `--auth-all`. Any
 * handler asks the guard before acting: `const denied = guard(req, "write"); if (denied) return
 * denied;` — before reading the body, so a refused upload is answered at once and its body is
 * never read (and `100 Continue` never sent).
 *
 * Security reasoning:
 * - Credentials are compared in constant time: both sides are hashed with SHA-256 first and the
 *   digests compared with `timingSafeEqual`, so neither the content nor the length of the secret
 *   leaks through response timing.
 * - A missing and a wrong credential get the same 401 with the same challenges (RFC 9110
 *   §11.6.1): a client learns nothing about which part was wrong.
 * - Either configured scheme is accepted when both are set; a scheme that is not configured never
 *   is (a Bearer token sent when only Basic is set is simply wrong).
 * - A request of the web page (`X-Wireserve-UI: 1`) is challenged with `WireserveBasic` instead
 *   of `Basic`: browsers show their own login dialog only for schemes they know, and while it is
 *   open the page never sees the 401 (an upload looked stuck at 100 %). The credentials checked
 *   are the same; only the name of the scheme in the challenge changes.
 * - `OPTIONS` passes unauthenticated under `--auth-all` when it is answered as discovery: the
 *   router's `Allow`, a CORS preflight (cors.ts, before this wrapper; preflights never carry
 *   credentials, Fetch §4.8), or a route that names `OPTIONS` itself (WebDAV's `DAV:` and `Allow`,
 *   tus discovery). An `OPTIONS` that reaches a route only because it takes any method (`/inspect`,
 *   `/anything`) runs a full handler that captures the body, so it needs the credentials.
 * - The credentials must be one token68 (RFC 9110 §11.2) after the scheme: base64 decoders skip
 *   inner whitespace, so `Basic YWxp Y2U6…` would otherwise be accepted as if whole. And the
 *   base64 is RFC 4648 §4's, padded and with zero pad bits (RFC 7617 §2): anything else is
 *   simply not the credentials.
 *
 * This module must not touch the disk or know what the handlers do.
 * @module
 */

import { createHash, timingSafeEqual } from "node:crypto";
import { trimOws } from "../http/ows.ts";
import { STATUS } from "../http/status.ts";
import type { Handler, HttpRequest, HttpResponse } from "../http/types.ts";
import type { AppConfig } from "./app_config.ts";
import { ANY_METHOD, type Route } from "./router.ts";

/** What a request wants to do: reads are open unless `authAll`; writes need credentials. */
export type Access = "read" | "write";

/** Answers a request with a 401 when it lacks the credentials `access` needs, else null. */
export type AuthGuard = (req: HttpRequest, access: Access) => HttpResponse | null;

/** The protection space named in challenges (RFC 9110 §11.5). */
export const AUTH_REALM = "wireserve";

/** The header every request of the web page carries (lower case, as looked up). */
export const UI_HEADER = "x-wireserve-ui";
/** The header's name as sent and listed in Vary. */
export const UI_HEADER_NAME = "X-Wireserve-UI";
/** Its value. */
export const UI_HEADER_VALUE = "1";
/** The scheme named instead of Basic in a 401 to the web page (no browser has a dialog for it). */
export const UI_BASIC_SCHEME = "WireserveBasic";

const BASIC = "basic ";
const BEARER = "bearer ";
const decoder = new TextDecoder();
/** RFC 9110 §11.2: `token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The config fields the guard reads. */
export type AuthConfig = Pick<AppConfig, "auth" | "token" | "authAll" | "readOnly">;

/** Whether writes are possible without credentials (the CLI warns when binding beyond loopback). */
export function writesOpenWithoutAuth(config: AuthConfig): boolean {
  return !config.readOnly && config.auth === null && config.token === null;
}

/** Builds the guard for `config`; the secrets are hashed once, here. */
export function authGuard(config: AuthConfig): AuthGuard {
  const basic = config.auth === null ? null : sha256(config.auth);
  const bearer = config.token === null ? null : sha256(config.token);
  if (basic === null && bearer === null) return () => null;
  const challenges: string[] = [];
  if (basic !== null) challenges.push(`Basic realm="${AUTH_REALM}", charset="UTF-8"`);
  if (bearer !== null) challenges.push(`Bearer realm="${AUTH_REALM}"`);
  const challenge = challenges.join(", ");
  // The web page's requests get the same realm under a scheme no browser knows, so none opens
  // its own login dialog (which would hide the 401 from the page); the page asks itself and
  // retries with `Authorization: Basic …`. Bearer has no browser dialog and stays as it is.
  const uiChallenge = challenge.replace(/^Basic /, `${UI_BASIC_SCHEME} `);
  return (req, access) => {
    if (access === "read" && !config.authAll) return null;
    const value = req.headers.get("authorization");
    if (value !== undefined && credentialsMatch(value, basic, bearer)) return null;
    const fromUi = req.headers.get(UI_HEADER) === UI_HEADER_VALUE;
    return {
      status: STATUS.Unauthorized,
      headers: [
        ["Content-Type", "text/plain; charset=utf-8"],
        ["WWW-Authenticate", fromUi ? uiChallenge : challenge],
        // The challenge depends on the header: a cache must not hand one to the other.
        ["Vary", UI_HEADER_NAME],
      ],
      body: "Authentication required\n",
    };
  };
}

/**
 * Wraps the whole app so that, under `authAll`, every request but OPTIONS needs credentials;
 * returns `handler` itself otherwise (writes are checked by the write handlers). The routes that
 * take any method guard their own OPTIONS: see {@link requireAuthForEchoedOptions}. `dress`
 * gives the 401 the form the request's route gives its own errors (an HTML page for a browser on
 * the files, `createApp`), since this answers before any route runs.
 */
export function requireAuthForAll(
  config: AuthConfig,
  handler: Handler,
  dress: (req: HttpRequest, res: HttpResponse) => HttpResponse = (_req, res) => res,
): Handler {
  if (!config.authAll || (config.auth === null && config.token === null)) return handler;
  const guard = authGuard(config);
  return (req) => {
    if (req.method === "OPTIONS") return handler(req);
    const denied = guard(req, "read");
    return denied === null ? handler(req) : dress(req, denied);
  };
}

/**
 * `routes` where, under `authAll`, an `OPTIONS` reaching a route that does not name `OPTIONS`
 * (one that takes any method and runs its full handler for it) needs the credentials too: the
 * exemption in {@link requireAuthForAll} is for discovery answers only.
 */
export function requireAuthForEchoedOptions(config: AuthConfig, routes: Route[]): Route[] {
  if (!config.authAll || (config.auth === null && config.token === null)) return routes;
  const guard = authGuard(config);
  return routes.map((route) => {
    if (!route.methods.includes(ANY_METHOD) || route.methods.includes("OPTIONS")) return route;
    const handler = route.handler;
    return {
      ...route,
      handler: (req: HttpRequest) =>
        req.method === "OPTIONS" ? guard(req, "read") ?? handler(req) : handler(req),
    };
  });
}

/** Whether an Authorization value carries a configured credential. */
function credentialsMatch(
  value: string,
  basic: Uint8Array | null,
  bearer: Uint8Array | null,
): boolean {
  // OWS only (RFC 9110 §5.6.3): a NBSP before or after the token68 is part of it, which then is
  // no token68 (`Basic \xA0dXNlcjpwYXNz` is refused).
  const v = trimOws(value);
  const lower = v.slice(0, BEARER.length).toLowerCase(); // auth-scheme is case-insensitive
  if (basic !== null && lower.startsWith(BASIC)) {
    const token = trimOws(v.slice(BASIC.length));
    // refuse: not one token68 (inner whitespace, a comma list) is not a Basic credential at all.
    if (!TOKEN68.test(token)) return false;
    const userPass = decodeBasic(token);
    return userPass !== null && timingSafeEqual(sha256(userPass), basic);
  }
  if (bearer !== null && lower.startsWith(BEARER)) {
    const token = trimOws(v.slice(BEARER.length));
    return TOKEN68.test(token) && timingSafeEqual(sha256(token), bearer);
  }
  return false;
}

/** `user:pass` from a Basic token68 (UTF-8, as our challenge's charset says), or null. */
function decodeBasic(token: string): string | null {
  try {
    // refuse: RFC 7617 §2 takes base64 from RFC 4648 §4, padded; the loose default would take
    // `YWxpY2U6cGE6c3M` (no `=`) or non-zero pad bits, so many spellings would be one password.
    return decoder.decode(Uint8Array.fromBase64(token, { lastChunkHandling: "strict" }));
  } catch {
    return null;
  }
}

function sha256(text: string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(text).digest());
}
