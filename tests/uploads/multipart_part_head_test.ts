/** The boundary of a form's Content-Type and the names in each part's Content-Disposition. */

import {
  formDataBoundary,
  formDataType,
  parsePartHead,
} from "../../src/uploads/multipart_part_head.ts";
import { assertEquals } from "../support/assert.ts";

const enc = new TextEncoder();
const head = (text: string) => parsePartHead(enc.encode(text));

Deno.test("formDataBoundary reads plain and quoted boundaries of multipart/form-data only", () => {
  const cases: Array<[string | undefined, string | null]> = [
    ["multipart/form-data; boundary=----abc123", "----abc123"],
    ['Multipart/Form-Data; charset=utf-8; boundary="a b:c"', "a b:c"],
    ["multipart/form-data;boundary=x", "x"],
    ["multipart/form-data", null],
    ["multipart/mixed; boundary=x", null],
    ["application/octet-stream", null],
    [undefined, null],
    ["multipart/form-data; boundary=" + "b".repeat(70), "b".repeat(70)],
    ["multipart/form-data; boundary=" + "b".repeat(71), null],
    ['multipart/form-data; boundary="ends with space "', null],
    ["multipart/form-data; boundary=bad<char>", null],
    ['multipart/form-data; boundary=""', null],
  ];
  for (const [value, want] of cases) assertEquals(formDataBoundary(value), want, String(value));
});

Deno.test("formDataType tells a form with a bad boundary from a body that is no form", () => {
  const cases: Array<[string | undefined, string]> = [
    ["multipart/form-data; boundary=abc", "form"],
    ["multipart/form-data", "badBoundary"],
    ["multipart/form-data; charset=utf-8", "badBoundary"],
    ["Multipart/Form-Data; boundary=" + "b".repeat(71), "badBoundary"],
    ['multipart/form-data; boundary=""', "badBoundary"],
    ["multipart/form-data; boundary=bad<char>", "badBoundary"],
    ['multipart/form-data; boundary="unterminated', "badBoundary"],
    ["multipart/mixed; boundary=x", "other"],
    ["text/plain", "other"],
    [undefined, "other"],
  ];
  for (const [value, want] of cases) assertEquals(formDataType(value).kind, want, String(value));
});

Deno.test("parsePartHead reads name, filename and type as browsers and curl send them", () => {
  assertEquals(
    head(
      'Content-Disposition: form-data; name="f"; filename="a b.txt"\r\nContent-Type: text/plain',
    ),
    { name: "f", filename: "a b.txt", contentType: "text/plain" },
  );
  assertEquals(head("content-disposition: FORM-DATA; name=field"), {
    name: "field",
    filename: null,
    contentType: null,
  });
  // UTF-8 bytes straight in the quoted string (browsers)
  assertEquals(
    head('Content-Disposition: form-data; name="f"; filename="résumé 😀.pdf"')?.filename,
    "résumé 😀.pdf",
  );
  // curl escapes quote and backslash
  assertEquals(
    head('Content-Disposition: form-data; name="f"; filename="say \\"hi\\" \\\\ x"')?.filename,
    'say "hi" \\ x',
  );
  // an old browser's Windows path keeps its backslashes (for baseName)
  assertEquals(
    head('Content-Disposition: form-data; name="f"; filename="C:\\Users\\me\\a.txt"')?.filename,
    "C:\\Users\\me\\a.txt",
  );
  // browser escapes of quote and newline are not decoded (a literal %22 typed by a user stays)
  assertEquals(
    head('Content-Disposition: form-data; name="f"; filename="a%22b.txt"')?.filename,
    "a%22b.txt",
  );
  // filename* (RFC 8187) wins over filename
  assertEquals(
    head(
      'Content-Disposition: form-data; name="f"; filename="euro.txt"; filename*=UTF-8\'\'%E2%82%AC%20rates.txt',
    )?.filename,
    "€ rates.txt",
  );
  assertEquals(head('Content-Disposition: form-data; name="f"; filename=""')?.filename, "");
});

Deno.test("parsePartHead falls back to Latin-1 for bytes that are not UTF-8", () => {
  const bytes = Uint8Array.from(
    'Content-Disposition: form-data; name="f"; filename="caf\xe9"',
    (c) => c.charCodeAt(0),
  );
  assertEquals(parsePartHead(bytes)?.filename, "café");
});

Deno.test("parsePartHead accepts a head without Content-Disposition as a nameless field", () => {
  assertEquals(head(""), { name: "", filename: null, contentType: null });
  assertEquals(head("Content-Type: text/plain"), {
    name: "",
    filename: null,
    contentType: "text/plain",
  });
});

