/**
 * `X-HTTP-Method-Override` on upload resources: tus clients behind proxies or in environments
 * that cannot send `PATCH` (tus-js-client's `overridePatchMethod`, tusdotnet, old Java stacks)
 * send a `POST` naming the method it stands for, as tusd honours it. Only a `POST` is
 * overridden, and only to a method an upload resource has; any other value leaves the request a
 * plain `POST`, which the resource does not take (405).
 *
 * Security: the override grants nothing a client could not do by sending the method itself —
 * every request on an upload resource still needs the write credentials and passes `--read-only`
 * — and a browser page cannot add the field to a cross-origin `POST` without a CORS preflight.
 *
 * This module must not touch sockets.
 * @module
 */

import { trimOws } from "../http/ows.ts";
import type { HttpRequest } from "../http/types.ts";

/** The field tus clients send (lower case, as `HeaderFields` looks names up). */
export const METHOD_OVERRIDE_FIELD = "x-http-method-override";
/** The methods a `POST` to an upload resource may stand for. */
export const OVERRIDABLE_METHODS: ReadonlySet<string> = new Set(["PATCH", "DELETE", "HEAD", "GET"]);

/** Whether `req` is a `POST` that names another method. */
export function hasMethodOverride(req: HttpRequest): boolean {
  return req.method === "POST" && req.headers.get(METHOD_OVERRIDE_FIELD) !== undefined;
}

/** The method `req` acts as on an upload resource: its own, or the one a `POST` names. */
export function resourceMethod(req: HttpRequest): string {
  if (req.method !== "POST") return req.method;
  // Methods are case-sensitive tokens (RFC 9110 §9.1): "patch" is not PATCH, nor "PATCH\xA0"
  // (OWS only around a field value, RFC 9110 §5.6.3).
  const field = req.headers.get(METHOD_OVERRIDE_FIELD);
  const named = field === undefined ? undefined : trimOws(field);
  return named !== undefined && OVERRIDABLE_METHODS.has(named) ? named : req.method;
}
