/**
 * Clickjacking protection for the built-in UI: every answer of the embedded web root says that
 * only a page of this server may frame it. The UI is where files are deleted, moved and shared;
 * a page on another site that framed it invisibly could lead a click onto those buttons. The
 * UI's own `<meta>` Content-Security-Policy cannot say this (`frame-ancestors` is ignored in a
 * `<meta>`, CSP3 §6.4.2), so it goes in the header; `X-Frame-Options` (RFC 7034) tells the same
 * to browsers older than `frame-ancestors`. `'self'` rather than `'none'`: nothing of ours frames
 * the UI today, but a same-origin frame is no clickjacking.
 *
 * A `--www` folder is the user's own site, not wireserve's UI: whether others may frame it is its
 * author's choice, so it gets neither header (docs/ui.md).
 *
 * This module must not touch sockets or the disk.
 * @module
 */

import type { Handler, HttpRequest, HttpResponse } from "../http/types.ts";

/** The header fields that keep the built-in UI out of other sites' frames. */
export const FRAME_PROTECTION_HEADERS: ReadonlyArray<[string, string]> = [
  ["Content-Security-Policy", "frame-ancestors 'self'"],
  ["X-Frame-Options", "SAMEORIGIN"],
];

/** `handler` whose every answer carries {@link FRAME_PROTECTION_HEADERS}. */
export function withFrameProtection(handler: Handler): Handler {
  return (req: HttpRequest) => {
    const res = handler(req);
    return res instanceof Promise ? res.then(protect) : protect(res);
  };
}

/** `res` with the headers added; a new object, as a response may be shared (a cached one). */
function protect(res: HttpResponse): HttpResponse {
  return { ...res, headers: [...(res.headers ?? []), ...FRAME_PROTECTION_HEADERS] };
}
