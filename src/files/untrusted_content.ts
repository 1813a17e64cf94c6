/**
 * Headers for content that anyone with write access put in the shared folder. The shared folder
 * is served from the same origin as the web UI, so an uploaded HTML or SVG file opened in a
 * browser would run its scripts as the UI: with the UI's credentials, able to PUT and DELETE.
 *
 * This module must not touch sockets or the disk.
 * @module
 */

import type { Handler, HttpResponse } from "../http/types.ts";

/**
 * Media types a browser renders as a document that may run script: HTML (and its variants),
 * every XML type — `*\/xml`, `*\/*+xml` and `*\/xml-*` (an XML document can hold XHTML or SVG
 * script elements, or load an XSLT sheet that makes HTML: `.rdf`, `.rss`, `.atom`, `.xul`,
 * `.smil`, `.kml`, … are all rendered) — and XSLT or MathML sheets under their older names.
 * Matched on the essence, so a parameter (`; charset=…`) changes nothing.
 */
const ACTIVE_TYPES =
  /^\s*[a-z0-9!#$&^_.+-]+\/(html|x?html-[a-z0-9!#$&^_.+-]*|[a-z0-9!#$&^_.+-]*\+xml|xml|xml-[a-z0-9!#$&^_.+-]*|xslt?|mathml)\s*(;|$)/i;
const NOSNIFF: [string, string] = ["X-Content-Type-Options", "nosniff"];
// refuse: scripts, forms, plugins and same-origin access for uploaded active content; a sandboxed
// document gets an opaque origin, so it cannot read the UI's storage or call its API.
const SANDBOX: [string, string] = ["Content-Security-Policy", "sandbox"];
/** The field names looked for, lower-cased (see `sameName`). */
const CONTENT_TYPE = "content-type";
const CONTENT_SECURITY_POLICY = "content-security-policy";
const UPPER_A = 0x41;
const UPPER_Z = 0x5a;
const UPPER_TO_LOWER = 0x20;

/** Adds `nosniff` to every answer, and a CSP sandbox to HTML, XHTML, SVG and every XML one. */
export function withUntrustedContentHeaders(handler: Handler): Handler {
  return (req) => {
    const res = handler(req);
    return res instanceof Promise ? res.then(guard) : guard(res);
  };
}

function guard(res: HttpResponse): HttpResponse {
  const headers = res.headers ?? [];
  // One pass, names compared without lower-cased copies: this runs for every file served.
  let type = "";
  let typeFound = false;
  let own = false;
  for (let i = 0; i < headers.length; i++) {
    const name = headers[i][0];
    if (!typeFound && sameName(name, CONTENT_TYPE)) {
      type = headers[i][1];
      typeFound = true;
    } else if (sameName(name, CONTENT_SECURITY_POLICY)) own = true;
  }
  // Our own pages (listings, search results) bring their own policy — no script at all, forms
  // posting to this server only — and are left with it; a file's bytes never come with one.
  const active = !own && ACTIVE_TYPES.test(type);
  // The handler may share its header arrays between requests (cached facts): never mutate them.
  const guarded = headers.slice();
  guarded.push(NOSNIFF);
  if (active) guarded.push(SANDBOX);
  return { ...res, headers: guarded };
}

/** Whether field `name` is `lower` (lower-case letters and `-`) in any letter case. */
function sameName(name: string, lower: string): boolean {
  if (name.length !== lower.length) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const folded = c >= UPPER_A && c <= UPPER_Z ? c + UPPER_TO_LOWER : c;
    if (folded !== lower.charCodeAt(i)) return false;
  }
  return true;
}
