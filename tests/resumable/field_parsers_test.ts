/**
 * The pure pieces of resumable uploads: tus `Upload-Metadata`, the draft's Structured Field
 * values, the media type of an append, which file a creation names (with hostile relative
 * paths), and stored records.
 */

import { assertEquals } from "../support/assert.ts";
import { metadataText, parseTusMetadata } from "../../src/resumable/tus_metadata.ts";
import {
  mediaType,
  parseSfBoolean,
  parseTusInteger,
  parseUploadInteger,
} from "../../src/resumable/field_values.ts";
import { creationTarget, dispositionFilename } from "../../src/resumable/creation_target.ts";
import { decodeRecord, encodeRecord, newUploadId } from "../../src/resumable/upload_record.ts";

const none = { list: () => undefined };
const b64 = (t: string) => btoa(String.fromCharCode(...new TextEncoder().encode(t)));

Deno.test("parseTusMetadata reads pairs and keys without values, and refuses malformed ones", () => {
  const meta = parseTusMetadata(
    `filename ${b64("wörld.jpg")},is_confidential, type ${b64("a/b")}`,
  )!;
  assertEquals(metadataText(meta, "filename"), "wörld.jpg");
  assertEquals(meta.get("is_confidential")?.length, 0);
  assertEquals(metadataText(meta, "type"), "a/b");
  for (const bad of ["filename !!!", "a b c", "a x,a y", `filename ${b64("x")} extra`]) {
    assertEquals(parseTusMetadata(bad), null, bad);
  }
  assertEquals(metadataText(parseTusMetadata(`n ${btoa("\xff\xfe")}`)!, "n"), null); // not UTF-8
});

Deno.test("mediaType keeps only the media type, lower-cased, of a Content-Type", () => {
  assertEquals(mediaType(undefined), undefined);
  assertEquals(mediaType("application/partial-upload"), "application/partial-upload");
  assertEquals(
    mediaType(" Application/Offset+Octet-Stream ; charset=x"),
    "application/offset+octet-stream",
  );
  assertEquals(mediaType(""), "");
});

Deno.test("parseUploadInteger and parseSfBoolean accept only the Structured Field forms", () => {
  assertEquals(parseUploadInteger("0"), 0);
  assertEquals(parseUploadInteger("123;x=1"), 123);
  assertEquals(parseUploadInteger("999999999999999"), 999999999999999);
  for (const bad of ["", "-1", "+1", "1.0", "0x10", "1e3", " ", "1000000000000000", "１"]) {
    assertEquals(parseUploadInteger(bad), null, bad);
  }
  assertEquals([parseSfBoolean("?1"), parseSfBoolean("?0"), parseSfBoolean(" ?1;a")], [
    true,
    false,
    true,
  ]);
  for (const bad of ["1", "true", "?2", "?", ""]) assertEquals(parseSfBoolean(bad), null, bad);
});

Deno.test("parseTusInteger takes digits alone: tus fields carry no parameters", () => {
  assertEquals([parseTusInteger("0"), parseTusInteger(" 12\t"), parseTusInteger(undefined)], [
    0,
    12,
    null,
  ]);
  for (const bad of ["5;a=1", "5;", "", "-1", "1.0", "12\xA0", "1000000000000000"]) {
    assertEquals(parseTusInteger(bad), null, bad);
  }
});

Deno.test("the field parsers take SP and HTAB around a value, never a no-break space (0xA0)", () => {
  // OWS is SP and HTAB only (RFC 9110 §5.6.3); a latin1 field value carries NBSP as a raw byte.
  assertEquals(parseUploadInteger("\t12\t"), 12);
  assertEquals(parseUploadInteger("12\xA0"), null);
  assertEquals(parseUploadInteger("\xA012"), null);
  assertEquals(parseSfBoolean("?1\xA0"), null);
  assertEquals(parseSfBoolean("\xA0?0"), null);
  assertEquals(
    mediaType("application/offset+octet-stream\xA0"),
    "application/offset+octet-stream\xA0",
  );
  assertEquals(mediaType("\tapplication/partial-upload\t;a=b"), "application/partial-upload");
  assertEquals(parseTusMetadata(`filename ${b64("a")}\xA0`), null);
  assertEquals(parseTusMetadata(`\xA0filename ${b64("a")}`), null);
  assertEquals(parseTusMetadata("\xA0"), null);
  assertEquals(parseTusMetadata(`\tfilename ${b64("a")}\t,\tx\t`)?.size, 2);
});

Deno.test("dispositionFilename takes OWS (SP, HTAB) around parameters, never a no-break space", () => {
  assertEquals(dispositionFilename("inline;\tfilename\t=\tplain.txt"), "plain.txt");
  assertEquals(dispositionFilename("inline;\xA0filename=plain.txt"), null);
  assertEquals(dispositionFilename("inline; filename\xA0=plain.txt"), null);
  assertEquals(dispositionFilename("inline; filename=plain.txt\xA0"), "plain.txt\xA0");
});

