/**
 * Persistence per RFC 9112 §9.3: who keeps the connection open.
 */

import { assertEquals } from "../support/assert.ts";
import { HeaderFields } from "../../src/http/header_fields.ts";
import { wantsPersistence } from "../../src/http/persistence.ts";
import type { HttpVersion } from "../../src/http/types.ts";

const CASES: Array<[string, HttpVersion, string[], boolean]> = [
  ["1.1 default persists", "HTTP/1.1", [], true],
  ["1.1 close", "HTTP/1.1", ["close"], false],
  ["1.1 Close in any case", "HTTP/1.1", ["CLOSE"], false],
  ["1.1 close in a list", "HTTP/1.1", ["keep-alive, close"], false],
  ["1.1 close on a second line", "HTTP/1.1", ["upgrade", "close"], false],
  ["1.0 default closes", "HTTP/1.0", [], false],
  ["1.0 keep-alive persists", "HTTP/1.0", ["Keep-Alive"], true],
  ["1.0 keep-alive and close closes", "HTTP/1.0", ["keep-alive", "close"], false],
  ["1.1 close-ish token is not close", "HTTP/1.1", ["closed"], true],
  // OWS is SP and HTAB only (RFC 9110 §5.6.3): a trailing NBSP makes another token.
  ["1.0 keep-alive with NBSP is not keep-alive", "HTTP/1.0", ["keep-alive\xA0"], false],
  ["1.1 close with NBSP is not close", "HTTP/1.1", ["\xA0close"], true],
  ["1.0 keep-alive with OWS persists", "HTTP/1.0", [" \tkeep-alive\t, x"], true],
];

for (const [name, version, values, expected] of CASES) {
  Deno.test(`wantsPersistence: ${name}`, () => {
    const h = new HeaderFields();
    h.add("Host", "t");
    for (const v of values) h.add("Connection", v);
    assertEquals(wantsPersistence(version, h), expected);
  });
}
