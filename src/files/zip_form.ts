/**
 * `POST /files/<dir>/?zip` with an `application/x-www-form-urlencoded` body `name=a&name=b`: the
 * selection of `GET ?zip&name=…` carried in the body. A selection's names in the query pass the
 * request-line limit (8 KiB) at a few hundred files, and the browser then shows a cancelled
 * download with no reason; the UI posts the names as a form instead, which the browser downloads
 * natively (no archive held in the page's memory).
 *
 * Any POST whose query asks `zip` is the archive's, whatever its body: a multipart body there is
 * refused (415) rather than taken for an upload, so a read can never write.
 *
 * This module reads the form; `files_handler.ts` answers it as the `GET` would.
 * This module must not touch sockets.
 * @module
 */

import { STATUS } from "../http/status.ts";
import { closingUnread } from "../http/drain_body.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { parseQuery } from "../app/query_params.ts";
import { textResponse } from "../app/router.ts";
import { readBodyBytes } from "../http/read_body_bytes.ts";

/**
 * Largest body of a zip form: 2 MiB holds ZIP_MAX_ENTRIES (50,000) names of 36 encoded bytes
 * (`name=`, a 30-byte name, `&`), far past what one folder's listing (`--max-listing`) offers to
 * select, while a form never holds more than this in memory (and counts against the budget for
 * bodies held whole, as every whole-body read does). Past it the answer is 413.
 */
export const ZIP_FORM_MAX_BYTES = 2 * 1024 * 1024;

const URLENCODED = /^application\/x-www-form-urlencoded[ \t]*(;|$)/i;
/** A query that asks for an archive (`zip` as a name, with or without a value). */
const ASKS_ZIP = /(?:^|&)zip(?:[=&]|$)/;

/** Whether `req` is a POST asking for an archive (`?zip`), which the zip form route takes. */
export function isZipPost(req: HttpRequest): boolean {
  return req.method === "POST" && ASKS_ZIP.test(req.query);
}

/**
 * The refusal for names that are not each one entry of the folder, or null when they all are.
 */
export function zipNamesRefusal(names: readonly string[]): HttpResponse | null {
  // refuse: a name is one entry of this folder, never a path that could lead elsewhere
  if (names.some((n) => n === "" || n === "." || n === ".." || /[\/\0]/.test(n))) {
    return textResponse(STATUS.BadRequest, "Each name must be one entry of the folder\n");
  }
  return null;
}

/** The names a zip form selects (none: the whole folder), or the refusal of the form. */
export async function readZipForm(
  req: HttpRequest,
  maxBytes = ZIP_FORM_MAX_BYTES,
): Promise<{ names: string[] } | { refusal: HttpResponse }> {
  if (!URLENCODED.test(req.headers.get("content-type") ?? "")) {
    const res = textResponse(
      STATUS.UnsupportedMediaType,
      "A zip form is application/x-www-form-urlencoded (name=…&name=…)\n",
    );
    // The body is unread: close rather than drain what may be a large upload.
    return { refusal: closingUnread(res, req) };
  }
  // Past `maxBytes`, or past the process-wide budget for bodies held whole, this throws and the
  // engine answers (413 or 503) and closes.
  const body = new TextDecoder().decode(await readBodyBytes(req.body, maxBytes));
  const pairs = parseQuery(body);
  if (pairs === null) return { refusal: textResponse(STATUS.BadRequest, "Malformed form\n") };
  const names = pairs.filter(([n]) => n === "name").map(([, v]) => v);
  const refusal = zipNamesRefusal(names);
  return refusal === null ? { names } : { refusal };
}
