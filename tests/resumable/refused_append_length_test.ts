/**
 * A refused append changes nothing (RFC 5789 §2), the length it declares included: before, the
 * length a PATCH declared (tus `Upload-Length` on an upload of deferred length, the draft's
 * `Upload-Length` or `Upload-Complete: ?1` with `Content-Length`) was saved before the body was
 * judged, so a PATCH refused with 413, 460 or the draft's digest 400 left the upload's length
 * fixed for good, and the client's correct retry with the real length got 400 "The length does
 * not match". The ledger of the caps gives the length's bytes back too.
 */

import { assertEquals } from "../support/assert.ts";
import {
  b64,
  exchange,
  headOf,
  rawRequest,
  sha256Base64,
  tusCreateRaw,
  withUploadServer,
} from "./resumable_fixture.ts";
import { RawClient } from "../support/server.ts";

const OCTETS = "application/offset+octet-stream";

async function tusPatch(
  port: number,
  location: string,
  fields: Record<string, string>,
  body: string,
) {
  const [res] = await exchange(
    port,
    rawRequest("PATCH", location, {
      "Tus-Resumable": "1.0.0",
      "Content-Type": OCTETS,
      "Upload-Offset": "0",
      ...fields,
    }, body),
  );
  return res;
}

async function tusHead(port: number, location: string) {
  const [res] = await exchange(port, rawRequest("HEAD", location, { "Tus-Resumable": "1.0.0" }));
  return res;
}

Deno.test("tus: a PATCH refused with 413 or 460 leaves a deferred length deferred", async () => {
  await withUploadServer({}, async (s) => {
    const refusals: Array<[Record<string, string>, string, number]> = [
      [{ "Upload-Length": "3" }, "abcde", 413],
      [{ "Upload-Length": "3", "Upload-Checksum": `sha256 ${sha256Base64("xyz")}` }, "abc", 460],
      [{ "Upload-Length": "5", "Upload-Checksum": `sha256 ${sha256Base64("xyz")}` }, "abcde", 460],
    ];
    for (const [i, [fields, body, status]] of refusals.entries()) {
      const location = await tusCreateRaw(s.port, `f${i}.bin`, null);
      assertEquals((await tusPatch(s.port, location, fields, body)).status, status, String(i));
      const head = await tusHead(s.port, location);
      assertEquals(head.header("upload-defer-length"), "1", `${i}: the length stays deferred`);
      assertEquals(head.header("upload-length"), undefined, String(i));
      assertEquals(head.header("upload-offset"), "0", String(i));
      // The client's retry with the real length (was 400 "The length does not match").
      const done = await tusPatch(s.port, location, { "Upload-Length": "4" }, "wxyz");
      assertEquals(done.status, 204, String(i));
      assertEquals(await Deno.readTextFile(`${s.root}/f${i}.bin`), "wxyz");
    }
  });
});

Deno.test("tus: a PATCH cut short keeps the length it declared with the bytes it kept", async () => {
  await withUploadServer({}, async (s) => {
    const location = await tusCreateRaw(s.port, "cut.bin", null);
    const client = await RawClient.connect(s.port);
    const fields = {
      "Tus-Resumable": "1.0.0",
      "Content-Type": OCTETS,
      "Upload-Offset": "0",
      "Upload-Length": "100",
      "Content-Length": "100",
    };
    const head = Object.entries(fields).map(([k, v]) => `${k}: ${v}\r\n`).join("");
    await client.send(`PATCH ${location} HTTP/1.1\r\nHost: x\r\n${head}\r\n${"a".repeat(60)}`);
    // Let the 60 bytes arrive, then drop the connection mid-body (they are kept: pumped to disk
    // as the append ends).
    await new Promise((r) => setTimeout(r, 200));
    const deadline = Date.now() + 10_000;
    client.close();
    let after = await tusHead(s.port, location);
    while (after.header("upload-offset") !== "60" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      after = await tusHead(s.port, location);
    }
    assertEquals(after.header("upload-offset"), "60");
    assertEquals(after.header("upload-length"), "100", "the length came with the kept bytes");
    // The rest, without the length again (tus: once set, it stays): published.
    const done = await tusPatch(s.port, location, { "Upload-Offset": "60" }, "b".repeat(40));
    assertEquals(done.status, 204);
    assertEquals(await Deno.readTextFile(`${s.root}/cut.bin`), "a".repeat(60) + "b".repeat(40));
  });
});