Deno.test("creationTarget keeps a file URL and names a folder's file from the request", () => {
  const meta = (pairs: string) => parseTusMetadata(pairs);
  assertEquals(creationTarget("docs/a.bin", null, none, false), {
    ok: true,
    rawPath: "docs/a.bin",
  });
  assertEquals(creationTarget("docs/", meta(`filename ${b64("a b#.txt")}`), none, false), {
    ok: true,
    rawPath: "docs/a%20b%23.txt",
  });
  assertEquals(
    creationTarget(
      "",
      meta(`relativePath ${b64("x/y/z.txt")},filename ${b64("z.txt")}`),
      none,
      false,
    ),
    { ok: true, rawPath: "x/y/z.txt" },
  );
  assertEquals(
    creationTarget("", meta(`relativePath ${b64("null")},filename ${b64("f")}`), none, false),
    {
      ok: true,
      rawPath: "f",
    },
  );
  // Uppy's "null" means no relativePath; a filename "null" is a file named so.
  assertEquals(creationTarget("up/", meta(`filename ${b64("null")}`), none, false), {
    ok: true,
    rawPath: "up/null",
  });
  for (
    const hostile of ["..", "../x", "a/../../x", "a//b", ".git/config", "a/b\\c", "c:x", "x\u202e"]
  ) {
    const res = creationTarget("up/", meta(`relativePath ${b64(hostile)}`), none, false);
    assertEquals(res.ok, false, hostile);
  }
  assertEquals(creationTarget("up/", null, none, false).ok, false);
});

Deno.test("creationTarget drops the one leading slash of Uppy 3's folder relativePath", () => {
  const target = (relative: string) =>
    creationTarget("up/", parseTusMetadata(`relativePath ${b64(relative)}`), none, false);
  assertEquals(target("/folder/sub/a.jpg"), { ok: true, rawPath: "up/folder/sub/a.jpg" });
  // One slash only, and the name rules still hold for what follows it.
  for (const hostile of ["//a.jpg", "/../x", "/a/../../x", "/.git/config", "/"]) {
    assertEquals(target(hostile).ok, false, hostile);
  }
});

Deno.test("dispositionFilename prefers filename*, then the quoted or token form", () => {
  assertEquals(
    dispositionFilename(`inline; filename="a.txt"; filename*=UTF-8''%C3%A9.txt`),
    "é.txt",
  );
  assertEquals(dispositionFilename(`inline; filename="q\\"uote.txt"`), 'q"uote.txt');
  assertEquals(dispositionFilename("attachment; filename=plain.txt"), "plain.txt");
  assertEquals(dispositionFilename("inline"), null);
});

Deno.test("decodeRecord round-trips a record and refuses anything else", () => {
  const record = {
    id: newUploadId(),
    path: "a%20b/c.txt",
    method: "PUT" as const,
    length: null,
    createdMs: 1,
    metadata: null,
    conditions: [["if-none-match", "*"]] as Array<[string, string]>,
    reprDigest: null,
    wantReprDigest: null,
    completedMs: null,
    url: null,
    unverifiedFrom: null,
  };
  assertEquals(decodeRecord(encodeRecord(record)), record);
  assertEquals(decodeRecord(encodeRecord({ ...record, unverifiedFrom: 7 }))?.unverifiedFrom, 7);
  // A record an earlier version wrote has no mark of unverified bytes: none.
  const { unverifiedFrom: _, ...earlier } = record;
  assertEquals(decodeRecord(JSON.stringify(earlier)), record);
  for (
    const bad of [
      "",
      "{",
      "null",
      "[]",
      encodeRecord({ ...record, id: "../x" }),
      encodeRecord({ ...record, length: -1 }),
      JSON.stringify({ ...record, unverifiedFrom: -1 }),
      JSON.stringify({ ...record, unverifiedFrom: "0" }),
    ]
  ) {
    assertEquals(decodeRecord(bad), null, bad);
  }
});

Deno.test("creationTarget refuses the server's own names as reserved, before the dotfile rule", () => {
  for (const dotfiles of [false, true]) {
    for (const name of [".wireserve-uploads", ".wireserve-dav"]) {
      const byName = creationTarget(
        "up/",
        parseTusMetadata(`filename ${b64(name)}`),
        none,
        dotfiles,
      );
      assertEquals(byName, { ok: false, reason: "Refused name: reserved" }, name);
      const relative = parseTusMetadata(`relativePath ${b64(`a/${name}/b.txt`)}`);
      assertEquals(creationTarget("up/", relative, none, dotfiles), {
        ok: false,
        reason: "Refused name: reserved",
      });
    }
  }
});
