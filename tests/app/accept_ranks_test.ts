/**
 * `acceptRanksAbove`: RFC 9110 §12.5.1 precedence (type/subtype over type/* over *\/*), q=0 as
 * "not acceptable", ties to the caller's default, malformed members and weights.
 */

import { acceptRanksAbove } from "../../src/app/accept_ranks.ts";
import { assertEquals } from "../support/assert.ts";

const JSON_TYPE = "application/json";
const HTML = "text/html";

/** [name, Accept, whether application/json ranks above text/html] */
const CASES: Array<[string, string, boolean]> = [
  ["json alone (curl -H)", "application/json", true],
  ["any alone (curl, fetch)", "*/*", false],
  ["a browser", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false],
  [
    "chrome with signed exchanges",
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp," +
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
    false,
  ],
  ["html refused, any allowed", "text/html;q=0, */*;q=0.1", true],
  ["text/* above json", "text/*;q=0.5, application/json;q=0.4", false],
  ["text/* below json", "text/*;q=0.4, application/json;q=0.5", true],
  ["application/* alone", "application/*", true],
  ["the specific range wins over a higher wildcard", "*/*;q=1, text/html;q=0.1", true],
  ["the specific range wins in either order", "text/html;q=0.1, */*", true],
  ["type/* wins over */*", "*/*;q=0.9, application/*;q=0.2", false],
  ["both listed, tie", "text/html, application/json", false],
  ["json refused", "application/json;q=0", false],
  ["json refused, any allowed", "application/json;q=0, */*", false],
  ["neither matches", "image/png", false],
  ["case-insensitive type and q", "APPLICATION/JSON;Q=0.9, TEXT/HTML;Q=0.5", true],
  ["OWS around ; and ,", " text/html ; q=0.2 ,\tapplication/json\t;\tq=0.3 ", true],
  ["empty members", ",,application/json,,", true],
  ["malformed q counts 0", "application/json;q=high, text/html;q=0.1", false],
  ["q above 1 is malformed", "application/json;q=2", false],
  ["parameters before q", "application/json;charset=utf-8;q=0.9, text/html;q=0.8", true],
  ["a quoted comma stays in its member", 'text/html;a="x,application/json";q=0.1, */*', true],
  ["a member with junk after its range is ignored", "application/json junk, text/html;q=0", false],
  ["a longer subtype does not match", "application/jsonx, text/html;q=0", false],
  ["a shorter subtype does not match", "application/jso, text/html;q=0", false],
  [
    "the higher of two equal ranges",
    "application/json;q=0.1, application/json;q=0.9, text/html;q=0.5",
    true,
  ],
  ["empty field", "", false],
];

for (const [name, accept, expected] of CASES) {
  Deno.test(`acceptRanksAbove is ${expected} for ${name}: ${JSON.stringify(accept)}`, () => {
    assertEquals(acceptRanksAbove(accept, JSON_TYPE, HTML), expected);
  });
}

Deno.test("acceptRanksAbove ranks text/html over text/plain for browsers only", () => {
  const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
  assertEquals(acceptRanksAbove(browser, HTML, "text/plain"), true);
  assertEquals(acceptRanksAbove("*/*", HTML, "text/plain"), false);
  assertEquals(acceptRanksAbove("text/*", HTML, "text/plain"), false);
  assertEquals(acceptRanksAbove("text/html;q=0.5, */*", HTML, "text/plain"), false);
  assertEquals(acceptRanksAbove("text/plain;q=0, */*", HTML, "text/plain"), true);
});
