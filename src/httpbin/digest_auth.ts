/**
 * `/digest-auth/<qop>/<user>/<password>[/<algorithm>]`: HTTP Digest authentication (RFC 7616)
 * with `qop=auth` and the MD5 or SHA-256 algorithm (MD5 by default). 200
 * `{"authenticated": true, "authorized": true, "user": …}` for a correct answer to a nonce we
 * issued; otherwise 401 with a fresh challenge — with `stale=true` when the answer was right but
 * its nonce too old, so the client retries without asking its user again (§3.3).
 *
 * This module must not touch sockets.
 * @module
 */

import { createHash, timingSafeEqual } from "node:crypto";
import type { AppConfig } from "../app/app_config.ts";
import { badRequest, jsonResponse } from "../app/json_response.ts";
import { percentDecode } from "../app/percent_decode.ts";
import { latin1Bytes, utf8OrNull } from "../app/byte_text.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { parseAuthParams } from "./auth_params.ts";
import { checkNonce, mintNonce, opaqueFor } from "./digest_nonce.ts";

/** The realm of every challenge (part of what the client hashes, RFC 7616 §3.4.2). */
export const DIGEST_REALM = "wireserve";
/** The algorithms offered, by their RFC 7616 §6.1 names, with Node's hash names. */
const ALGORITHMS: ReadonlyMap<string, string> = new Map([["MD5", "md5"], ["SHA-256", "sha256"]]);
const QOP_AUTH = "auth";
/** nc is exactly 8 hex digits (RFC 7616 §3.4). */
const NONCE_COUNT = /^[0-9a-fA-F]{8}$/;

/** The challenge for `algorithm`, with a nonce minted now (RFC 7616 §3.3). */
function challenge(config: AppConfig, algorithm: string, stale: boolean): string {
  const nonce = mintNonce(config.processKey, Date.now());
  const opaque = opaqueFor(config.processKey);
  return `Digest realm="${DIGEST_REALM}", qop="${QOP_AUTH}", algorithm=${algorithm}, ` +
    `nonce="${nonce}", opaque="${opaque}"${stale ? ", stale=true" : ""}`;
}

/** Hex digest of `text` (UTF-8) with Node's hash `name`. */
function h(name: string, text: string): string {
  return createHash(name).update(text).digest("hex");
}

/** What an Authorization field proves: nothing, the right answer, or the right answer too late. */
type Verdict = "fail" | "ok" | "stale";

/**
 * Checks Digest credentials (RFC 7616 §3.4) for `user`/`password`: the scheme, username,
 * realm, algorithm, qop=auth with nc and cnonce, the uri against the request target (§3.4.6),
 * opaque, the nonce's MAC and age, then the response hash, compared in constant time.
 */
function verify(
  req: HttpRequest,
  config: AppConfig,
  algorithm: string,
  user: string,
  password: string,
): Verdict {
  const header = req.headers.get("authorization");
  const parsed = header === undefined ? null : parseAuthParams(header);
  if (parsed === null || parsed.scheme !== "digest") return "fail";
  const p = parsed.params;
  // Header values are latin1 strings of the bytes sent; clients send UTF-8 user names.
  const utf8 = (s: string | undefined) => s === undefined ? null : utf8OrNull(latin1Bytes(s));
  const username = utf8(p.get("username"));
  const nonce = p.get("nonce");
  const uri = p.get("uri");
  const nc = p.get("nc");
  const cnonce = p.get("cnonce");
  const response = p.get("response");
  if (
    username !== user || p.get("realm") !== DIGEST_REALM ||
    (p.get("algorithm") ?? "MD5").toUpperCase() !== algorithm ||
    p.get("qop") !== QOP_AUTH || nc === undefined || !NONCE_COUNT.test(nc) ||
    cnonce === undefined || nonce === undefined || response === undefined ||
    uri !== req.target || p.get("opaque") !== opaqueFor(config.processKey)
  ) return "fail";
  const nonceState = checkNonce(config.processKey, nonce, Date.now());
  if (nonceState === "invalid") return "fail";
  const hash = ALGORITHMS.get(algorithm)!;
  const ha1 = h(hash, `${user}:${DIGEST_REALM}:${password}`);
  const ha2 = h(hash, `${req.method}:${uri}`);
  const expected = h(hash, `${ha1}:${nonce}:${nc}:${cnonce}:${QOP_AUTH}:${ha2}`);
  // Both sides hashed to one length first, so the comparison's time says nothing.
  const same = timingSafeEqual(
    createHash("sha256").update(response.toLowerCase()).digest(),
    createHash("sha256").update(expected).digest(),
  );
  if (!same) return "fail";
  return nonceState === "stale" ? "stale" : "ok";
}

/** The handler for `<prefix><qop>/<user>/<password>[/<algorithm>]`. */
export function digestAuthHandler(prefix: string, config: AppConfig) {
  return (req: HttpRequest): HttpResponse => {
    const segments = req.path.slice(prefix.length).split("/");
    if (segments.length !== 3 && segments.length !== 4) {
      return badRequest(
        "Cannot check credentials: the path must be /digest-auth/<qop>/<user>/<password>[/<algorithm>]",
      );
    }
    const [rawQop, rawUser, rawPassword] = segments;
    // Every segment is read decoded, as go-httpbin (Go's decoded URL path) reads it.
    const qop = percentDecode(rawQop) ?? "";
    const algorithm = (percentDecode(segments[3] ?? "MD5") ?? "").toUpperCase();
    if (qop.toLowerCase() !== QOP_AUTH) {
      return badRequest('Cannot check credentials: the only qop is "auth"');
    }
    if (!ALGORITHMS.has(algorithm)) {
      return badRequest("Cannot check credentials: the algorithm must be MD5 or SHA-256");
    }
    const user = percentDecode(rawUser);
    const password = percentDecode(rawPassword);
    if (user === null || password === null) {
      return badRequest("Cannot check credentials: the user or password is not valid UTF-8");
    }
    const verdict = verify(req, config, algorithm, user, password);
    if (verdict === "ok") {
      return jsonResponse(STATUS.OK, { authenticated: true, authorized: true, user });
    }
    return jsonResponse(
      STATUS.Unauthorized,
      { status_code: STATUS.Unauthorized, error: "Unauthorized" },
      [["WWW-Authenticate", challenge(config, algorithm, verdict === "stale")]],
    );
  };
}
