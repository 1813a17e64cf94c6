/**
 * What a `PUT`/`POST` on `/files/` asks that only this feature's plain upload does: a resumable
 * upload stores the content as the whole file and reads none of it. A request naming one of
 * these must stay the plain upload it is, not be taken over by a resumable one — the IETF
 * draft's "Upgrading To Resumable Uploads": an upgraded request is "not changed otherwise", and
 * its data is processed "according to the method and header fields in the initial request",
 * which a resumable upload cannot do for:
 *
 * - a form (`multipart/form-data`, or the new-folder form's `application/x-www-form-urlencoded`):
 *   its files, or its folder, are in the content; stored raw, the multipart body became the file;
 * - `Content-Range`: a piece of a file, which the plain upload refuses (RFC 9110 §14.5) or, when it
 *   names the whole body, stores as the file; taken over, the piece replaced the whole file;
 * - `X-OC-Mtime`: the stored file's modification time (`oc_mtime.ts`), which a resumable upload
 *   dropped.
 *
 * Everything else the plain upload reads a resumable one reads too (`Content-Encoding`, the
 * digest fields, the preconditions, WebDAV's `If`), or it only refuses earlier what a resumable
 * upload refuses as the bytes come (`X-Expected-Entity-Length` past `--max-upload`).
 *
 * This module must not touch sockets or the disk.
 * @module
 */

import type { HttpRequest } from "../http/types.ts";
import { isUrlencodedForm } from "./form_folder.ts";
import { formDataType } from "./multipart_part_head.ts";
import { OC_MTIME_FIELD } from "./oc_mtime.ts";

/** The first field of `req` that only a plain upload honours, by name for a message; or null. */
export function plainOnlyField(req: HttpRequest): string | null {
  if (formDataType(req.headers.get("content-type")).kind !== "other") {
    return "Content-Type: multipart/form-data";
  }
  if (isUrlencodedForm(req)) return "Content-Type: application/x-www-form-urlencoded";
  if (req.headers.get("content-range") !== undefined) return "Content-Range";
  if (req.headers.get(OC_MTIME_FIELD) !== undefined) return "X-OC-Mtime";
  return null;
}
