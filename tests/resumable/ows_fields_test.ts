/**
 * The resumable protocols' request fields, sent as raw bytes: OWS around a value is SP and HTAB
 * only (RFC 9110 §5.6.3). A no-break space (0xA0, one raw byte of a latin1 field value) is part of
 * the value — `String.trim` would take it off and let `1.0.0\xA0`, `identity\xA0` or `PATCH\xA0`
 * pass for what they are not.
 */

import { assertEquals } from "../support/assert.ts";
import { tusChecksum } from "../../src/resumable/checksum.ts";
import { resourceMethod } from "../../src/resumable/method_override.ts";
import { buildRequest } from "../support/request_builder.ts";
import { b64, exchange, withUploadServer } from "./resumable_fixture.ts";

/** `text` as latin1 bytes: each char one byte, so "\xA0" is the byte 0xA0 (not UTF-8's C2 A0). */
function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** The final status of `request` (CRLF-ended field lines in `fields`). */
async function statusOf(port: number, head: string, fields: string, body = ""): Promise<number> {
  const request = `${head}\r\nHost: x\r\n${fields}Content-Length: ${body.length}\r\n` +
    `Connection: close\r\n\r\n${body}`;
  const answers = await exchange(port, latin1(request));
  return answers[answers.length - 1].status;
}

Deno.test("tus: a Tus-Resumable of 1.0.0 followed by a no-break space is refused (412)", async () => {
  await withUploadServer({}, async (s) => {
    const create = (version: string) =>
      statusOf(
        s.port,
        "POST /files/ HTTP/1.1",
        `Tus-Resumable: ${version}\r\nUpload-Length: 1\r\nUpload-Metadata: filename ${
          b64("a")
        }\r\n`,
      );
    assertEquals(await create("1.0.0\xA0"), 412);
    assertEquals(await create("\xA01.0.0"), 412);
    assertEquals(await create("1.0.0\t"), 201);
  });
});

Deno.test("tus: an Upload-Defer-Length or Upload-Metadata with a no-break space is 400", async () => {
  await withUploadServer({}, async (s) => {
    const create = (fields: string) =>
      statusOf(s.port, "POST /files/ HTTP/1.1", `Tus-Resumable: 1.0.0\r\n${fields}`);
    const name = `Upload-Metadata: filename ${b64("b")}\r\n`;
    assertEquals(await create(`Upload-Defer-Length: 1\xA0\r\n${name}`), 400);
    assertEquals(await create(`Upload-Length: 1\xA0\r\n${name}`), 400);
    assertEquals(await create(`Upload-Length: 1\r\n${name.slice(0, -2)}\xA0\r\n`), 400);
    assertEquals(await create(`Upload-Defer-Length: 1\r\n${name}`), 201);
  });
});

Deno.test("draft: a creation with a Content-Encoding of identity and a no-break space is 415", async () => {
  await withUploadServer({}, async (s) => {
    const create = (name: string, coding: string) =>
      statusOf(
        s.port,
        `POST /files/${name} HTTP/1.1`,
        `Upload-Draft-Interop-Version: 8\r\nUpload-Complete: ?1\r\nContent-Encoding: ${coding}\r\n`,
        "data",
      );
    assertEquals(await create("a.txt", "identity\xA0"), 415);
    assertEquals(await create("b.txt", "\xA0"), 415);
    assertEquals(await create("c.txt", "identity"), 201);
  });
});

Deno.test("tusChecksum refuses a checksum whose value a no-break space follows", () => {
  const sha1 = "qZk+NkcGgWq6PiVxeFDCbJzQ2J0="; // sha1 of "hello world"
  assertEquals(tusChecksum(`sha1 ${sha1}`).ok, true);
  assertEquals(tusChecksum(`sha1 ${sha1}\xA0`), { ok: false, reason: "malformed" });
  assertEquals(tusChecksum(`\xA0sha1 ${sha1}`), { ok: false, reason: "unsupported" }); // no such name
});

Deno.test("X-HTTP-Method-Override of PATCH followed by a no-break space overrides nothing", () => {
  const post = (value: string) =>
    buildRequest({
      method: "POST",
      target: "/api/uploads/x",
      headers: [["Host", "t"], ["X-HTTP-Method-Override", value]],
    });
  assertEquals(resourceMethod(post("PATCH")), "PATCH");
  assertEquals(resourceMethod(post("\tPATCH\t")), "PATCH");
  assertEquals(resourceMethod(post("PATCH\xA0")), "POST");
  assertEquals(resourceMethod(post("\xA0DELETE")), "POST");
});
