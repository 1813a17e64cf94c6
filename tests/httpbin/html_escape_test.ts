/** The reflected-XSS rule: which content types are escaped, and how. */

import {
  escapeHtml,
  escapeHtmlBytes,
  isDangerousContentType,
} from "../../src/httpbin/html_escape.ts";
import { assertEquals } from "../support/assert.ts";

const TYPES: Array<[string, boolean]> = [
  ["text/plain", false],
  ["text/plain; charset=utf-8", false],
  ["TEXT/PLAIN", false],
  ["application/json", false],
  ['application/json; charset="utf-8"', false],
  ["application/octet-string", false],
  ["text/plain;", false],
  ["text/html", true],
  ["text/html; charset=utf-8", true],
  ["image/svg+xml", true],
  ["application/xml", true],
  ["application/octet-stream", true],
  ["text/plain; charset", true],
  ["text/plain; charset=a b", true],
  ["text/plain/html", true],
  ["text", true],
  ["", true],
  ["text /plain", true],
];

for (const [type, dangerous] of TYPES) {
  Deno.test(`isDangerousContentType is ${dangerous} for "${type}"`, () => {
    assertEquals(isDangerousContentType(type), dangerous);
  });
}

Deno.test("escapeHtml replaces the five characters Go's html.EscapeString does", () => {
  assertEquals(
    escapeHtml(`<a href="x" title='y'>&</a>`),
    "&lt;a href=&#34;x&#34; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
  );
  assertEquals(escapeHtml("plain café"), "plain café");
});

Deno.test("escapeHtmlBytes escapes byte by byte and keeps bytes that are not UTF-8", () => {
  const out = escapeHtmlBytes(new Uint8Array([0x3c, 0xff, 0x26, 0x41]));
  assertEquals([...out], [
    ...new TextEncoder().encode("&lt;"),
    0xff,
    ...new TextEncoder().encode("&amp;"),
    0x41,
  ]);
});

Deno.test("isDangerousContentType checks quoted parameter values", () => {
  assertEquals(isDangerousContentType('text/plain; a="x\\"y"'), false);
  assertEquals(isDangerousContentType('text/plain; a="x"y"'), true);
  assertEquals(isDangerousContentType('text/plain; a="x\ny"'), true);
  assertEquals(isDangerousContentType('text/plain; a="'), true);
});
