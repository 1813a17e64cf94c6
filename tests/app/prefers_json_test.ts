/**
 * JSON or text: ?format=json, or Accept ranking application/json above text/plain (or, for a
 * listing, text/html) by RFC 9110 §12.5.1 precedence.
 */

import { acceptRanksJsonAbove, prefersJson } from "../../src/app/prefers_json.ts";
import { assertEquals } from "../support/assert.ts";
import { buildRequest } from "../support/request_builder.ts";

const CASES: Array<[string, string | undefined, boolean]> = [
  ["/inspect", undefined, false],
  ["/inspect?format=json", undefined, true],
  ["/inspect?a=1&format=json", undefined, true],
  ["/inspect?format=jsonx", undefined, false],
  ["/inspect", "application/json", true],
  ["/inspect", "*/*", false],
  ["/inspect", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false],
  ["/inspect", "text/plain, application/json", false],
  ["/inspect", "text/plain;q=0.5, application/json", true],
  ["/inspect", "application/json;q=0", false],
  ["/inspect", "APPLICATION/JSON", true],
  ["/inspect", "text/plain;q=0, */*;q=0.1", true],
  ["/inspect", "text/*;q=0.5, application/json;q=0.4", false],
  ["/inspect", "application/*", true],
];

for (const [target, accept, expected] of CASES) {
  Deno.test(`prefersJson is ${expected} for ${target} with Accept ${accept}`, () => {
    const headers: Array<[string, string]> = [["Host", "t"]];
    if (accept !== undefined) headers.push(["Accept", accept]);
    assertEquals(prefersJson(buildRequest({ target, headers })), expected);
  });
}

/** [Accept, whether a listing answers JSON rather than HTML] */
const LISTING_CASES: Array<[string, boolean]> = [
  ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false],
  ["*/*", false],
  ["application/json", true],
  ["text/html;q=0, */*;q=0.1", true],
  ["text/*;q=0.5, application/json;q=0.4", false],
];

for (const [accept, expected] of LISTING_CASES) {
  Deno.test(`acceptRanksJsonAbove text/html is ${expected} with Accept ${accept}`, () => {
    const req = buildRequest({ target: "/files/", headers: [["Host", "t"], ["Accept", accept]] });
    assertEquals(acceptRanksJsonAbove(req, "text/html"), expected);
  });
}
