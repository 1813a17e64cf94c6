/**
 * Headers for content that anyone with write access put in the shared folder. The shared folder
 * is served from the same origin as the web UI, so an uploaded HTML or SVG file opened in a
 * browser would run its scripts as the UI: with the UI's credentials, able to PUT and DELETE.
 *
 * This module must not touch sockets or the disk.
 * @module
 */

import type { Handler, HttpResponse } from "../http/types.ts";

/** Media types a browser runs scripts in when it renders them. */
const ACTIVE_TYPES =
  /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml)\b/i;
const NOSNIFF: [string, string] = ["X-Content-Type-Options", "nosniff"];
// refuse: scripts, forms, plugins and same-origin access for uploaded active content; a sandboxed
// document gets an opaque origin, so it cannot read the UI's storage or call its API.
const SANDBOX: [string, string] = ["Content-Security-Policy", "sandbox"];

/** Adds `nosniff` to every answer, and a CSP sandbox to HTML, XHTML, SVG and XML ones. */
export function withUntrustedContentHeaders(handler: Handler): Handler {
  return (req) => {
    const res = handler(req);
    return res instanceof Promise ? res.then(guard) : guard(res);
  };
}

function guard(res: HttpResponse): HttpResponse {
  const headers = res.headers ?? [];
  const type = headers.find(([name]) => name.toLowerCase() === "content-type")?.[1] ?? "";
  // Our own pages (listings, search results) bring their own policy — no script at all, forms
  // posting to this server only — and are left with it; a file's bytes never come with one.
  const own = headers.some(([name]) => name.toLowerCase() === "content-security-policy");
  const extra: Array<[string, string]> = ACTIVE_TYPES.test(type) && !own
    ? [NOSNIFF, SANDBOX]
    : [NOSNIFF];
  // The handler may share its header arrays between requests (cached facts): never mutate them.
  return { ...res, headers: [...headers, ...extra] };
}
