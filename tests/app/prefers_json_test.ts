/** JSON or text: ?format=json, or Accept ranking application/json above text/plain. */

import { prefersJson } from "../../src/app/prefers_json.ts";
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
];

for (const [target, accept, expected] of CASES) {
  Deno.test(`prefersJson is ${expected} for ${target} with Accept ${accept}`, () => {
    const headers: Array<[string, string]> = [["Host", "t"]];
    if (accept !== undefined) headers.push(["Accept", accept]);
    assertEquals(prefersJson(buildRequest({ target, headers })), expected);
  });
}
