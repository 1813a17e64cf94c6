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

Deno.test("parseMultipart takes SP and HTAB around part fields off, never a no-break space", () => {
  // Bytes as latin1: 0xA0 is one raw byte, as Go's textproto sees it (it trims ASCII space only).
  const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
  const body = '--b\r\nContent-Disposition:\t form-data ; name="a"\t\r\n' +
    "Content-Type: text/plain\t\r\n\r\n1\r\n" +
    '--b\r\nContent-Disposition: form-data\xA0; name="b"\r\n\r\n2\r\n' +
    "--b\r\nContent-Disposition: form-data; name=c\xA0\r\nContent-Type: text/plain\xA0\r\n\r\n" +
    "3\r\n--b--";
  assertEquals(parseMultipart(latin1(body), "b")?.map((p) => [p.name, p.contentType]), [
    ["a", "text/plain"],
    ["c\xA0", "text/plain\xA0"],
  ]);
});

const BAD: Array<[string, string]> = [
  ["no delimiter at all", "just text"],
  ["no close delimiter", '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1'],
  ["a header line without a colon", "--b\r\nContent-Disposition\r\n\r\n1\r\n--b--"],
];

for (const [why, body] of BAD) {
  Deno.test(`parseMultipart returns null for ${why}`, () => {
    assertEquals(parseMultipart(enc(body), "b"), null);
  });
}

/** Parts Go's ReadForm leaves out (their FormName() is empty): skipped, the rest kept. */
const SKIPPED: Array<[string, string]> = [
  ["a part without Content-Disposition", "Content-Type: text/plain"],
  ["a part without a name", 'Content-Disposition: form-data; filename="f"'],
  ["a part with an empty name", 'Content-Disposition: form-data; name=""'],
  ["a disposition other than form-data", 'Content-Disposition: attachment; name="x"'],
  ["an unterminated quoted name", 'Content-Disposition: form-data; name="x'],
];

for (const [why, head] of SKIPPED) {
  Deno.test(`parseMultipart skips ${why}`, () => {
    const body = `--b\r\n${head}\r\n\r\n1\r\n` +
      '--b\r\nContent-Disposition: form-data; name="kept"\r\n\r\n2\r\n--b--';
    assertEquals(parseMultipart(enc(body), "b")?.map((p) => [p.name, dec(p.data)]), [
      ["kept", "2"],
    ]);
  });
}

const FILENAMES: Array<[string, string, string | null]> = [
  ["an empty filename makes a plain field", 'filename=""', null],
  ["filename* gives the decoded name", "filename*=UTF-8''%E2%82%AC%20rates.txt", "€ rates.txt"],
  [
    "filename* wins over filename",
    "filename=\"plain.txt\"; filename*=utf-8'en'n%C3%A9.txt",
    "né.txt",
  ],
  ["filename* in another charset is ignored", "filename*=iso-8859-1''%E9.txt", null],
  ["a malformed filename* is ignored", "filename*=n%C3%A9.txt; filename=f", "f"],
];

for (const [why, params, filename] of FILENAMES) {
  Deno.test(`parseMultipart: ${why}`, () => {
    const body = `--b\r\nContent-Disposition: form-data; name="f"; ${params}\r\n\r\n1\r\n--b--`;
    assertEquals(parseMultipart(enc(body), "b")?.map((p) => p.filename), [filename]);
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
