/**
 * The write routes on `/files/`: one route line beside the read route, so the router answers a
 * method neither has with 405 and an `Allow` listing both.
 *
 * | method | path | what |
 * |---|---|---|
 * | PUT | `/files/<path>` | raw body → file (201 new / 204 replaced) |
 * | POST | `/files/<path>` | raw body → file (201) — the CodeCrafters stage |
 * | POST | `/files/<dir>/` | `multipart/form-data` → every file part into the folder |
 * | POST | `/files/<dir>/` | urlencoded `mkdir=<name>` → new folder (with `--allow-mkdir`) |
 * | DELETE | `/files/<path>` | only with `--allow-delete` |
 * | MKCOL | `/files/<dir>/` | only with `--allow-mkdir` |
 *
 * Turned-off methods are left out of the route rather than answered 403: the method is then not
 * supported on the resource, which is what 405 says (RFC 9110 §15.5.6), and `OPTIONS`/`Allow`
 * tell clients what they can do. `--read-only` is different: every change exists but is refused
 * (403, "the server understood the request but refuses to fulfill it"), DELETE and MKCOL too, so
 * a read-only share answers every write the same way whatever else is turned on; the line is then
 * `unlisted`, so `Allow` does not offer what can only be refused.
 *
 * This module must not touch sockets.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import type { AppConfig } from "../app/app_config.ts";
import { formDataType } from "./multipart_part_head.ts";
import type { Route } from "../app/router.ts";
import {
  plain,
  UPLOAD_MOUNT,
  type UploadContext,
  uploadContext,
  type UploadHooks,
  writeRefusal,
} from "./upload_context.ts";
import { deleteEntry } from "./delete_entry.ts";
import { makeFolder } from "./make_folder.ts";
import { formUpload } from "./form_upload.ts";
import { formFolder, isUrlencodedForm } from "./form_folder.ts";
import { rawUpload } from "./raw_upload.ts";

export type { UploadHooks } from "./upload_context.ts";

/** The write methods `config` turns on for `/files/*`. */
export function uploadMethods(config: AppConfig): string[] {
  const methods = ["POST", "PUT"];
  // Read-only: listed so that writeRefusal answers them 403 like every other change.
  if (config.allowDelete || config.readOnly) methods.push("DELETE");
  if (config.allowMkdir || config.readOnly) methods.push("MKCOL");
  return methods;
}

/** The route line(s) for writes under `/files/`. */
export function uploadRoutes(config: AppConfig, hooks: UploadHooks = {}): Route[] {
  const ctx = uploadContext(config, hooks);
  const methods = uploadMethods(config);
  // What the router would list for /files/* without WebDAV (the read route's GET and HEAD, ours
  // unless --read-only refuses them all, OPTIONS). `hooks.allow` is read at each request: the app
  // sets it from the finished route lines (routes.ts), after these are made.
  const own = ["GET", ...(config.readOnly ? [] : methods), "HEAD", "OPTIONS"].join(", ");
  const routes: Route[] = [{
    methods,
    path: `${UPLOAD_MOUNT}*`,
    handler: (req) => dispatch(ctx, req, hooks.allow ?? own),
    // --read-only: every write is routed only to be refused (403), so none is offered in Allow.
    unlisted: config.readOnly,
  }];
  // MKCOL turned off is 403, not 405: to a WebDAV client a 405 MKCOL means the folder exists
  // (RFC 4918 §9.3.1), and rclone took it as made. It stays out of Allow. A refusal like any
  // write's, it comes after auth's 401, as every write's 403 does.
  if (!methods.includes("MKCOL")) {
    routes.push({
      methods: ["MKCOL"],
      path: `${UPLOAD_MOUNT}*`,
      handler: (req) =>
        writeRefusal(ctx, req) ??
          plain(STATUS.Forbidden, "Creating folders is turned off (--allow-mkdir)"),
      unlisted: true,
    });
  }
  return routes;
}

function dispatch(
  ctx: UploadContext,
  req: HttpRequest,
  allow: string,
): Promise<HttpResponse> {
  switch (req.method) {
    case "DELETE":
      return deleteEntry(ctx, req);
    case "MKCOL":
      return makeFolder(ctx, req, allow);
    case "POST":
      // A form goes to a folder; anything else, or a folder URL without a form, is a raw file
      // (a folder URL then gets the form handler's 415 explaining what it takes).
      // The listing page's new-folder form (no JavaScript: a form cannot send MKCOL).
      if (isUrlencodedForm(req) && req.path.endsWith("/")) return formFolder(ctx, req, allow);
      if (
        formDataType(req.headers.get("content-type")).kind !== "other" || req.path.endsWith("/")
      ) {
        return formUpload(ctx, req);
      }
      return rawUpload(ctx, req);
    default:
      return rawUpload(ctx, req);
  }
}