Deno.test("parsePartHead refuses malformed heads", () => {
  const bad = [
    "no colon here",
    ": empty name",
    "Content-Disposition: attachment; filename=a.txt",
    'Content-Disposition: form-data; name="unterminated',
    "Content-Disposition: form-data; name",
  ];
  for (const text of bad) assertEquals(head(text), null, text);
});

Deno.test("parsePartHead unfolds a folded field line (RFC 5322 §2.2.3) with one space", () => {
  assertEquals(
    head('Content-Disposition: form-data; name="file";\r\n filename="folded.txt"'),
    { name: "file", filename: "folded.txt", contentType: null },
  );
  assertEquals(
    head(
      'Content-Disposition: form-data;\r\n\tname="f";\r\n  filename="a.txt"\r\nContent-Type:\r\n text/plain',
    ),
    { name: "f", filename: "a.txt", contentType: "text/plain" },
  );
});

Deno.test("parsePartHead takes SP and HTAB around values and parameters, never other spaces", () => {
  // RFC 5322 WSP (as HTTP's OWS) is SP and HTAB: a no-break space or an ideographic space,
  // which String.trim would take off, is part of the value it stands next to.
  assertEquals(
    head(
      'Content-Disposition:\t form-data\t; name=f\t;\tfilename="a.txt"\r\nContent-Type: text/plain\t',
    ),
    { name: "f", filename: "a.txt", contentType: "text/plain" },
  );
  assertEquals(head('Content-Disposition: form-data\u00A0; name="f"'), null);
  assertEquals(
    head("Content-Disposition: form-data; name=f\u00A0; filename=a.txt\u3000"),
    { name: "f\u00A0", filename: "a.txt\u3000", contentType: null },
  );
  assertEquals(
    head('Content-Disposition: form-data; name="f"; filename\u00A0="evil.txt"'),
    { name: "f", filename: null, contentType: null },
  );
  assertEquals(head('Content-Disposition: form-data; name="f"\r\nContent-Type: text/plain\u00A0'), {
    name: "f",
    filename: null,
    contentType: "text/plain\u00A0",
  });
  // Latin-1 heads (not UTF-8) carry the NBSP as the byte 0xA0.
  assertEquals(
    parsePartHead(
      Uint8Array.from("Content-Disposition: form-data; name=f\xA0", (c) => c.charCodeAt(0)),
    ),
    { name: "f\xA0", filename: null, contentType: null },
  );
});

Deno.test("formDataType reads a Content-Type with a no-break space as no form", () => {
  assertEquals(formDataType("multipart/form-data\xA0; boundary=x").kind, "other");
  assertEquals(formDataType("\tmultipart/form-data\t; boundary=x").kind, "form");
});

Deno.test("parsePartHead refuses a head that starts with a continuation line", () => {
  assertEquals(head(' Content-Disposition: form-data; filename="a.txt"'), null);
});

Deno.test("parsePartHead refuses a part with two Content-Disposition fields", () => {
  assertEquals(
    head(
      'Content-Disposition: form-data; name="file"; filename="first.txt"\r\n' +
        'content-disposition: form-data; name="file"; filename="second.txt"',
    ),
    null,
  );
});

Deno.test("parsePartHead ignores a filename* that is malformed or not UTF-8", () => {
  assertEquals(
    head("Content-Disposition: form-data; filename=\"a.txt\"; filename*=UTF-8''%zz")?.filename,
    "a.txt",
  );
  assertEquals(
    head("Content-Disposition: form-data; filename=\"a.txt\"; filename*=ISO-8859-1''%e9")?.filename,
    "a.txt",
  );
});

Deno.test("parsePartHead falls back to filename when filename* is empty (RFC 6266)", () => {
  assertEquals(
    head('Content-Disposition: form-data; name="f"; filename*=UTF-8\'\'; filename="a.txt"')
      ?.filename,
    "a.txt",
  );
  assertEquals(
    head("Content-Disposition: form-data; filename=\"a.txt\"; filename*=utf-8'en'")?.filename,
    "a.txt",
  );
});

Deno.test("parsePartHead marks a file part whose filename* cannot be read and has no filename", () => {
  for (const star of ["ISO-8859-1''caf%E9.txt", "FOO''x.txt", "UTF-8''%zz", "no-quotes"]) {
    assertEquals(head(`Content-Disposition: form-data; name="f"; filename*=${star}`), {
      name: "f",
      filename: null,
      contentType: null,
      filenameUnreadable: true,
    }, star);
  }
  // with a filename beside it, that one is the name; an empty filename* says nothing
  assertEquals(
    head("Content-Disposition: form-data; filename*=FOO''x.txt; filename=\"a.txt\"")
      ?.filenameUnreadable,
    undefined,
  );
  assertEquals(
    head("Content-Disposition: form-data; filename*=UTF-8''")?.filenameUnreadable,
    undefined,
  );
});
