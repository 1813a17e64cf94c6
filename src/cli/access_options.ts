/**
 * `--auth`, `--token` and `--auth-all` as validated values: the shape a Basic credential and a
 * Bearer token must have on the wire, and that `--auth-all` has something to require.
 *
 * This module checks what the credentials look like; it must not know how requests are
 * authorized (that is `src/app/auth.ts`), and never repeats a secret in an error.
 * @module
 */

import { BadValue, type OptionReader } from "./option_reader.ts";

/** The access options as given; a credential nobody set is undefined. */
export interface AccessOptions {
  /** `user:password` for Basic. */
  auth: string | undefined;
  /** The Bearer token. */
  token: string | undefined;
  /** Whether reading needs the credentials too. */
  authAll: boolean;
}

/** RFC 6750 §2.1 b64token: what a Bearer token can be on the wire. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/** Reads the access options, in this order: `auth`, `token`, `auth-all`. */
export function accessOptions(r: OptionReader): AccessOptions {
  const auth = r.string("auth", checkAuth, "user:password (no ':' in the user, no controls)");
  const token = r.string("token", (t) => B64TOKEN.test(t), "a token of A-Z a-z 0-9 - . _ ~ + /");
  const authAll = r.flag("auth-all");
  if (authAll && auth === undefined && token === undefined) {
    throw new BadValue(`${r.source("auth-all")}: needs --auth or --token to protect anything`);
  }
  return { auth, token, authAll };
}

/** RFC 7617 §2: the user-id cannot contain ":", and neither part may hold control characters. */
function checkAuth(text: string): boolean {
  const colon = text.indexOf(":");
  return colon > 0 && colon < text.length - 1 && !CONTROL.test(text);
}