Deno.test("tus: the bytes cap gets back the length a refused PATCH declared", async () => {
  await withUploadServer({ resumableMaxBytes: 10 }, async (s) => {
    const location = await tusCreateRaw(s.port, "a.bin", null);
    const refused = await tusPatch(s.port, location, {
      "Upload-Length": "8",
      "Upload-Checksum": `sha256 ${sha256Base64("nope")}`,
    }, "abcdefgh");
    assertEquals(refused.status, 460);
    // 8 more bytes fit only if the refused PATCH holds none of the cap.
    const [other] = await exchange(
      s.port,
      rawRequest("POST", "/files/", {
        "Tus-Resumable": "1.0.0",
        "Upload-Length": "8",
        "Upload-Metadata": `filename ${b64("b.bin")}`,
      }),
    );
    assertEquals(other.status, 201);
  });
});

Deno.test("draft: an append refused for its Content-Digest or its length leaves the length unknown", async () => {
  await withUploadServer({}, async (s) => {
    const wrong = `sha-256=:${sha256Base64("nope")}:`;
    const refusals: Array<[Record<string, string>, string]> = [
      // Upload-Complete ?1 with Content-Length declares the length (3 + 2).
      [{ "Upload-Complete": "?1", "Content-Digest": wrong }, "de"],
      [{ "Upload-Complete": "?0", "Upload-Length": "5", "Content-Digest": wrong }, "de"],
      [{ "Upload-Complete": "?0", "Upload-Length": "4" }, "de"], // past the declared length
    ];
    for (const [i, [fields, body]] of refusals.entries()) {
      const [interim, created] = await exchange(
        s.port,
        rawRequest("PUT", `/files/d${i}.bin`, {
          "Upload-Complete": "?0",
          "Upload-Draft-Interop-Version": "8",
        }, "abc"),
      );
      assertEquals([interim.status, created.status], [104, 201]);
      const location = created.header("location")!;
      const [refused] = await exchange(
        s.port,
        rawRequest("PATCH", location, {
          "Upload-Offset": "3",
          "Content-Type": "application/partial-upload",
          ...fields,
        }, body),
      );
      assertEquals(refused.status, 400, String(i));
      const head = await headOf(s.port, location);
      assertEquals(head.header("upload-length"), undefined, `${i}: the length stays unknown`);
      assertEquals(head.header("upload-offset"), "3", String(i));
      const [done] = await exchange(
        s.port,
        rawRequest("PATCH", location, {
          "Upload-Offset": "3",
          "Upload-Complete": "?1",
          "Content-Type": "application/partial-upload",
        }, "defg"),
      );
      assertEquals(done.status, 201, String(i));
      assertEquals(await Deno.readTextFile(`${s.root}/d${i}.bin`), "abcdefg");
    }
  });
});

Deno.test("tus: a PATCH that succeeds still fixes the deferred length it declares", async () => {
  await withUploadServer({}, async (s) => {
    const location = await tusCreateRaw(s.port, "k.bin", null);
    assertEquals((await tusPatch(s.port, location, { "Upload-Length": "6" }, "abc")).status, 204);
    const head = await tusHead(s.port, location);
    assertEquals([head.header("upload-length"), head.header("upload-defer-length")], [
      "6",
      undefined,
    ]);
    const wrong = await tusPatch(s.port, location, {
      "Upload-Offset": "3",
      "Upload-Length": "7",
    }, "defg");
    assertEquals(wrong.status, 400);
    const done = await tusPatch(s.port, location, { "Upload-Offset": "3" }, "def");
    assertEquals(done.status, 204);
    assertEquals(await Deno.readTextFile(`${s.root}/k.bin`), "abcdef");
  });
});
