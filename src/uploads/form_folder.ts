/**
 * `POST /files/<dir>/` with `application/x-www-form-urlencoded` body `mkdir=<name>`: the
 * listing page's new-folder form, which works without JavaScript (an HTML form cannot send
 * MKCOL). It makes the folder `<dir>/<name>/` by MKCOL's rules and only with `--allow-mkdir`
 * (403 otherwise: the method exists, this use of it is off). A browser form gets `303 See Other`
 * back to `<dir>/`, where the new folder shows; a script gets MKCOL's 201 with `Location`.
 *
 * Bounds: the body is at most FORM_FOLDER_MAX_BYTES (413 past it); the name is one path segment
 * under the upload name rules (400 otherwise), so `../evil` cannot make a folder elsewhere.
 *
 * This module must not touch sockets.
 * @module
 */

import { STATUS } from "../http/status.ts";
import { closingUnread } from "../http/drain_body.ts";
import { readBodyBytes } from "../http/read_body_bytes.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { firstValue, parseQuery } from "../app/query_params.ts";
import { encodeSegment } from "../files/mod.ts";
import { isBrowserForm } from "./browser_form.ts";
import { createFolder } from "./make_folder.ts";
import { pathBelowMount, plain, type UploadContext, writeRefusal } from "./upload_context.ts";

/** Largest body of a new-folder form: a 255-byte name percent-encoded is under 800 bytes. */
export const FORM_FOLDER_MAX_BYTES = 1024;

/** The type, then OWS (SP, HTAB; not NBSP: RFC 9110 §5.6.3) before its parameters or the end. */
const URLENCODED = /^application\/x-www-form-urlencoded[ \t]*(;|$)/i;

/** Whether a POST carries an urlencoded form (the new-folder form). */
export function isUrlencodedForm(req: HttpRequest): boolean {
  return URLENCODED.test(req.headers.get("content-type") ?? "");
}

/** Makes the folder a new-folder form names. */
export async function formFolder(
  ctx: UploadContext,
  req: HttpRequest,
  allow: string,
): Promise<HttpResponse> {
  const refusal = writeRefusal(ctx, req);
  if (refusal !== null) return refusal;
  if (!ctx.config.allowMkdir) {
    return closingUnread(plain(STATUS.Forbidden, "Creating folders is off (--allow-mkdir)"), req);
  }
  if (!req.path.endsWith("/")) {
    return closingUnread(plain(STATUS.BadRequest, "A new folder is made inside a folder URL"), req);
  }
  // Past the limit, or past the process-wide budget for bodies held whole, this throws and the
  // engine answers (413 or 503) and closes.
  const body = new TextDecoder().decode(await readBodyBytes(req.body, FORM_FOLDER_MAX_BYTES));
  const name = firstValue(parseQuery(body) ?? [], "mkdir")?.trim();
  if (name === undefined || name === "") {
    return plain(STATUS.BadRequest, "The form names no folder (field mkdir)");
  }
  // refuse: the name is one segment of this folder; "/" or ".." would make a folder elsewhere
  if (name.includes("/") || name === "." || name === "..") {
    return plain(STATUS.BadRequest, "Refused name: a folder name cannot contain / or be . or ..");
  }
  const res = await createFolder(ctx, req, `${pathBelowMount(req)}${encodeSegment(name)}/`, allow);
  if (res.status !== STATUS.Created || !isBrowserForm(req)) return res;
  return {
    status: STATUS.SeeOther,
    headers: [["Location", req.path], ["Content-Type", "text/plain; charset=utf-8"]],
    body: "Folder created; see the folder\n",
  };
}
