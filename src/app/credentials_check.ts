/**
 * `GET /api/credentials`: whether the request's `Authorization` is one the server takes for
 * changes (204) or not (401, the same answer a refused write gets). The web UI asks it right
 * after its sign-in form, before it says "Signed in": under `--auth` reads are open, so the
 * listing it reloads passes with any credentials at all and cannot tell a wrong password. It
 * changes nothing, so the UI never has to try a write to learn the answer.
 *
 * Security: it tells no more than any write does (a 401 or not), through the same constant-time
 * comparison (auth.ts). Without `--auth` and `--token` every request passes: there is nothing to
 * sign in to.
 *
 * This module must not touch the disk or know what the handlers do.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { type AuthConfig, authGuard } from "./auth.ts";

/** The route of the credentials check. */
export const CREDENTIALS_PATH = "/api/credentials";

/** The handler for `GET /api/credentials` under `config`. */
export function credentialsCheckHandler(config: AuthConfig): (req: HttpRequest) => HttpResponse {
  const guard = authGuard(config);
  // `no-store`: an answer about one request's credentials must not stand for another's.
  return (req) =>
    guard(req, "write") ??
      { status: STATUS.NoContent, headers: [["Cache-Control", "no-store"]] };
}
