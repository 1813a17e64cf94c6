/** multipart/form-data parsing: fields, files, and malformed bodies refused. */

import { MAX_FORM_PARTS, parseMultipart } from "../../src/httpbin/multipart_form.ts";
import { assertEquals } from "../support/assert.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

const BODY = "preamble\r\n--XyZ\r\n" +
  'Content-Disposition: form-data; name="field"\r\n\r\n' +
  "value one\r\n--XyZ\r\n" +
  'Content-Disposition: form-data; name="upload"; filename="a \\"b\\".txt"\r\n' +
  "Content-Type: text/plain\r\n\r\n" +
  "line1\r\nline2\r\n--XyZ--\r\nepilogue";

Deno.test("parseMultipart gives fields and files with their names and types", () => {
  const parts = parseMultipart(enc(BODY), "XyZ")!;
  assertEquals(parts.map((p) => [p.name, p.filename, p.contentType, dec(p.data)]), [
    ["field", null, null, "value one"],
    ["upload", 'a "b".txt', "text/plain", "line1\r\nline2"],
  ]);
});

Deno.test("parseMultipart accepts a body that starts with the delimiter", () => {
  const body = "--b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--b--";
  assertEquals(parseMultipart(enc(body), "b")?.map((p) => [p.name, dec(p.data)]), [["x", "1"]]);
});

const BAD: Array<[string, string]> = [
  ["no delimiter at all", "just text"],
  ["no close delimiter", '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1'],
  ["a part without Content-Disposition", "--b\r\nContent-Type: text/plain\r\n\r\n1\r\n--b--"],
  [
    "a part without a name",
    '--b\r\nContent-Disposition: form-data; filename="f"\r\n\r\n1\r\n--b--',
  ],
  [
    "a disposition other than form-data",
    '--b\r\nContent-Disposition: attachment; name="x"\r\n\r\n1\r\n--b--',
  ],
  [
    "an unterminated quoted name",
    '--b\r\nContent-Disposition: form-data; name="x\r\n\r\n1\r\n--b--',
  ],
];

for (const [why, body] of BAD) {
  Deno.test(`parseMultipart returns null for ${why}`, () => {
    assertEquals(parseMultipart(enc(body), "b"), null);
  });
}

Deno.test("parseMultipart refuses more than MAX_FORM_PARTS parts", () => {
  const part = '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n';
  assertEquals(
    parseMultipart(enc(part.repeat(MAX_FORM_PARTS) + "--b--"), "b")?.length,
    MAX_FORM_PARTS,
  );
  assertEquals(parseMultipart(enc(part.repeat(MAX_FORM_PARTS + 1) + "--b--"), "b"), null);
});

Deno.test("parseMultipart refuses an empty or over-long boundary", () => {
  assertEquals(parseMultipart(enc("--\r\n"), ""), null);
  assertEquals(parseMultipart(enc("x"), "b".repeat(71)), null);
});
