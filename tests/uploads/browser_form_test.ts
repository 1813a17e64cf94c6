/**
 * `isBrowserForm`: a browser's form navigation (Chrome, Firefox, Safari Accept fields) gets the
 * 303 to a page; `text/html;q=0`, wildcards outranked by a specific range, a tie, and `fetch()`
 * (Sec-Fetch-Mode other than navigate) get the script's answer.
 */

import { isBrowserForm } from "../../src/uploads/browser_form.ts";
import { assertEquals } from "../support/assert.ts";
import { buildRequest } from "../support/request_builder.ts";

const CHROME = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp," +
  "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";
const FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const OLD_FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8";

/** [name, Accept (undefined: none), Sec-Fetch-Mode (undefined: none), browser form?] */
const CASES: Array<[string, string | undefined, string | undefined, boolean]> = [
  ["chrome navigating", CHROME, "navigate", true],
  ["firefox navigating", FIREFOX, "navigate", true],
  ["an older firefox without Sec-Fetch-Mode", OLD_FIREFOX, undefined, true],
  ["html alone (curl -H)", "text/html", undefined, true],
  ["html refused", "text/html;q=0", undefined, false],
  ["html refused, any allowed", "text/html;q=0, */*", undefined, false],
  ["html refused with spaces and upper case", "TEXT/HTML ; Q=0 , */*;q=0.5", undefined, false],
  ["a wildcard outweighed by the specific range", "*/*;q=1, text/html;q=0.1", undefined, false],
  ["html below json", "text/html;q=0.5, application/json", undefined, false],
  ["html and json tie", "text/html, application/json", undefined, false],
  ["text/* above application/*", "text/*, application/*;q=0.5", undefined, true],
  ["any alone (curl, fetch)", "*/*", undefined, false],
  ["html inside another type's parameter", 'text/plain;x="text/html"', undefined, false],
  ["no Accept", undefined, undefined, false],
  ["fetch() asking for html", "text/html", "cors", false],
  ["a same-origin fetch asking for html", FIREFOX, "same-origin", false],
];

for (const [name, accept, mode, expected] of CASES) {
  Deno.test(`isBrowserForm is ${expected} for ${name}`, () => {
    const headers: Array<[string, string]> = [["Host", "t"]];
    if (accept !== undefined) headers.push(["Accept", accept]);
    if (mode !== undefined) headers.push(["Sec-Fetch-Mode", mode]);
    const req = buildRequest({ method: "POST", target: "/files/inbox/", headers });
    assertEquals(isBrowserForm(req), expected);
  });
}

Deno.test("isBrowserForm reads Accept over several field lines", () => {
  const req = buildRequest({
    method: "POST",
    target: "/files/inbox/",
    headers: [["Host", "t"], ["Accept", "application/json;q=0.5"], ["Accept", "text/html"]],
  });
  assertEquals(isBrowserForm(req), true);
});
