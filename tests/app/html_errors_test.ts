/**
 * `asPage`: a plain-text error becomes an HTML page only for a client whose Accept ranks
 * text/html above text/plain by RFC 9110 §12.5.1 precedence, and always says `Vary: Accept`.
 */

import { asPage } from "../../src/app/html_errors.ts";
import type { HttpResponse } from "../../src/http/types.ts";
import { assertEquals } from "../support/assert.ts";
import { buildRequest } from "../support/request_builder.ts";

/** [Accept, or undefined for none; whether the 404 becomes a page] */
const CASES: Array<[string | undefined, boolean]> = [
  [undefined, false],
  ["*/*", false],
  ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true],
  // Wildcards give text/plain its q: HTML is not preferred here, or refused.
  ["text/html;q=0.5, */*", false],
  ["text/html;q=0, text/*", false],
  // text/plain refused, HTML acceptable through the wildcard.
  ["text/plain;q=0, */*", true],
];

for (const [accept, page] of CASES) {
  Deno.test(`asPage makes ${page ? "a page" : "no page"} for Accept ${accept}`, () => {
    const headers: Array<[string, string]> = [["Host", "t"]];
    if (accept !== undefined) headers.push(["Accept", accept]);
    const req = buildRequest({ target: "/files/nope", headers });
    const res: HttpResponse = {
      status: 404,
      headers: [["Content-Type", "text/plain; charset=utf-8"]],
      body: "Not found\n",
    };
    const out = asPage(req, res);
    const type = out.headers?.find(([n]) => n === "Content-Type")?.[1];
    assertEquals(type, page ? "text/html; charset=utf-8" : "text/plain; charset=utf-8");
    assertEquals(out.headers?.find(([n]) => n === "Vary")?.[1], "Accept");
  });
}
