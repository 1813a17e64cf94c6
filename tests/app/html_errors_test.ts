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

Deno.test("an error page may be framed only by this server's pages, whatever the route's own policy said", () => {
  const req = buildRequest({
    target: "/nope",
    headers: [["Host", "t"], ["Accept", "text/html,*/*;q=0.8"]],
  });
  // The built-in UI's 404 (frame_protection.ts), and an answer with no protection of its own
  // (the --auth-all 401, made before any route).
  const protectedAnswer: HttpResponse = {
    status: 404,
    headers: [
      ["Content-Type", "text/plain; charset=utf-8"],
      ["Content-Security-Policy", "frame-ancestors 'self'"],
      ["X-Frame-Options", "SAMEORIGIN"],
    ],
    body: "Not found\n",
  };
  const bare: HttpResponse = {
    status: 401,
    headers: [["Content-Type", "text/plain; charset=utf-8"], [
      "WWW-Authenticate",
      'Basic realm="x"',
    ]],
    body: "Sign in\n",
  };
  for (const res of [protectedAnswer, bare]) {
    const out = asPage(req, res).headers!;
    const policies = out.filter(([n]) => n === "Content-Security-Policy").map(([, v]) => v);
    assertEquals(policies.length, 1);
    assertEquals(policies[0].split("; ").includes("frame-ancestors 'self'"), true, policies[0]);
    assertEquals(policies[0].includes("default-src 'none'"), true);
    assertEquals(out.filter(([n]) => n === "X-Frame-Options"), [["X-Frame-Options", "SAMEORIGIN"]]);
  }
});
