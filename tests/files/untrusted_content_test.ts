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
  const type of ["text/plain; charset=utf-8", "image/png", "application/pdf", "application/json"]
) {
  Deno.test(`untrusted content only marks ${type} nosniff`, async () => {
    assertEquals(await headersFor(type), [["X-Content-Type-Options", "nosniff"]]);
  });
}
