/**
 * Uploaded active content is sandboxed; everything under /files/ is nosniff.
 */

import { assertEquals } from "../support/assert.ts";
import { withUntrustedContentHeaders } from "../../src/files/untrusted_content.ts";
import type { HttpRequest, HttpResponse } from "../../src/http/types.ts";

async function headersFor(type: string): Promise<Array<[string, string]>> {
  const shared: Array<[string, string]> = [["Content-Type", type]];
  const handler = withUntrustedContentHeaders(() => ({ status: 200, headers: shared, body: "x" }));
  const res = (await handler({} as HttpRequest)) as HttpResponse;
  assertEquals(shared.length, 1, "the handler's shared header array is not mutated");
  return res.headers!.slice(1);
}

const SANDBOXED = [
  "text/html; charset=utf-8",
  "application/xhtml+xml",
  "image/svg+xml",
  "text/xml; charset=utf-8",
  "application/xml",
  "TEXT/HTML",
  // what mime-types gives .xsl, .xslt, .rss, .atom, .rdf/.owl, .xul, .smil, .mathml, .kml, .gpx,
  // .wsdl, .dtd and .mml: each can hold or make a document with script
  "application/xslt+xml",
  "application/rss+xml",
  "application/atom+xml",
  "application/rdf+xml",
  "application/vnd.mozilla.xul+xml",
  "application/smil+xml",
  "application/mathml+xml",
  "application/vnd.google-earth.kml+xml",
  "application/gpx+xml; charset=utf-8",
  "application/wsdl+xml",
  "application/xml-dtd",
  "text/mathml",
  "text/xsl",
  "text/html-sandboxed",
  "application/xhtml+xml ; charset=utf-8",
];
for (const type of SANDBOXED) {
  Deno.test(`untrusted content sandboxes ${type}`, async () => {
    assertEquals(await headersFor(type), [
      ["X-Content-Type-Options", "nosniff"],
      ["Content-Security-Policy", "sandbox"],
    ]);
  });
}

for (
  const type of [
    "text/plain; charset=utf-8",
    "image/png",
    "application/pdf",
    "application/json",
    "text/plain; note=+xml",
    "application/xmlish",
    "text/htmlx",
  ]
) {
  Deno.test(`untrusted content only marks ${type} nosniff`, async () => {
    assertEquals(await headersFor(type), [["X-Content-Type-Options", "nosniff"]]);
  });
}
